package dev.ferry.core.spi.validate;

import java.util.List;

/** One row: its key values in canonical text (empty for a table without a key) and the hash of its values. */
public record RowHash(List<String> key, String hash) {
    public RowHash {
        key = List.copyOf(key);
    }
}
