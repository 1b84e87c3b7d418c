package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Locale;

/** What an API token may do: {@code ADMIN} everything, {@code VIEWER} read only (metrics included). */
public enum Role {
    ADMIN,
    VIEWER;

    /** The lower-case name used by the API and the CLI. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code admin} or {@code viewer}, in any case; INVALID_ARGUMENT naming both otherwise. */
    public static Role parse(String text) {
        if (text != null) {
            for (Role role : values()) {
                if (role.name().equalsIgnoreCase(text.trim())) {
                    return role;
                }
            }
        }
        throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                "Role '%s' is not known; use admin (everything) or viewer (read only)".formatted(text));
    }
}
