package dev.ferry.cli.migrate;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Parses database URLs: {@code postgresql://user:pass@host:port/db?sslmode=require}, also
 * {@code postgres://}, {@code mysql://} and {@code mariadb://}. The port defaults by engine, the user
 * to the engine's superuser; user, password and database are percent-decoded. A malformed URL is an
 * INVALID_ARGUMENT whose message never contains the password. Pure.
 */
public final class DatabaseUrl {
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private DatabaseUrl() {}

    /** The connection described by {@code url}; {@code role} ("source", "destination") names it in messages. */
    public static DatabaseConnection parse(String url, String role) {
        if (url == null || url.isBlank()) {
            throw invalid(role, "is empty");
        }
        String text = url.trim();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd <= 0) {
            throw invalid(role, "does not start with a scheme");
        }
        EngineKind engine = engine(text.substring(0, schemeEnd), role);
        String rest = text.substring(schemeEnd + 3);

        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : null;
        String location = at >= 0 ? rest.substring(at + 1) : rest;

        int query = location.indexOf('?');
        String queryText = query >= 0 ? location.substring(query + 1) : null;
        String hostAndPath = query >= 0 ? location.substring(0, query) : location;
        int slash = hostAndPath.indexOf('/');
        String hostPort = slash >= 0 ? hostAndPath.substring(0, slash) : hostAndPath;
        String path = slash >= 0 ? hostAndPath.substring(slash + 1) : "";

        String host;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw invalid(role, "has an IPv6 address without its closing ']'");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid(role, "has text after the IPv6 address that is not a port");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = hostPort.indexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            throw invalid(role, "has no host");
        }
        int port = port(portText, engine, role);

        String username = engine.defaultSuperuser();
        Secret password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, role, "user name");
            if (!user.isEmpty()) {
                username = user;
            }
            if (colon >= 0) {
                password = new Secret(decode(userInfo.substring(colon + 1), role, "password"));
            }
        }
        if (path.contains("/")) {
            throw invalid(role, "has more than one path segment; put only the database name after the host");
        }
        String database = path.isEmpty() ? null : decode(path, role, "database name");
        String sslMode = sslMode(queryText, role);
        return new DatabaseConnection(engine, host, port, username, password, database, sslMode);
    }

    /** {@code url} with the password replaced by {@code ***}, for messages; "(unreadable URL)" if it cannot tell. */
    public static String redact(String url) {
        if (url == null) {
            return "(no URL)";
        }
        int schemeEnd = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (schemeEnd < 0 || at < schemeEnd) {
            return url.contains("@") ? "(unreadable URL)" : url;
        }
        String userInfo = url.substring(schemeEnd + 3, at);
        int colon = userInfo.indexOf(':');
        String user = colon >= 0 ? userInfo.substring(0, colon) + ":***" : userInfo;
        return url.substring(0, schemeEnd + 3) + user + url.substring(at);
    }

    private static EngineKind engine(String scheme, String role) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "postgresql", "postgres" -> EngineKind.POSTGRESQL;
            case "mysql", "mariadb" -> EngineKind.MYSQL;
            default -> throw invalid(role, "has scheme '%s'; use postgresql://, postgres://, mysql:// or mariadb://"
                    .formatted(scheme));
        };
    }

    private static int port(String text, EngineKind engine, String role) {
        if (text == null || text.isEmpty()) {
            return engine.defaultPort();
        }
        if (text.length() <= 5 && text.chars().allMatch(Character::isDigit)) {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        // the text is not echoed: in a URL missing its '@' it may be a password
        throw invalid(role, "has a port that is not a number from 1 to 65535");
    }

    private static String sslMode(String query, String role) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        String mode = null;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = (eq >= 0 ? pair.substring(0, eq) : pair).toLowerCase(Locale.ROOT);
            String value = eq >= 0 ? pair.substring(eq + 1) : "";
            if (!key.equals("sslmode") && !key.equals("ssl-mode")) {
                throw invalid(role, "has parameter '%s'; the only one supported is sslmode".formatted(key));
            }
            mode = value.toLowerCase(Locale.ROOT).replace('_', '-');
            if (!SSL_MODES.contains(mode)) {
                throw invalid(role, "has sslmode '%s'; use disable, allow, prefer, require, verify-ca or verify-full"
                        .formatted(value));
            }
        }
        return mode;
    }

    /** Percent-decoding as in URLs ({@code +} stays a plus); the text itself is never put in a message. */
    private static String decode(String text, String role, String part) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    throw invalid(role, "has a malformed percent-escape in its %s; write %% as %%25".formatted(part));
                }
                bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 3;
            } else {
                int next = text.indexOf('%', i);
                next = next < 0 ? text.length() : next;
                byte[] plain = text.substring(i, next).getBytes(StandardCharsets.UTF_8);
                bytes.write(plain, 0, plain.length);
                i = next;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw invalid(role, "has a %s that is not UTF-8 once percent-decoded".formatted(part));
        }
    }

    private static FerryException invalid(String role, String problem) {
        return new FerryException(ErrorCode.INVALID_ARGUMENT,
                "The %s URL %s. Write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE (or mysql://...), "
                        .formatted(role, problem)
                        + "percent-encoding special characters in the user and password");
    }
}
