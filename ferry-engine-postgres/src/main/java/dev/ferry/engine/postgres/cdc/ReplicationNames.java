package dev.ferry.engine.postgres.cdc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names of a job's replication objects on the source. The publication lives in one database and is
 * {@code ferry_<job>} (dashes become underscores). Slots are cluster-wide, so the slot adds the database:
 * {@code ferry_<job>_<database>}, where a database name that is not plain lower-case ASCII, or a name
 * longer than PostgreSQL's 63 bytes, is replaced by (a readable prefix and) a hash. Pure.
 */
public final class ReplicationNames {
    static final int MAX_LENGTH = 63;

    private ReplicationNames() {}

    /** The job's publication in each database. */
    public static String publication(String job) {
        return fit("ferry_" + clean(job), job);
    }

    /** The job's logical replication slot for {@code database}. */
    public static String slot(String job, String database) {
        String cleaned = clean(database);
        String name = "ferry_" + clean(job) + "_" + cleaned;
        if (!cleaned.equals(database) || name.length() > MAX_LENGTH) {
            String hash = hash(database);
            String head = "ferry_" + clean(job) + "_" + cleaned;
            name = head.substring(0, Math.min(head.length(), MAX_LENGTH - hash.length() - 1)) + "_" + hash;
        }
        return name;
    }

    /** A temporary slot that only exports a snapshot for a resumed load; unique per call through {@code suffix}. */
    public static String temporarySlot(String job, String database, String suffix) {
        String base = slot(job, database);
        String tail = "_t" + clean(suffix);
        return base.substring(0, Math.min(base.length(), MAX_LENGTH - tail.length())) + tail;
    }

    private static String fit(String name, String original) {
        if (name.length() <= MAX_LENGTH) {
            return name;
        }
        String hash = hash(original);
        return name.substring(0, MAX_LENGTH - hash.length() - 1) + "_" + hash;
    }

    /** Lower-case ASCII letters, digits and underscores; anything else becomes an underscore. */
    static String clean(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
