package dev.ferry.engine.postgres.cdc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names of a job's replication objects on the source. Since installations have identities, both names
 * are {@code ferry_<installation>_<readable job and database>_<hash>}: the installation id keeps two Ferry
 * installations apart, and the hash of the exact job name (and, for the cluster-wide slot, the exact
 * database name) keeps jobs apart even where cleaning makes the readable part equal ({@code a} with
 * database {@code b_c} and {@code a-b} with database {@code c}). Names of jobs created before that
 * ({@link #legacySlot}, {@link #legacyPublication}) are kept so those jobs still drop what they made. Pure.
 */
public final class ReplicationNames {
    static final int MAX_LENGTH = 63;

    private ReplicationNames() {}

    /** The prefix of every object name of {@code installation}: {@code ferry_<installation>_}. */
    public static String installationPrefix(String installation) {
        return "ferry_" + clean(installation) + "_";
    }

    /** The slot and publication of {@code job} for {@code database}; {@code installation} null gives the legacy names. */
    public static dev.ferry.core.spi.engine.ReplicationObjects of(String installation, String job, String database) {
        if (installation == null) {
            return new dev.ferry.core.spi.engine.ReplicationObjects(legacySlot(job, database), legacyPublication(job));
        }
        String prefix = installationPrefix(installation);
        String slotHash = hash(job + "\u0000" + database);
        String publicationHash = hash(job);
        return new dev.ferry.core.spi.engine.ReplicationObjects(
                readable(prefix, clean(job) + "_" + clean(database), slotHash),
                readable(prefix, clean(job), publicationHash));
    }

    private static String readable(String prefix, String middle, String hash) {
        int room = MAX_LENGTH - prefix.length() - hash.length() - 1;
        return prefix + middle.substring(0, Math.min(middle.length(), room)) + "_" + hash;
    }

    /** The job's publication in each database, as named before installations had identities. */
    public static String legacyPublication(String job) {
        return publication(job);
    }

    /** The job's slot for {@code database}, as named before installations had identities. */
    public static String legacySlot(String job, String database) {
        return slot(job, database);
    }

    /** A temporary slot name that only exports a snapshot for a resumed load; unique per call through {@code suffix}. */
    public static String temporarySlot(String slot, String suffix) {
        String tail = "_t" + clean(suffix);
        return slot.substring(0, Math.min(slot.length(), MAX_LENGTH - tail.length())) + tail;
    }

    /** The job's publication in each database, legacy naming (see {@link #legacyPublication}). */
    public static String publication(String job) {
        return fit("ferry_" + clean(job), job);
    }

    /** The job's slot for {@code database}, legacy naming (see {@link #legacySlot}). */
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

    /** The first 8 hex digits of the text's SHA-256: short, stable names. */
    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
