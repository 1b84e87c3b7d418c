package dev.ferry.control.declare;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Locale;

/** The lifecycle a declared job asks for: running or stopped. The verbs still do the work. */
public enum DesiredState {
    RUNNING,
    STOPPED;

    /** {@code running} or {@code stopped}, any case; null for null or blank. */
    public static DesiredState parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "running" -> RUNNING;
            case "stopped" -> STOPPED;
            default -> throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "desiredState '%s' is not known; use running or stopped, or leave it out".formatted(text));
        };
    }
}
