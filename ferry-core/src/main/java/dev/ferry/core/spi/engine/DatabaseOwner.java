package dev.ferry.core.spi.engine;

/**
 * Who created a destination database: a Ferry installation (its random id), one of its jobs, and a random
 * token drawn when the job created the database. An engine writes it as a marker into Ferry's bookkeeping
 * on the destination, so ownership can be proven on the server itself, not just by a name in a profile.
 */
public record DatabaseOwner(String installation, String job, String token) {
    public DatabaseOwner {
        requireText(installation, "installation");
        requireText(job, "job");
        requireText(token, "token");
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
