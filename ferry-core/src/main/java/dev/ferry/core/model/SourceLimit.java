package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.time.Instant;
import java.util.Locale;

/**
 * The most connections every Ferry node sharing the store may hold at once to one source server, named
 * {@code HOST:PORT} as the jobs' source profiles name it ({@link #server(String, int)}).
 */
public record SourceLimit(String server, int maxConnections, Instant updateTime) {
    /** The most a limit may be: far above any server's connection limit, low enough to catch a typo. */
    public static final int MAX = 100_000;

    public SourceLimit {
        server = checkedServer(server);
        if (maxConnections < 1 || maxConnections > MAX) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("maxConnections %d for source server %s is out of range; "
                    + "use 1 to %d").formatted(maxConnections, server, MAX));
        }
        if (updateTime == null) {
            throw new IllegalArgumentException("a source limit has an update time");
        }
    }

    /** The key of a source server: its host in lower case and its port ({@code [::1]:5432} for an IPv6 address). */
    public static String server(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }

    /** The key of the server {@code connection} reaches. */
    public static String server(DatabaseConnection connection) {
        return server(connection.host(), connection.port());
    }

    /**
     * {@code text} as a server key, checked: {@code HOST:PORT}, with the host in lower case. Throws
     * {@code INVALID_ARGUMENT} saying what is expected otherwise.
     */
    public static String checkedServer(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw invalid(text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (port < 1 || port > 65535 || host.isBlank() || host.chars().anyMatch(ch -> ch <= ' ' || ch == '/' || ch == '@')) {
            throw invalid(text);
        }
        return server(host, port);
    }

    private static FerryException invalid(String text) {
        return new FerryException(ErrorCode.INVALID_ARGUMENT, ("Source server '%s' is not HOST:PORT; name it as the source "
                + "profile does, for example db1.internal:5432").formatted(text));
    }
}
