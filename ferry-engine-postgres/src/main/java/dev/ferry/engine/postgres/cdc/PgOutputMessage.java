package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.model.TableRef;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * One decoded pgoutput message (logical replication protocol version 1). LSNs are raw 64-bit WAL
 * positions; times are the source's commit times.
 */
sealed interface PgOutputMessage {

    /** PostgreSQL's epoch for timestamps on the wire, 2000-01-01T00:00:00Z. */
    Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    /** Microseconds since 2000-01-01 as an instant. */
    static Instant pgTime(long micros) {
        return PG_EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** A transaction starts; {@code commitLsn} is where its commit record starts. */
    record Begin(long commitLsn, Instant commitTime, int xid) implements PgOutputMessage {}

    /** The transaction commits; {@code endLsn} is the end of its commit record. */
    record Commit(long commitLsn, long endLsn, Instant commitTime) implements PgOutputMessage {}

    /** The transaction came from another replication origin. */
    record Origin(long originLsn, String name) implements PgOutputMessage {}

    /** A table's current shape; a later message for the same oid replaces it. */
    record Relation(int oid, String schema, String name, char replicaIdentity, List<Column> columns)
            implements PgOutputMessage {
        public Relation {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(name, "name");
            columns = List.copyOf(columns);
        }

        TableRef table() {
            return new TableRef(schema, name);
        }

        /** True when updates and deletes carry the whole old row (REPLICA IDENTITY FULL). */
        boolean identityFull() {
            return replicaIdentity == 'f';
        }

        /** True when some column is part of the replica identity key. */
        boolean hasKey() {
            return columns.stream().anyMatch(Column::key);
        }
    }

    /** One column of a relation: name, whether it is part of the replica identity, type OID and modifier. */
    record Column(String name, boolean key, int typeOid, int typeModifier) {}

    /** A non-built-in data type used by a later relation. */
    record Type(int oid, String schema, String name) implements PgOutputMessage {}

    record Insert(int relationOid, Tuple newTuple) implements PgOutputMessage {}

    /**
     * An update. {@code oldKind} is {@code 'K'} (old key, the key changed), {@code 'O'} (old row, REPLICA
     * IDENTITY FULL) or {@code 0} with {@code oldTuple} null (key unchanged: take it from the new row).
     */
    record Update(int relationOid, char oldKind, Tuple oldTuple, Tuple newTuple) implements PgOutputMessage {}

    /** A delete; {@code oldKind} is {@code 'K'} (key only) or {@code 'O'} (whole old row). */
    record Delete(int relationOid, char oldKind, Tuple oldTuple) implements PgOutputMessage {}

    record Truncate(List<Integer> relationOids, boolean cascade, boolean restartIdentity) implements PgOutputMessage {
        public Truncate {
            relationOids = List.copyOf(relationOids);
        }
    }

    /** A message Ferry has no use for (a logical decoding message), identified by its tag. */
    record Ignored(char tag) implements PgOutputMessage {}

    /**
     * Column values of one row in text form. {@code kinds[i]} is {@link #TEXT}, {@link #NULL} or
     * {@link #UNCHANGED_TOAST} (a TOASTed value the change did not touch, not sent); {@code values[i]}
     * holds the text for {@code TEXT} and null otherwise.
     */
    record Tuple(byte[] kinds, String[] values) {
        static final byte TEXT = 't';
        static final byte NULL = 'n';
        static final byte UNCHANGED_TOAST = 'u';

        public Tuple {
            if (kinds.length != values.length) {
                throw new IllegalArgumentException("kinds and values differ in length");
            }
        }

        int size() {
            return kinds.length;
        }

        boolean unchanged(int i) {
            return kinds[i] == UNCHANGED_TOAST;
        }

        String value(int i) {
            return values[i];
        }
    }
}
