package dev.ferry.engine.postgres.schema;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.core.fault.Backoff;
import dev.ferry.core.process.PrivateDirectory;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one pg_dump section from a source database into a destination database: {@code pg_dump}
 * piped into {@code psql --single-transaction -v ON_ERROR_STOP=1}, so a section is applied entirely or
 * not at all. psql (not JDBC) applies the script because plain dumps contain psql meta-commands
 * ({@code \restrict}). The tools get a minimal environment; passwords and certificates reach them through
 * owner-only files deleted after the call ({@link ToolEnvironment}), never the environment or the command line.
 * Thread-safe.
 */
public final class SchemaCopier {
    private static final Logger log = LoggerFactory.getLogger(SchemaCopier.class);

    /** How often a dump that gave up waiting for a table lock runs, and the pauses between runs. */
    static final int LOCK_ATTEMPTS = 6;
    static final Backoff LOCK_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));

    private final PgTools tools;

    public SchemaCopier(PgTools tools) {
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    /** Dumps {@code options.section()} of {@code source} (its database set) and applies it to {@code destination}. */
    public void copy(DumpOptions options, DatabaseConnection source, DatabaseConnection destination) {
        List<String> dumpCommand = new ArrayList<>();
        dumpCommand.add(tools.pgDump().toString());
        dumpCommand.addAll(options.arguments());
        ProcessBuilder dump = new ProcessBuilder(dumpCommand);
        ProcessBuilder psql = new ProcessBuilder(tools.psql().toString(), "--no-psqlrc", "--quiet", "--no-password",
                "--single-transaction", "--echo-errors", "--set=ON_ERROR_STOP=1");

        String section = options.section().option();
        long started = System.nanoTime();
        ProcessPipe.Outcome outcome;
        try (PrivateDirectory files = PrivateDirectory.create()) {
            ToolEnvironment.connectTo(dump.environment(), source, files, "source", tools.major());
            ToolEnvironment.connectTo(psql.environment(), destination, files, "destination", tools.major());
            outcome = ProcessPipe.run(dump, psql);
            // pg_dump gave up waiting for a table lock (a DDL holds or waits for it): nothing was applied; again.
            for (int attempt = 1; attempt < LOCK_ATTEMPTS && outcome.producerExit() != 0 && !outcome.consumerStoppedFirst()
                    && ToolFailure.lockTimeout(outcome.producerErrors()); attempt++) {
                Duration pause = LOCK_BACKOFF.delay(attempt, ThreadLocalRandom.current());
                log.atInfo().addKeyValue("database", source.database()).addKeyValue("section", section)
                        .addKeyValue("attempt", attempt).log("pg_dump waited too long for a table lock; trying again");
                Thread.sleep(pause);
                outcome = ProcessPipe.run(dump, psql);
            }
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Cannot run %s or %s: %s; check the PostgreSQL "
                    + "client tools installation").formatted(tools.pgDump(), tools.psql(), e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Copying the %s schema of database %s was interrupted"
                    .formatted(section, source.database()), e);
        }
        List<Secret> secrets = new ArrayList<>();
        if (source.password() != null) {
            secrets.add(source.password());
        }
        if (destination.password() != null) {
            secrets.add(destination.password());
        }
        if (outcome.producerExit() != 0 && !outcome.consumerStoppedFirst()) {
            throw new FerryException(ToolFailure.classify(outcome.producerErrors()),
                    "pg_dump --section=%s of database %s on %s:%d failed (exit %d); nothing was applied: %s"
                            .formatted(section, source.database(), source.host(), source.port(), outcome.producerExit(),
                                    ToolFailure.excerpt(outcome.producerErrors(), secrets)));
        }
        if (outcome.consumerExit() != 0 || outcome.consumerStoppedFirst()) {
            throw new FerryException(ToolFailure.classify(outcome.consumerErrors()), ("Applying the %s schema of "
                    + "database %s to %s:%d failed (psql exit %d) and was rolled back; fix the cause on the "
                    + "destination and retry: %s").formatted(section, destination.database(), destination.host(),
                    destination.port(), outcome.consumerExit(), ToolFailure.excerpt(outcome.consumerErrors(), secrets)));
        }
        log.atInfo().addKeyValue("database", source.database()).addKeyValue("section", section)
                .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("schema section copied");
        if (!outcome.producerErrors().isBlank()) {
            log.atWarn().addKeyValue("database", source.database()).addKeyValue("section", section)
                    .addKeyValue("stderr", ToolFailure.excerpt(outcome.producerErrors(), secrets)).log("pg_dump warned");
        }
    }
}
