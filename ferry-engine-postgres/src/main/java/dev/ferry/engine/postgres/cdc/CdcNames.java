package dev.ferry.engine.postgres.cdc;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Names of a job's replication objects on the source: {@code ferry_} and the job name with every
 * character other than a lower-case letter, digit or underscore turned into {@code _}, for both the
 * logical replication slot and the publication. Names longer than PostgreSQL's 63-byte limit keep
 * their start and end in a checksum of the whole name, so they stay unique and stable. Pure.
 */
public final class CdcNames {
    static final int MAX_LENGTH = 63;
    private static final String PREFIX = "ferry_";

    private CdcNames() {}

    /** The logical replication slot of {@code jobName}. */
    public static String slot(String jobName) {
        if (jobName == null || jobName.isEmpty()) {
            throw new IllegalArgumentException("a job name is required");
        }
        String name = PREFIX + jobName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (name.length() <= MAX_LENGTH) {
            return name;
        }
        CRC32 crc = new CRC32();
        crc.update(jobName.getBytes(StandardCharsets.UTF_8));
        String suffix = "_%08x".formatted(crc.getValue());
        return name.substring(0, MAX_LENGTH - suffix.length()) + suffix;
    }

    /** The publication of {@code jobName} (same spelling as the slot). */
    public static String publication(String jobName) {
        return slot(jobName);
    }
}
