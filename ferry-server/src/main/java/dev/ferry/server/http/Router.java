package dev.ferry.server.http;

import dev.ferry.core.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps a method and a path to a handler. A pattern is a list of segments; a segment is a literal,
 * a variable {@code {name}}, or a variable with a custom verb {@code {name}:start}. A path that
 * matches some pattern under another method answers 405; a path that matches none answers 404.
 * Built once at start, then read-only and thread-safe.
 */
public final class Router {
    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String pattern, Handler handler) {
        routes.add(new Route(method, pattern, split(pattern), handler));
        return this;
    }

    /** Every route added, in order: its method and its pattern as given, such as {@code /v1/migrationJobs/{name}:start}. */
    public List<Endpoint> endpoints() {
        return routes.stream().map(r -> new Endpoint(r.method(), r.text())).toList();
    }

    /** A method and a path pattern the router serves. */
    public record Endpoint(String method, String pattern) {
        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    /** The handler and path variables for the request; throws {@link HttpError} for 404 and 405. */
    public Match match(String method, String path) {
        TreeSet<String> allowed = new TreeSet<>();
        String[] segments = split(path);
        for (Route route : routes) {
            Map<String, String> params = route.match(segments);
            if (params != null) {
                if (route.method().equals(method)) {
                    return new Match(route.handler(), params);
                }
                allowed.add(route.method());
            }
        }
        if (!allowed.isEmpty()) {
            throw new HttpError(405, ErrorCode.INVALID_ARGUMENT,
                    "Method %s is not allowed on %s; use %s".formatted(method, path, String.join(", ", allowed)),
                    String.join(", ", allowed));
        }
        throw new HttpError(404, ErrorCode.NOT_FOUND, "No API resource at %s %s".formatted(method, path));
    }

    /** A matched route: its handler and the values of its path variables. */
    public record Match(Handler handler, Map<String, String> params) {}

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    private record Route(String method, String text, String[] pattern, Handler handler) {
        Map<String, String> match(String[] segments) {
            if (segments.length != pattern.length) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < pattern.length; i++) {
                if (!matchSegment(pattern[i], segments[i], params)) {
                    return null;
                }
            }
            return params;
        }

        private static boolean matchSegment(String pattern, String segment, Map<String, String> params) {
            if (!pattern.startsWith("{")) {
                return pattern.equals(segment);
            }
            int close = pattern.indexOf('}');
            String name = pattern.substring(1, close);
            String verb = pattern.substring(close + 1);       // "" or ":start"
            String value;
            if (verb.isEmpty()) {
                if (segment.indexOf(':') >= 0) {
                    return false;
                }
                value = segment;
            } else {
                if (!segment.endsWith(verb)) {
                    return false;
                }
                value = segment.substring(0, segment.length() - verb.length());
            }
            if (value.isEmpty()) {
                return false;
            }
            params.put(name, value);
            return true;
        }
    }
}
