package dev.ferry.server.http;

/** What a handler answers: an HTTP status and a body serialized as JSON. */
public record Response(int status, Object body) {
    public static Response ok(Object body) {
        return new Response(200, body);
    }
}
