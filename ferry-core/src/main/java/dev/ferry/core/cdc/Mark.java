package dev.ferry.core.cdc;

import java.time.Instant;
import java.util.Objects;

/**
 * How far one apply partition has durably applied: every source transaction up to {@code applied} (the position after
 * its commit) and, when {@code txn} is not null, the changes of the next transaction {@code txn} up to ordinal {@code
 * ordinal} (counted from 1 over all of that transaction's changes, whatever their partition). So one huge source
 * transaction may span several destination transactions and still resume exactly once. {@code commitTime} is the
 * source commit time of the last transaction applied (null when unknown).
 *
 * @param <P> the engine's position type
 */
public record Mark<P>(P applied, Instant commitTime, String txn, long ordinal) {
    public Mark {
        Objects.requireNonNull(applied, "applied");
        if (txn == null ? ordinal != 0 : ordinal < 0) {
            throw new IllegalArgumentException("a partial position needs a transaction and a non-negative ordinal");
        }
    }

    /** Every transaction up to {@code applied}, nothing of a later one. */
    public static <P> Mark<P> at(P applied, Instant commitTime) {
        return new Mark<>(applied, commitTime, null, 0);
    }

    public boolean partial() {
        return txn != null;
    }
}
