package dev.ferry.core.model;

import java.util.Locale;

/** The operations a user can ask of a migration job. */
public enum Verb {
    CREATE,
    GET,
    LIST,
    PATCH,
    DELETE,
    START,
    STOP,
    RESUME,
    RESTART,
    VERIFY,
    PROMOTE,
    DEMOTE_DESTINATION;

    /** The API spelling: {@code start}, {@code demoteDestination}. */
    public String apiName() {
        String lower = name().toLowerCase(Locale.ROOT);
        int underscore = lower.indexOf('_');
        while (underscore >= 0) {
            lower = lower.substring(0, underscore) + Character.toUpperCase(lower.charAt(underscore + 1))
                    + lower.substring(underscore + 2);
            underscore = lower.indexOf('_');
        }
        return lower;
    }
}
