package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationListener;
import dev.ferry.engine.mysql.cdc.DdlStatement.Kind;
import dev.ferry.engine.mysql.cdc.StreamState.Txn;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the DDL of the replicated database on the destination, in stream order: tables, indexes, views,
 * routines, triggers, events and the database itself. DDL on other databases, on temporary tables, on
 * tables the destination does not have (not selected) or on tables copied later is ignored. Because DDL
 * commits by itself, its end position is first recorded as pending; a restart that finds it pending replays
 * it tolerating "already exists" and "does not exist" errors. Not thread-safe.
 */
final class StatementReplay {
    private static final Logger log = LoggerFactory.getLogger(StatementReplay.class);

    private final ReplicationContext ctx;
    private final ChangeApplier applier;
    private final ReplicationListener listener;
    private String pendingAfterCrash;

    StatementReplay(ReplicationContext ctx, ChangeApplier applier, ReplicationListener listener) {
        this.ctx = ctx;
        this.applier = applier;
        this.listener = listener;
    }

    /** The end position (text) of a DDL statement that was being replayed when the previous run stopped, or null. */
    void replayAfterCrash(String pendingDdl) {
        this.pendingAfterCrash = pendingDdl;
    }

    /** The statement as DDL to replay, or empty when it is to be ignored. */
    Optional<DdlStatement> replayable(String eventDatabase, String sql, Txn txn) {
        DdlStatement ddl = DdlStatement.parse(sql);
        String database = ddl.kind() == Kind.DATABASE ? ddl.database().orElse("") : ddl.database().orElse(eventDatabase);
        if (!ctx.database().equals(database)) {
            return Optional.empty();
        }
        return switch (ddl.kind()) {
            case DATABASE, OBJECT -> Optional.of(ddl);
            case TABLE -> {
                TableRef table = new TableRef(database, ddl.name().orElseThrow());
                if (ctx.copiedAfter(table, txn)) {
                    yield Optional.empty();
                }
                if (ddl.needsExistingTable(sql) && applier.table(table).isEmpty()) {
                    log.atWarn().addKeyValue("job", ctx.job()).addKeyValue("table", table)
                            .addKeyValue("statement", ChangeApplier.abbreviate(sql))
                            .log("DDL on a table the destination does not have (not selected); not replayed");
                    yield Optional.empty();
                }
                yield Optional.of(ddl);
            }
            case TEMPORARY, DML, OTHER -> Optional.empty();
        };
    }

    /** Replays {@code sql}, recording it pending first and {@code end} as applied after. */
    void replay(DdlStatement ddl, String sql, BinlogPosition applied, Instant appliedTime, BinlogPosition end, Instant time) {
        boolean again = pendingAfterCrash != null
                && Coordinates.compare(Coordinates.binlog(Position.parse(pendingAfterCrash), "pending DDL"), end) == 0;
        applier.commit(applied, appliedTime, end.text());
        applier.ddl(sql, ddl.kind() != Kind.DATABASE, again);
        applier.commit(end, time, null);
        pendingAfterCrash = null;
        log.atInfo().addKeyValue("job", ctx.job()).addKeyValue("database", ctx.database()).addKeyValue("position", end.text())
                .addKeyValue("statement", ChangeApplier.abbreviate(sql)).log("DDL replicated");
        listener.applied(end, time, Map.of());
    }

    /** A statement that is not replayed: statement-based changes to the replicated database are reported. */
    void ignore(String eventDatabase, String sql) {
        DdlStatement ddl = DdlStatement.parse(sql);
        if (ddl.kind() == Kind.DML && ctx.database().equals(eventDatabase)) {
            log.atWarn().addKeyValue("job", ctx.job()).addKeyValue("statement", ChangeApplier.abbreviate(sql))
                    .log("a change was logged as a statement (binlog_format is not ROW for that session); not replicated");
            listener.unsupported(new TableRef(ctx.database(), "(statement)"), "change logged as a statement: "
                    + ChangeApplier.abbreviate(sql));
        }
    }
}
