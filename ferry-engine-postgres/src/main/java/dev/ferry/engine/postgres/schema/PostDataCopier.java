package dev.ferry.engine.postgres.schema;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.catalog.CatalogObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the post-data section without the parts already built. {@link #prepare} (which may run early,
 * while tables copy): pg_dump writes the section as a custom-format archive into a private temporary
 * directory, its table of contents loses the entries of indexes and constraints built with the data
 * ({@link TocFilter}), and pg_restore turns the rest into SQL. {@link #apply}: psql runs a prelude
 * (attaching those constraints) and that SQL in one transaction, so nothing is applied unless
 * everything is. Thread-safe.
 */
public final class PostDataCopier {
    private static final Logger log = LoggerFactory.getLogger(PostDataCopier.class);

    /** The least maintenance_work_mem (kB) of the session applying the section. */
    static final long MAINTENANCE_WORK_MEM_KB = 512 * 1024;

    private final PgTools tools;

    public PostDataCopier(PgTools tools) {
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    /**
     * The post-data section dumped and turned into SQL without the excluded entries, waiting in a private
     * temporary directory to be applied; closing deletes the directory. Thread-safe.
     */
    public static final class Prepared implements AutoCloseable {
        private final Path dir;
        private final Path remainder;
        private final String database;
        private final int excluded;

        private Prepared(Path dir, Path remainder, String database, int excluded) {
            this.dir = dir;
            this.remainder = remainder;
            this.database = database;
            this.excluded = excluded;
        }

        @Override
        public void close() {
            deleteTree(dir);
        }
    }

    /**
     * Dumps {@code options}' post-data section of {@code source} (database set) and renders it as SQL
     * without the entries of {@code excluded} (built with the data, or the job's own publication).
     */
    public Prepared prepare(DumpOptions options, Set<CatalogObject> excluded, DatabaseConnection source) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("ferry-post-data-");
            Path archive = dir.resolve("post-data.dump");
            Path listing = dir.resolve("all.list");
            Path selected = dir.resolve("selected.list");
            Path remainder = dir.resolve("remainder.sql");
            List<String> dump = new ArrayList<>(List.of(tools.pgDump().toString()));
            dump.addAll(options.archiveArguments(archive));
            dumpRetryingLockWaits(dump, source);
            run(List.of(tools.pgRestore().toString(), "--list", "--file=" + listing, archive.toString()), null, null,
                    "pg_restore --list");
            Files.write(selected, TocFilter.without(Files.readAllLines(listing, StandardCharsets.UTF_8), excluded),
                    StandardCharsets.UTF_8);
            List<String> restore = new ArrayList<>(List.of(tools.pgRestore().toString(), "--use-list=" + selected,
                    "--file=" + remainder));
            restore.addAll(options.restoreArguments());
            restore.add(archive.toString());
            run(restore, null, null, "pg_restore of the post-data section");
            return new Prepared(dir, remainder, source.database(), excluded.size());
        } catch (IOException | RuntimeException e) {
            if (dir != null) {
                deleteTree(dir);
            }
            if (e instanceof IOException io) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Cannot prepare the post-data schema of "
                        + "database %s in the temporary directory: %s; check free space and permissions of "
                        + "java.io.tmpdir").formatted(source.database(), io.getMessage()), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Runs pg_dump, again (after a pause) when it gave up waiting for a table lock, a few times. */
    private void dumpRetryingLockWaits(List<String> dump, DatabaseConnection source) {
        ToolProcess.dumpRetryingLockWaits(ToolProcess.Call.of(dump, source, false, tools.major(),
                "pg_dump --section=post-data of database " + source.database()), source.database(), "post-data");
    }

    /** Applies {@code prelude} and then {@code prepared} to {@code destination} (database set) in one transaction. */
    public void apply(Prepared prepared, List<String> prelude, DatabaseConnection destination) {
        long started = System.nanoTime();
        Path script = prepared.dir.resolve("prelude.sql");
        // Foreign key checks, the remaining index builds and materialized view refreshes sort and hash in
        // maintenance_work_mem: give them at least what the early index builds get.
        List<String> sql = new ArrayList<>(List.of("SET statement_timeout = 0;", "SET lock_timeout = 0;",
                "SET client_min_messages = warning;", "SET synchronous_commit = off;",
                "SELECT pg_catalog.set_config('maintenance_work_mem', GREATEST(pg_catalog.pg_size_bytes("
                        + "pg_catalog.current_setting('maintenance_work_mem')) / 1024, " + MAINTENANCE_WORK_MEM_KB
                        + ")::text, false);"));
        prelude.forEach(statement -> sql.add(statement + ";"));
        try {
            Files.write(script, sql, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Cannot write the post-data schema of database %s "
                    + "to the temporary directory: %s; check free space").formatted(prepared.database, e.getMessage()), e);
        }
        run(List.of(tools.psql().toString(), "--no-psqlrc", "--quiet", "--no-password", "--single-transaction",
                "--echo-errors", "--set=ON_ERROR_STOP=1", "--file=" + script, "--file=" + prepared.remainder), null,
                destination, "applying the post-data schema of database " + destination.database());
        log.atInfo().addKeyValue("database", prepared.database).addKeyValue("section", "post-data")
                .addKeyValue("excluded", prepared.excluded)
                .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("schema section copied");
    }

    /** Runs a tool connected to {@code source} or {@code destination} (or neither); fails on a non-zero exit. */
    private void run(List<String> command, DatabaseConnection source, DatabaseConnection destination, String doing) {
        ToolProcess.run(ToolProcess.Call.of(command, source != null ? source : destination, destination != null,
                tools.major(), doing));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e).log("could not delete a temporary directory; delete it by hand");
        }
    }
}
