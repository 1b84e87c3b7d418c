package dev.ferry.control.runner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a continuous job costs its source for one database, as last measured on the replication's progress
 * tick: WAL its slot keeps ({@code retainedWalBytes}) and how far it holds back the source's cleanup of old
 * row versions ({@code cleanupHeldBack}: transactions on PostgreSQL, the InnoDB history list length on
 * MySQL/MariaDB). Either is empty when the engine cannot tell.
 */
public record Retention(String database, OptionalLong retainedWalBytes, OptionalLong cleanupHeldBack, Instant measured) {
    static final String PREFIX = "retention/";

    String text() {
        return retainedWalBytes.orElse(-1) + "," + cleanupHeldBack.orElse(-1) + "," + measured.toEpochMilli();
    }

    static List<Retention> parseAll(Map<String, String> checkpoints) {
        List<Retention> all = new ArrayList<>();
        checkpoints.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                String[] parts = value.split(",");
                if (parts.length == 3) {
                    long wal = Long.parseLong(parts[0]);
                    long held = Long.parseLong(parts[1]);
                    all.add(new Retention(key.substring(PREFIX.length()), wal < 0 ? OptionalLong.empty() : OptionalLong.of(wal),
                            held < 0 ? OptionalLong.empty() : OptionalLong.of(held), Instant.ofEpochMilli(Long.parseLong(parts[2]))));
                }
            }
        });
        return all;
    }
}
