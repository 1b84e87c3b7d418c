package dev.ferry.core.spi.engine;

import java.util.OptionalLong;

/**
 * What a job's presence costs the source, measured now: the write-ahead log its replication slot keeps
 * ({@code retainedWalBytes}, PostgreSQL) and how far it holds back the source's cleanup of old row
 * versions ({@code cleanupHeldBackTransactions}: on PostgreSQL the age in transactions of the oldest xmin
 * the job's slot or snapshot pins; on MySQL/MariaDB the InnoDB history list length, which counts undo
 * records not yet purged, for the whole server). Either is empty when the engine cannot tell.
 */
public record SourceRetention(OptionalLong retainedWalBytes, OptionalLong cleanupHeldBackTransactions) {
    public static final SourceRetention UNKNOWN = new SourceRetention(OptionalLong.empty(), OptionalLong.empty());

    public SourceRetention {
        java.util.Objects.requireNonNull(retainedWalBytes, "retainedWalBytes");
        java.util.Objects.requireNonNull(cleanupHeldBackTransactions, "cleanupHeldBackTransactions");
    }
}
