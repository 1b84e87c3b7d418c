package dev.ferry.server.access;

import com.sun.net.httpserver.Headers;
import dev.ferry.core.ErrorCode;
import dev.ferry.server.http.HttpError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps web pages from driving the API. A {@code Host} must be one of the server's names (so a
 * DNS-rebinding page cannot read answers); an {@code Origin}, when a browser sends one, must be the
 * server's own; and a mutating call must say {@code Content-Type: application/json}, which no page can
 * send to another origin without a CORS preflight, which Ferry never grants. Immutable.
 */
public final class BrowserGuard {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final HostNames hosts;
    private final String scheme;

    public BrowserGuard(HostNames hosts, String scheme) {
        this.hosts = hosts;
        this.scheme = scheme;
    }

    /** Throws {@link HttpError} (403 or 415) when the request may come from a page Ferry did not serve. */
    public void check(String method, Headers headers) {
        String host = headers.getFirst("Host");
        if (host == null || host.isBlank()) {
            throw new HttpError(400, ErrorCode.INVALID_ARGUMENT, "The request has no Host header");
        }
        if (!hosts.allows(hostPart(host))) {
            throw new HttpError(403, ErrorCode.PERMISSION_DENIED,
                    ("Host '%s' is not a name of this Ferry server; call it by its own name or address, or start the "
                            + "server with --allowed-host NAME for a proxy's name").formatted(printable(host)));
        }
        String origin = headers.getFirst("Origin");
        if (origin != null && !isOwnOrigin(origin, host)) {
            throw new HttpError(403, ErrorCode.PERMISSION_DENIED,
                    "Calls from web pages of another origin (%s) are refused".formatted(printable(origin)));
        }
        if (!SAFE_METHODS.contains(method) && !isJson(headers.getFirst("Content-Type"))) {
            throw new HttpError(415, ErrorCode.INVALID_ARGUMENT,
                    "A %s call needs the header Content-Type: application/json".formatted(method));
        }
    }

    /** True when {@code method} changes something. */
    public static boolean isMutating(String method) {
        return !SAFE_METHODS.contains(method);
    }

    private boolean isOwnOrigin(String origin, String host) {
        try {
            URI uri = new URI(origin.trim());
            if (uri.getScheme() == null || uri.getRawAuthority() == null) {
                return false;                               // "null" and other opaque origins
            }
            return uri.getScheme().toLowerCase(Locale.ROOT).equals(scheme)
                    && uri.getRawAuthority().toLowerCase(Locale.ROOT).equals(host.trim().toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return media.equalsIgnoreCase("application/json");
    }

    /** The host of a Host header value: {@code name}, {@code name:port}, {@code [v6]} or {@code [v6]:port}. */
    static String hostPart(String header) {
        String h = header.trim();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h : h.substring(0, close + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon >= 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h;
    }

    /** At most 100 printable ASCII characters of a header, for a message. */
    private static String printable(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
