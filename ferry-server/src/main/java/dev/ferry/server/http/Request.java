package dev.ferry.server.http;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One API request: the matched path variables, the query parameters and a body read on demand, at
 * most {@link #MAX_BODY_BYTES} long. Not thread-safe; used by the one thread serving the request.
 */
public final class Request {
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, String> query;
    private final InputStream bodyStream;
    private final Json json;
    private final java.util.function.Function<String, String> headers;
    private byte[] body;

    /** {@code headers} gives the first value of a request header by name, or null. */
    public Request(String method, String path, Map<String, String> pathParams, String rawQuery, InputStream bodyStream,
            Json json, java.util.function.Function<String, String> headers) {
        this.headers = headers;
        this.method = method;
        this.path = path;
        this.pathParams = Map.copyOf(pathParams);
        this.query = parseQuery(rawQuery);
        this.bodyStream = bodyStream;
        this.json = json;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The first value of the request header {@code name}, or null. */
    public String header(String name) {
        return headers.apply(name);
    }

    /** A variable of the route pattern, such as {@code name} in {@code /v1/migrationJobs/{name}}. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no path variable " + name);
        }
        return value;
    }

    /** A query parameter, or null when absent. */
    public String query(String name) {
        return query.get(name);
    }

    /** A boolean query parameter ({@code true} or {@code false}); {@code fallback} when absent. */
    public boolean queryFlag(String name, boolean fallback) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Query parameter %s must be true or false, not '%s'".formatted(name, value));
        };
    }

    /** An integer query parameter within [min, max]; {@code fallback} when absent. */
    public int queryInt(String name, int fallback, int min, int max) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below, which names the parameter and the range
        }
        throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                "Query parameter %s must be a whole number from %d to %d".formatted(name, min, max));
    }

    /** The body parsed as {@code type}; a missing body is refused with INVALID_ARGUMENT. */
    public <T> T body(Class<T> type) {
        T value = json.read(bodyBytes(), type);
        if (value == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A JSON request body is required");
        }
        return value;
    }

    /** The body parsed as {@code type}, or null when the request has no body. */
    public <T> T optionalBody(Class<T> type) {
        byte[] bytes = bodyBytes();
        return isBlank(bytes) ? null : json.read(bytes, type);
    }

    private byte[] bodyBytes() {
        if (body == null) {
            try {
                byte[] read = bodyStream.readNBytes(MAX_BODY_BYTES + 1);
                if (read.length > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
                body = read;
            } catch (IOException e) {
                throw new UncheckedIOException("reading the request body failed", e);
            }
        }
        return body;
    }

    static HttpError tooLarge() {
        return new HttpError(413, ErrorCode.INVALID_ARGUMENT,
                "The request body is larger than 1 MiB; send a smaller body");
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "The query string is not valid URL encoding near '%s'".formatted(key), e);
            }
        }
        return params;
    }
}
