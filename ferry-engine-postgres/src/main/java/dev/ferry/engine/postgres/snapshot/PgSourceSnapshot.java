package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine.SnapshotOptions;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.copy.LargeObjectCopier;
import dev.ferry.engine.postgres.copy.SequenceCopier;
import dev.ferry.engine.postgres.schema.DumpSection;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.engine.postgres.schema.SchemaCopier;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-time copy of one source database, read from a snapshot exported by a transaction held open
 * until {@link #close}. Schema travels through pg_dump sections, rows through COPY workers that import
 * the snapshot. {@link #copyTable} is safe from several threads; each call opens its own connections.
 */
public final class PgSourceSnapshot implements SourceSnapshot {
    private static final Logger log = LoggerFactory.getLogger(PgSourceSnapshot.class);

    private final DatabaseConnection source;
    private final ObjectSelection selection;
    private final ExportedSnapshot snapshot;
    private final int sourceMajor;
    private final Clock clock;
    private final SchemaPlan plan;
    private volatile List<TableInfo> tables;

    private PgSourceSnapshot(DatabaseConnection source, ObjectSelection selection, ExportedSnapshot snapshot,
            int sourceMajor, Clock clock, Supplier<PgTools> tools) {
        this.source = source;
        this.selection = selection;
        this.snapshot = snapshot;
        this.sourceMajor = sourceMajor;
        this.clock = clock;
        this.plan = new SchemaPlan(source, selection, snapshot, tools);
    }

    /** Exports a snapshot of {@code database} on {@code source}. */
    public static PgSourceSnapshot open(DatabaseConnection source, String database, SnapshotOptions options, Clock clock,
            Supplier<PgTools> tools) {
        if (options.forReplication()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, "continuous PostgreSQL jobs are not supported yet");
        }
        DatabaseConnection db = source.withDatabase(database);
        ExportedSnapshot snapshot = ExportedSnapshot.export(db);
        try {
            int major = snapshot.withConnection(c -> c.getMetaData().getDatabaseMajorVersion(), "reading the version");
            log.atInfo().addKeyValue("job", options.jobName()).addKeyValue("database", database)
                    .addKeyValue("snapshot", snapshot.id()).log("source snapshot exported");
            return new PgSourceSnapshot(db, options.selection(), snapshot, major, clock, tools);
        } catch (RuntimeException e) {
            snapshot.close();
            throw e;
        }
    }

    @Override
    public String database() {
        return source.database();
    }

    @Override
    public Optional<Position> replicationStart() {
        return Optional.empty();
    }

    @Override
    public List<TableInfo> tables() {
        List<TableInfo> known = tables;
        if (known == null) {
            known = snapshot.withConnection(c -> TableCatalog.tables(c, database(), selection), "listing tables");
            tables = known;
        }
        return known;
    }

    @Override
    public void copySchemaBefore(DatabaseConnection destination) {
        DatabaseConnection dest = destination.withDatabase(database());
        new SchemaCopier(plan.tools(sourceMajor)).copy(plan.options(dest).withSection(DumpSection.PRE_DATA), source, dest);
    }

    @Override
    public CopyResult copyTable(TableInfo table, DatabaseConnection destination, CopyProgress progress) {
        return new TableCopyTask(snapshot, source, destination.withDatabase(database()), sourceMajor, clock)
                .copy(table.ref(), progress);
    }

    @Override
    public void copySchemaAfter(DatabaseConnection destination) {
        DatabaseConnection dest = destination.withDatabase(database());
        copyLargeObjects(dest);
        new SchemaCopier(plan.tools(sourceMajor)).copy(plan.options(dest).withSection(DumpSection.POST_DATA), source, dest);
        copySequences(dest);
    }

    private void copyLargeObjects(DatabaseConnection dest) {
        try (Connection d = PgConnector.open(dest)) {
            LargeObjectCopier.Result result = snapshot.withConnection(c -> LargeObjectCopier.copy(c, d, dest),
                    "copying large objects");
            if (result.objects() > 0) {
                log.atInfo().addKeyValue("database", database()).addKeyValue("objects", result.objects())
                        .addKeyValue("bytes", result.bytes()).log("large objects copied");
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, dest, "copying large objects");
        }
    }

    private void copySequences(DatabaseConnection dest) {
        try (Connection d = PgConnector.open(dest)) {
            List<TableRef> missing = snapshot.withConnection(c -> {
                List<TableRef> sequences = TableCatalog.sequences(c).stream()
                        .filter(s -> selection == null || selection.includesSchema(database(), s.schema()))
                        .toList();
                return SequenceCopier.copy(c, d, dest, sequences);
            }, "copying sequence values");
            if (!missing.isEmpty()) {
                log.atWarn().addKeyValue("database", database()).addKeyValue("sequences", missing)
                        .log("sequences missing on the destination were not set");
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, dest, "copying sequence values");
        }
    }

    @Override
    public void close() {
        snapshot.close();
    }
}
