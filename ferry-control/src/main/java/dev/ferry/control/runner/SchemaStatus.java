package dev.ferry.control.runner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How one database's schema differed between the source and the destination when a replicating job last
 * compared them: differences promotion reconciles ({@code pending}) and differences it cannot
 * ({@code unreconcilable}), compared at {@code checked}.
 */
public record SchemaStatus(String database, int pending, int unreconcilable, Instant checked) {
    static final String PREFIX = "schema/";

    String text() {
        return pending + "," + unreconcilable + "," + checked.toEpochMilli();
    }

    static List<SchemaStatus> parseAll(Map<String, String> checkpoints) {
        List<SchemaStatus> all = new ArrayList<>();
        checkpoints.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                String[] parts = value.split(",");
                if (parts.length == 3) {
                    all.add(new SchemaStatus(key.substring(PREFIX.length()), Integer.parseInt(parts[0]),
                            Integer.parseInt(parts[1]), Instant.ofEpochMilli(Long.parseLong(parts[2]))));
                }
            }
        });
        all.sort(Comparator.comparing(SchemaStatus::database));
        return all;
    }
}
