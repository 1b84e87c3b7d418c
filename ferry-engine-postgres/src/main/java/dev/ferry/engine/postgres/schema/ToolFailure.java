package dev.ferry.engine.postgres.schema;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.Secret;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.util.List;
import java.util.Locale;

/** Reads a client tool's stderr: which error category it shows, and the part worth showing a user. */
final class ToolFailure {
    private static final int MAX_MESSAGE = 1500;

    private ToolFailure() {}

    /** True when pg_dump gave up waiting for a table lock ({@code --lock-wait-timeout}): worth trying again. */
    static boolean lockTimeout(String stderr) {
        String s = stderr.toLowerCase(Locale.ROOT);
        return s.contains("lock timeout") || s.contains("could not obtain lock")
                || s.contains("statement timeout") && s.contains("lock table");
    }

    static ErrorCode classify(String stderr) {
        String s = stderr.toLowerCase(Locale.ROOT);
        if (s.contains("password authentication failed") || s.contains("no pg_hba.conf entry")
                || s.contains("no password supplied")) {
            return ErrorCode.UNAUTHENTICATED;
        }
        if (s.contains("connection refused") || s.contains("could not translate host name")
                || s.contains("timeout expired") || s.contains("server closed the connection unexpectedly")) {
            return ErrorCode.UNAVAILABLE;
        }
        if (s.contains("permission denied") || s.contains("must be owner") || s.contains("must be superuser")) {
            return ErrorCode.PERMISSION_DENIED;
        }
        return ErrorCode.FAILED_PRECONDITION;
    }

    /**
     * The useful end of a tool's stderr, without secrets: from the first line mentioning an error
     * (psql -b echoes the failing statement after it), cut to a readable length.
     */
    static String excerpt(String stderr, List<Secret> secrets) {
        String text = stderr.strip();
        for (Secret secret : secrets) {
            text = PgErrors.scrub(text, secret);
        }
        int error = indexOfAny(text, "ERROR:", "FATAL:", "error:");
        if (error > 0) {
            int lineStart = text.lastIndexOf('\n', error) + 1;
            text = text.substring(lineStart);
        }
        if (text.length() > MAX_MESSAGE) {
            text = text.substring(0, MAX_MESSAGE) + " [...]";
        }
        return text.isEmpty() ? "(no error output)" : text;
    }

    private static int indexOfAny(String text, String... needles) {
        int best = -1;
        for (String needle : needles) {
            int i = text.indexOf(needle);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }
}
