package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.mysql.cdc.DdlStatement.Kind;
import dev.ferry.engine.mysql.cdc.ReplicationScope.Place;
import dev.ferry.engine.mysql.cdc.StreamState.Txn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the DDL of the replicated database on the destination, in stream order, and never acts outside the
 * job's selection: every object a statement names is resolved (its qualifier, else the event's default database)
 * and placed by the {@link ReplicationScope}. A statement on other objects only is not replayed (a notice names
 * the unselected ones); a DROP or RENAME of several tables is cut down to this database's selected ones; any other
 * mix, DDL the grammar cannot read, and CREATE TABLE ... SELECT logged as a statement stop the job naming the
 * statement. Triggers and events are never replayed: promotion creates them as the source has them then
 * ({@link ReplicationFinisher}), so one dropped meanwhile is never created. A statement to replay becomes a
 * {@link Replay}, which the change source hands on as a barrier and an apply session runs alone (see {@link
 * ChangeApplier#barrier}: because DDL commits by itself, its end position is first recorded as pending, and a restart
 * that finds it pending replays it tolerating "already exists" and "does not exist" errors). Not thread-safe.
 */
final class StatementReplay {
    private static final Logger log = LoggerFactory.getLogger(StatementReplay.class);

    /**
     * A statement to run on the destination, after {@code USE useDatabase} when that is not null, in the session
     * character set it was written in when {@code written} is not null.
     */
    record Replay(String sql, String useDatabase, DdlStatement statement, Written written) {
        /** This statement as written in a session with these collation ids ({@code bytes} null when {@code sql} was rewritten). */
        Replay writtenIn(int clientCollation, int connectionCollation, byte[] bytes) {
            return clientCollation < 0 ? this : new Replay(sql, useDatabase, statement, new Written(clientCollation, connectionCollation, bytes));
        }

        @Override
        public String toString() {
            return ChangeApplier.abbreviate(sql);
        }
    }

    /**
     * The collation ids of the source session's character_set_client and collation_connection (-1: not said), and the
     * statement's bytes in that character set (null when the statement was rewritten).
     */
    record Written(int clientCollation, int connectionCollation, byte[] bytes) {}

    private final ReplicationContext ctx;
    private final DestinationCatalog catalog;
    private final ReplicationListener listener;

    StatementReplay(ReplicationContext ctx, DestinationCatalog catalog, ReplicationListener listener) {
        this.ctx = ctx;
        this.catalog = catalog;
        this.listener = listener;
    }

    /** What to run on the destination for a standalone statement, or empty when nothing is; throws when it cannot be placed. */
    Optional<Replay> replayable(String eventDatabase, String sql, Txn txn) {
        String defaultDb = eventDatabase == null || eventDatabase.isEmpty() ? null : eventDatabase;
        DdlStatement s = ctx.statements().read(sql);
        String ours = ctx.database();
        switch (s.kind()) {
            case DML, OTHER, TEMPORARY -> {
                return Optional.empty();
            }
            case UNREADABLE -> {
                if (concerns(defaultDb, sql)) {
                    throw stop(sql, txn, "the MySQL/MariaDB grammar cannot read it, so Ferry cannot tell which objects it changes",
                            "apply it to database %s on the destination by hand if it concerns it, then restart the job to copy"
                                    .formatted(Dialect.MYSQL.quote(ours)) + " the database again");
                }
                log.atDebug().addKeyValue("job", ctx.job()).addKeyValue("statement", ChangeApplier.abbreviate(sql))
                        .log("unreadable statement of another database; not replayed");
                return Optional.empty();
            }
            default -> { }
        }
        List<Placed> objects = place(s, defaultDb, sql, txn);
        List<Placed> unselected = objects.stream().filter(p -> p.place() == Place.UNSELECTED).toList();
        if (objects.stream().noneMatch(p -> p.place() == Place.OURS)) {
            if (!unselected.isEmpty() && (ours.equals(defaultDb) || objects.stream().anyMatch(p -> p.database().equals(ours)))) {
                notice(sql, "DDL on objects the job does not replicate (%s) was not replayed".formatted(names(unselected)));
            } else {
                log.atDebug().addKeyValue("job", ctx.job()).addKeyValue("statement", ChangeApplier.abbreviate(sql))
                        .log("DDL of another database; not replayed here");
            }
            return Optional.empty();
        }
        if (s.kind() == Kind.TRIGGER || s.kind() == Kind.EVENT) {
            String what = s.kind() == Kind.TRIGGER ? "trigger" : "event";
            notice(sql, s.verb().startsWith("DROP")
                    ? "%s %s was dropped on the source before promotion; it is not created on the destination".formatted(what,
                            objects.getFirst().ref())
                    : "%s %s is created on the destination at promotion, as the source has it then, so that it does not act twice"
                            .formatted(what, objects.getFirst().ref()) + " on replicated rows");
            return Optional.empty();
        }
        List<Placed> kept = keep(s, objects, sql, txn);
        if (s.kind() == Kind.TABLE || s.kind() == Kind.SEQUENCE) {
            kept = kept.stream().filter(p -> !ctx.copiedAfter(new TableRef(ours, p.name()), txn)).toList();
            if (s.shape() == DdlStatement.Shape.PAIRS) {
                kept = wholePairs(kept, objects);
            }
            if (kept.isEmpty() || s.shape() == DdlStatement.Shape.WHOLE && kept.size() < objects.size()) {
                return Optional.empty();
            }
        }
        if (s.selects()) {
            throw stop(sql, txn, "CREATE TABLE ... SELECT was logged as a statement, so its rows are not in the binary log",
                    "set binlog_format=ROW for every session on the source, create the table on the destination as the source has it,"
                            + " then restart the job to copy the database again");
        }
        for (ObjectName read : s.reads()) {
            Placed p = placeTable(read, defaultDb, sql, txn);
            if (p.place() == Place.UNSELECTED) {
                throw stop(sql, txn, "it reads table %s, which the job does not replicate".formatted(p.ref()),
                        "select that table too, or create the table on the destination by hand, then restart the job");
            }
        }
        if (kept.size() < objects.size()) {
            String rewritten = s.rewrite(kept.stream().map(Placed::qualified).toList(), ours);
            if (!unselected.isEmpty()) {
                notice(sql, "DDL cut down to the objects the job replicates: %s replayed; %s not touched".formatted(rewritten,
                        names(unselected)));
            }
            return Optional.of(new Replay(rewritten, ours, s, null));
        }
        return Optional.of(new Replay(sql, s.kind() == Kind.DATABASE ? null : useDatabase(s, defaultDb, sql, txn), s, null));
    }

    /** A statement that is not replayed: statement-based changes to the replicated database are reported. */
    void ignore(String eventDatabase, String sql) {
        if (DdlReader.dml(sql) && ctx.database().equals(eventDatabase)) {
            log.atWarn().addKeyValue("job", ctx.job()).addKeyValue("statement", ChangeApplier.abbreviate(sql))
                    .log("a change was logged as a statement (binlog_format is not ROW for that session); not replicated");
            listener.unsupported(new TableRef(ctx.database(), "(statement)"), "change logged as a statement: "
                    + ChangeApplier.abbreviate(sql));
        }
    }

    /** An object a statement names, resolved to its database and placed. */
    private record Placed(String database, String name, Place place) {
        String ref() {
            return name.isEmpty() ? database : database + "." + name;
        }

        ObjectName qualified() {
            return ObjectName.of(database, name);
        }
    }

    private List<Placed> place(DdlStatement s, String defaultDb, String sql, Txn txn) {
        if (s.kind() == Kind.DATABASE) {
            List<ObjectName> named = s.objects().isEmpty() && defaultDb != null ? List.of(ObjectName.of(null, defaultDb)) : s.objects();
            if (named.isEmpty()) {
                throw unresolved(sql, txn);
            }
            return named.stream().map(n -> new Placed(n.name(), "", ctx.scope().database(n.name()))).toList();
        }
        if (s.kind() == Kind.TRIGGER && s.table().isPresent()) {
            ObjectName trigger = s.objects().getFirst();
            String db = resolve(trigger, defaultDb, sql, txn);
            ObjectName table = s.table().get();
            String tableDb = table.database().orElse(trigger.database().orElse(db));
            return List.of(new Placed(db, trigger.name(), ctx.scope().table(tableDb, table.name())));
        }
        return s.objects().stream().map(n -> switch (s.kind()) {
            case ROUTINE, EVENT, TRIGGER -> new Placed(resolve(n, defaultDb, sql, txn), n.name(),
                    ctx.scope().database(resolve(n, defaultDb, sql, txn)));
            default -> placeTable(n, defaultDb, sql, txn);
        }).toList();
    }

    private Placed placeTable(ObjectName n, String defaultDb, String sql, Txn txn) {
        String db = resolve(n, defaultDb, sql, txn);
        return new Placed(db, n.name(), ctx.scope().table(db, n.name()));
    }

    private String resolve(ObjectName n, String defaultDb, String sql, Txn txn) {
        return n.databaseOr(defaultDb).orElseThrow(() -> unresolved(sql, txn));
    }

    /** The objects to act on; a mix of this database's objects and others stops the job unless the statement can be cut. */
    private List<Placed> keep(DdlStatement s, List<Placed> objects, String sql, Txn txn) {
        return switch (s.shape()) {
            case WHOLE -> {
                if (objects.stream().anyMatch(p -> p.place() != Place.OURS)) {
                    throw mixed(sql, txn, objects);
                }
                yield objects;
            }
            case EACH -> objects.stream().filter(p -> p.place() == Place.OURS).toList();
            case PAIRS -> {
                List<Placed> kept = new ArrayList<>();
                for (int i = 0; i < objects.size(); i += 2) {
                    boolean from = objects.get(i).place() == Place.OURS;
                    boolean to = objects.get(i + 1).place() == Place.OURS;
                    if (from != to) {
                        throw mixed(sql, txn, objects.subList(i, i + 2));
                    }
                    if (from) {
                        kept.add(objects.get(i));
                        kept.add(objects.get(i + 1));
                    }
                }
                yield kept;
            }
        };
    }

    /** The pairs of a rename of which both names survived filtering. */
    private static List<Placed> wholePairs(List<Placed> kept, List<Placed> objects) {
        List<Placed> pairs = new ArrayList<>();
        for (int i = 0; i < objects.size(); i += 2) {
            if (kept.contains(objects.get(i)) && kept.contains(objects.get(i + 1))) {
                pairs.add(objects.get(i));
                pairs.add(objects.get(i + 1));
            }
        }
        return pairs;
    }

    /**
     * The database to run the statement in: this one, unless the statement ran in another database and names some
     * objects without a qualifier (they are that database's), which then must be on the destination too.
     */
    private String useDatabase(DdlStatement s, String defaultDb, String sql, Txn txn) {
        String ours = ctx.database();
        boolean unqualified = Stream.concat(Stream.concat(s.objects().stream(), s.reads().stream()), s.table().stream())
                .anyMatch(n -> !n.qualified());
        if (defaultDb == null || defaultDb.equals(ours) || !unqualified) {
            return ours;
        }
        if (catalog.hasDatabase(defaultDb)) {
            return defaultDb;
        }
        throw stop(sql, txn, "it ran in database %s and names objects of it without a qualifier, and the destination has no such"
                .formatted(Dialect.MYSQL.quote(defaultDb)) + " database", "apply it to the destination by hand, then restart the job");
    }

    private boolean concerns(String defaultDb, String sql) {
        return ctx.database().equals(defaultDb) || sql.toLowerCase(Locale.ROOT).contains(ctx.database().toLowerCase(Locale.ROOT));
    }

    private void notice(String sql, String what) {
        String message = "%s (database %s, statement: %s)".formatted(what, ctx.database(), ChangeApplier.abbreviate(sql));
        log.atInfo().addKeyValue("job", ctx.job()).addKeyValue("database", ctx.database()).log(message);
        listener.notice(message);
    }

    private static String names(List<Placed> placed) {
        return placed.stream().map(Placed::ref).distinct().collect(Collectors.joining(", "));
    }

    private FerryException mixed(String sql, Txn txn, List<Placed> objects) {
        return stop(sql, txn, "it acts on objects of database %s and on others (%s) in a way Ferry cannot split".formatted(
                Dialect.MYSQL.quote(ctx.database()), names(objects.stream().filter(p -> p.place() != Place.OURS).toList())),
                "run such changes as one statement per database on the source; apply this one to the destination by hand and restart"
                        + " the job to copy the database again");
    }

    private FerryException unresolved(String sql, Txn txn) {
        return stop(sql, txn, "it names an object without a database and the binary log gives no default database",
                "apply it to the destination by hand, then restart the job");
    }

    private FerryException stop(String sql, Txn txn, String why, String remedy) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication of database %s (job %s) stopped at the statement in the"
                + " transaction at %s:%d: %s (statement: %s); %s").formatted(Dialect.MYSQL.quote(ctx.database()), ctx.job(),
                txn.start.file(), txn.start.offset(), why, ChangeApplier.abbreviate(sql), remedy));
    }
}
