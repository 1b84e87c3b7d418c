package dev.ferry.engine.mysql.cdc;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a statement from a binlog QUERY event does, as far as replication cares (read by {@link DdlReader}): its
 * kind, every object it creates, changes, drops or renames ({@code objects}, in statement order; for a rename the
 * old and new name of each pair in turn), the tables it reads to do so ({@code reads}: the source of CREATE TABLE
 * ... LIKE, the tables of a view's query), the table a trigger belongs to, and how the statement can be cut down to
 * some of its objects ({@link Shape}). Names are as written: unqualified ones belong to the event's default
 * database. Pure.
 */
record DdlStatement(Kind kind, String verb, Shape shape, List<ObjectName> objects, List<ObjectName> reads,
        Optional<ObjectName> table, boolean ifExists, boolean selects) {

    enum Kind {
        /** CREATE/ALTER/DROP/RENAME/TRUNCATE TABLE, CREATE/DROP INDEX. */
        TABLE,
        /** CREATE/ALTER/DROP VIEW. */
        VIEW,
        /** CREATE/ALTER/DROP SEQUENCE (MariaDB). */
        SEQUENCE,
        /** CREATE/ALTER/DROP PROCEDURE and FUNCTION. */
        ROUTINE,
        /** CREATE/DROP TRIGGER: created at promotion, never replayed. */
        TRIGGER,
        /** CREATE/ALTER/DROP EVENT: created at promotion, never replayed. */
        EVENT,
        /** CREATE/ALTER/DROP DATABASE or SCHEMA; {@code objects} holds the database as a name without qualifier. */
        DATABASE,
        /** DDL on temporary tables, never replayed. */
        TEMPORARY,
        /** INSERT, UPDATE, DELETE, REPLACE, LOAD DATA logged as statements. */
        DML,
        /** Not DDL of a database object: transaction control, accounts, grants, maintenance, server objects. */
        OTHER,
        /** Looks like DDL but the grammar cannot read it: never guessed at. */
        UNREADABLE
    }

    /** How a statement naming several objects may be cut down to some of them. */
    enum Shape {
        /** Only as a whole. */
        WHOLE,
        /** Object by object (DROP TABLE a, b). */
        EACH,
        /** Pair by pair of old and new names (RENAME TABLE a TO b, c TO d). */
        PAIRS
    }

    DdlStatement {
        if (kind == null || verb == null || shape == null || table == null) {
            throw new IllegalArgumentException("kind, verb, shape and table are required");
        }
        objects = List.copyOf(objects);
        reads = List.copyOf(reads);
        if (shape == Shape.PAIRS && objects.size() % 2 != 0) {
            throw new IllegalArgumentException("a rename names pairs: " + objects);
        }
    }

    static DdlStatement of(Kind kind, String verb) {
        return new DdlStatement(kind, verb, Shape.WHOLE, List.of(), List.of(), Optional.empty(), false, false);
    }

    /** Whether the statement acts on database objects (as opposed to DML, temporary tables and statements of other kinds). */
    boolean ddl() {
        return switch (kind) {
            case TABLE, VIEW, SEQUENCE, ROUTINE, TRIGGER, EVENT, DATABASE -> true;
            case TEMPORARY, DML, OTHER, UNREADABLE -> false;
        };
    }

    /** The same statement for only {@code kept} of its objects, written with qualified names (EACH and PAIRS shapes). */
    String rewrite(List<ObjectName> kept, String defaultDatabase) {
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("nothing to keep of " + verb);
        }
        return switch (shape) {
            case EACH -> verb + (ifExists ? " IF EXISTS " : " ") + kept.stream().map(n -> n.quoted(defaultDatabase))
                    .collect(Collectors.joining(", "));
            case PAIRS -> {
                StringBuilder sql = new StringBuilder(verb).append(' ');
                for (int i = 0; i < kept.size(); i += 2) {
                    sql.append(i == 0 ? "" : ", ").append(kept.get(i).quoted(defaultDatabase)).append(" TO ")
                            .append(kept.get(i + 1).quoted(defaultDatabase));
                }
                yield sql.toString();
            }
            case WHOLE -> throw new IllegalStateException(verb + " cannot be cut down to some of its objects");
        };
    }
}
