package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.catalog.CatalogObject;
import dev.ferry.engine.postgres.catalog.IndexDef;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.index.IndexBuilder;
import dev.ferry.engine.postgres.index.IndexStatements;
import dev.ferry.engine.postgres.schema.DumpOptions;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.engine.postgres.schema.PostDataCopier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The post-data schema around the indexes built with the data. The section is dumped and rendered
 * early, in the background, while tables copy ({@link #start}); at the end ({@link #apply}) any planned
 * index still missing on the destination is built (a table whose copy was skipped), and one transaction
 * attaches their primary keys and unique constraints ({@code USING INDEX}), sets their clustering,
 * statistics and replica identity, and applies every other post-data entry (foreign keys, triggers,
 * rules, policies, partitioned-table indexes, exclusion constraints, ...). Thread-safe.
 */
final class PostDataStep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostDataStep.class);

    private final IndexPlan plan;
    private final Supplier<PgTools> tools;
    private final DatabaseConnection source;
    private final Supplier<Set<CatalogObject>> skipped;
    private final ReentrantLock lock = new ReentrantLock();
    private FutureTask<PostDataCopier.Prepared> prepared;

    /** {@code skipped}: further objects left out of the section (the job's own publication). */
    PostDataStep(IndexPlan plan, Supplier<PgTools> tools, DatabaseConnection source,
            Supplier<Set<CatalogObject>> skipped) {
        this.plan = plan;
        this.tools = tools;
        this.source = source;
        this.skipped = skipped;
    }

    /** Starts dumping and rendering the section on a virtual thread, unless already started. */
    void start(DumpOptions options) {
        lock.lock();
        try {
            if (prepared == null) {
                prepared = new FutureTask<>(() -> prepare(options));
                Thread.ofVirtual().name("ferry-post-data-" + source.database()).start(prepared);
            }
        } finally {
            lock.unlock();
        }
    }

    private PostDataCopier.Prepared prepare(DumpOptions options) {
        Set<CatalogObject> excluded = new HashSet<>(skipped.get());
        for (IndexDef index : plan.planned()) {
            excluded.add(new CatalogObject(CatalogObject.PG_CLASS, index.oid()));
            if (index.constraint() != null) {
                excluded.add(new CatalogObject(CatalogObject.PG_CONSTRAINT, index.constraint().oid()));
            }
        }
        return new PostDataCopier(tools.get()).prepare(options, excluded, source);
    }

    void apply(DumpOptions options, IndexBuilder builder, int parallelism, DatabaseConnection destination) {
        start(options);
        List<IndexDef> all = plan.all();
        Set<List<String>> constraints;
        try (Connection d = PgConnector.open(destination)) {
            PgConnector.allowLongSilence(d);
            Set<List<String>> indexes = names(d, "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'i'");
            constraints = names(d, "SELECT n.nspname, t.relname, k.conname "
                    + "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class t ON t.oid = k.conrelid "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace");
            List<IndexDef> missing = all.stream()
                    .filter(i -> !indexes.contains(List.of(i.table().schema(), i.name()))).toList();
            builder.build(missing, d, parallelism);
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "looking up the indexes already built");
        }
        List<String> prelude = new ArrayList<>();
        for (IndexDef index : all) {
            if (index.constraint() != null && !constraints.contains(
                    List.of(index.table().schema(), index.table().table(), index.constraint().name()))) {
                prelude.add(IndexStatements.attachConstraint(index));
            }
        }
        all.forEach(index -> prelude.addAll(IndexStatements.finishing(index)));
        new PostDataCopier(tools.get()).apply(await(), prelude, destination);
    }

    private PostDataCopier.Prepared await() {
        try {
            return prepared.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Preparing the post-data schema of database %s was interrupted"
                    .formatted(source.database()), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException("preparing the post-data schema failed", e.getCause());
        }
    }

    /** Waits for a started preparation and deletes what it wrote. */
    @Override
    public void close() {
        FutureTask<PostDataCopier.Prepared> task;
        lock.lock();
        try {
            task = prepared;
        } finally {
            lock.unlock();
        }
        if (task == null) {
            return;
        }
        try {
            task.get().close();
        } catch (ExecutionException e) {
            // The failure was reported to apply() if it ran; otherwise nothing depends on it any more.
            log.atDebug().addKeyValue("database", source.database()).setCause(e.getCause())
                    .log("post-data preparation failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.atWarn().addKeyValue("database", source.database())
                    .log("interrupted while waiting for the post-data dump; its temporary directory may remain");
        }
    }

    /** Each row's columns, as a list of names. */
    private static Set<List<String>> names(Connection c, String sql) throws SQLException {
        Set<List<String>> names = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                names.add(List.copyOf(row));
            }
        }
        return names;
    }
}
