package dev.ferry.engine.postgres.validate;

import java.util.concurrent.atomic.LongAdder;

/**
 * Approximately the bytes a validation received: each row's values as text plus the protocol's framing (a row
 * header and a length per value). Thread-safe.
 */
final class Meter {
    /** A DataRow message's type, length and column count. */
    static final int ROW_OVERHEAD = 7;
    /** A value's length word. */
    static final int VALUE_OVERHEAD = 4;

    private final LongAdder bytes = new LongAdder();

    void row(String... values) {
        long n = ROW_OVERHEAD;
        for (String v : values) {
            n += VALUE_OVERHEAD + (v == null ? 0 : v.length());
        }
        bytes.add(n);
    }

    long bytes() {
        return bytes.sum();
    }
}
