package dev.ferry.core.cdc;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link ChangeSource} delivers, in source order: transactions ({@link Begin}, their {@link Row}s and {@link
 * Barrier}s, {@link Commit}), standalone barriers (a DDL statement), and, between transactions, how far the source's
 * log is known to hold nothing more to apply ({@link Reached}).
 *
 * @param <P> the engine's position type
 */
public sealed interface ChangeEvent<P> {
    /** About how many bytes the event holds, for the queue's memory cap. */
    long bytes();

    /**
     * A source transaction starts. {@code at} orders it against applied positions ({@link PositionOrder#covers}); {@code
     * txn} names it stably across restarts (a partial position inside it names it so); {@code commitTime} is its
     * source commit (or event) time.
     */
    record Begin<P>(P at, String txn, Instant commitTime) implements ChangeEvent<P> {
        public Begin {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(txn, "txn");
        }

        @Override
        public long bytes() {
            return 96;
        }
    }

    /** One row change of the open transaction. */
    record Row<P>(RowChange change) implements ChangeEvent<P> {
        public Row {
            Objects.requireNonNull(change, "change");
        }

        @Override
        public long bytes() {
            return change.bytes();
        }
    }

    /**
     * Work that must run alone, every partition drained to the same position first: a TRUNCATE inside a transaction,
     * or a DDL statement standing alone between transactions (then {@code end} is the position after it, else null).
     * {@code work} is the engine's own description; only its sink understands it. {@code what} names it for logs.
     */
    record Barrier<P>(Object work, String what, P end, Instant commitTime) implements ChangeEvent<P> {
        public Barrier {
            Objects.requireNonNull(work, "work");
            Objects.requireNonNull(what, "what");
        }

        @Override
        public long bytes() {
            return 256 + 2L * what.length();
        }
    }

    /**
     * Work that is safe to run again and moves no position, inside a transaction or between transactions: a schema
     * evolution that brings a destination table to a stated shape, a table copied again from a later snapshot. Every
     * partition drains first; the work runs alone and commits without recording a mark, so it takes no ordinal and is
     * never skipped (a source that replays the log may send it again, or not at all, without shifting the positions of
     * the changes after it). Skipped only inside a transaction every partition already applied.
     */
    record Repeatable<P>(Object work, String what) implements ChangeEvent<P> {
        public Repeatable {
            Objects.requireNonNull(work, "work");
            Objects.requireNonNull(what, "what");
        }

        @Override
        public long bytes() {
            return 256 + 2L * what.length();
        }
    }

    /** The open transaction ended at {@code end}, the position after its commit. */
    record Commit<P>(P end, Instant commitTime) implements ChangeEvent<P> {
        public Commit {
            Objects.requireNonNull(end, "end");
        }

        @Override
        public long bytes() {
            return 96;
        }
    }

    /** Between transactions: nothing before {@code position} remains to be applied (an idle source moved on). */
    record Reached<P>(P position) implements ChangeEvent<P> {
        public Reached {
            Objects.requireNonNull(position, "position");
        }

        @Override
        public long bytes() {
            return 64;
        }
    }
}
