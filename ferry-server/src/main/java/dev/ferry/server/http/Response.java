package dev.ferry.server.http;

import java.util.Map;

/**
 * What a handler answers: an HTTP status, a body (serialized as JSON unless it is {@link PlainText} or an
 * {@link Asset}) and extra headers such as {@code Set-Cookie} or {@code Location}.
 */
public record Response(int status, Object body, Map<String, String> headers) {
    public Response {
        headers = Map.copyOf(headers);
    }

    public Response(int status, Object body) {
        this(status, body, Map.of());
    }

    public static Response ok(Object body) {
        return new Response(200, body);
    }

    /** A 303 to {@code location} on this server, such as {@code /signin}. */
    public static Response seeOther(String location) {
        return new Response(303, new ErrorBody("REDIRECT", "See " + location), Map.of("Location", location));
    }

    /** This answer with one more header. */
    public Response withHeader(String name, String value) {
        var all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return new Response(status, body, all);
    }
}
