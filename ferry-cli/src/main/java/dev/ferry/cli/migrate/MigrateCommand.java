package dev.ferry.cli.migrate;

import dev.ferry.cli.Converters;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.Homes;
import dev.ferry.cli.LogSetup;
import dev.ferry.cli.Secrets;
import dev.ferry.cli.Wiring;
import dev.ferry.cli.output.Terminal;
import dev.ferry.control.job.JobRequest;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", sortOptions = false,
        description = {"Run a whole migration in this process (no server needed), with a live progress display.",
                "Exits 0 only when the job completed and every table has the same row count on both sides.",
                "One-time: Ctrl-C stops the job cleanly (exit 1).",
                "Continuous: after the initial copy, changes replicate with a live display of lag and apply rate until",
                "Ctrl-C or SIGTERM; then the destination is promoted (everything the source committed is applied,",
                "sequences are synchronised) and both sides are compared. A second Ctrl-C during the promotion forces it,",
                "a third quits at once."})
public final class MigrateCommand extends FerryCall {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Option(names = "--source", required = true, paramLabel = "URL",
            description = {"Source: postgresql://USER:PASSWORD@HOST:PORT/DB (also postgres://, mysql://, mariadb://; ?sslmode=...).",
                    "A DB in the URL is the database to move (unless --include is given); without it, every user database moves."})
    String sourceUrl;

    @Option(names = "--destination", required = true, paramLabel = "URL", description = "Destination server, same URL form")
    String destinationUrl;

    @Option(names = "--type", paramLabel = "TYPE", converter = Converters.Type.class,
            description = "one-time (default) or continuous (copy, replicate changes until Ctrl-C/SIGTERM, then promote)")
    JobType type = JobType.ONE_TIME;

    @Option(names = "--promote-when-ready",
            description = "With --type continuous: promote as soon as the destination caught up with the source (for scripts)")
    boolean promoteWhenReady;

    @Option(names = "--source-password-env", paramLabel = "VAR", description = "Read the source password from this environment variable")
    String sourcePasswordEnv;

    @Option(names = "--destination-password-env", paramLabel = "VAR",
            description = "Read the destination password from this environment variable")
    String destinationPasswordEnv;

    @Option(names = "--include", paramLabel = "PATTERN", description = "Only move matching objects: db, db.schema or db.schema.table, * as wildcard (repeatable)")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PATTERN", description = "Leave matching objects out (repeatable)")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--parallelism", paramLabel = "N", converter = Converters.Parallelism.class,
            description = "Tables or ranges copied at once, 1 to 256 (default: from the cores available)")
    Integer parallelism;

    @Option(names = "--no-analyze",
            description = "Leave the destination's planner statistics to the server: the full load does not analyze the tables it copied")
    boolean noAnalyze;

    @Option(names = "--apply-partitions", paramLabel = "N", converter = Converters.ApplyPartitions.class,
            description = "With --type continuous: destination sessions that apply changes in parallel, 1 to 64 (default: twice the cores, 2 to 8)")
    Integer applyPartitions;

    @picocli.CommandLine.Mixin
    dev.ferry.cli.job.ReliabilityOptions reliability = new dev.ferry.cli.job.ReliabilityOptions();

    @Override
    protected int run() throws InterruptedException {
        DatabaseConnection source = withPassword(DatabaseUrl.parse(sourceUrl, "source"), sourcePasswordEnv, "--source-password-env");
        DatabaseConnection destination = withPassword(DatabaseUrl.parse(destinationUrl, "destination"), destinationPasswordEnv,
                "--destination-password-env");
        if (promoteWhenReady && type != JobType.CONTINUOUS) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "--promote-when-ready applies to --type continuous only");
        }
        if (source.engine() != destination.engine()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "The source is %s but the destination is %s; Ferry migrates between servers of the same family"
                    .formatted(source.engine().id(), destination.engine().id()));
        }
        if (applyPartitions != null && type != JobType.CONTINUOUS) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "--apply-partitions applies to --type continuous only");
        }
        var performance = new PerformanceConfig(parallelism, applyPartitions, noAnalyze ? Boolean.FALSE : null);
        reliability.toConfig();
        // a database named in the source URL is what the user means to move, unless --include says otherwise
        var objects = new ObjectsConfig(include.isEmpty() && source.database() != null ? List.of(source.database()) : include,
                exclude);
        destination = serverOf(destination, objects);
        // logging is set before any class with a logger loads (see LogSetup)
        Path home = dev.ferry.cli.GlobalOptions.of(spec).home();
        Path kept = home == null ? null : Homes.create(home.toAbsolutePath().normalize());
        Path logFile = kept != null ? kept.resolve("logs").resolve("migrate.log") : temporaryLog();
        LogSetup.toFile(logFile);
        int exit;
        try {
            exit = migrate(source, destination, objects, performance, kept);
        } catch (Exception e) {
            exit = ExitCodes.report(e, err());
        }
        if (exit != ExitCodes.OK) {
            err().printf("Details are in the log: %s%n", logFile);
            err().flush();
        } else if (kept == null) {
            deleteQuietly(logFile);
        }
        return exit;
    }

    private int migrate(DatabaseConnection source, DatabaseConnection destination, ObjectsConfig objects,
            PerformanceConfig performance, Path kept) throws InterruptedException {
        boolean terminal = Terminal.stderrIsTerminal();
        try (Interruption interruption = Interruption.install(err());
                TempHome dir = kept == null ? TempHome.fresh() : TempHome.kept(kept);
                // state nobody reads afterwards stays in memory; a home to keep gets the store on disk
                Wiring wiring = Wiring.open(dir.temporary() ? StoreConfig.inMemory(dir.path()) : StoreConfig.embedded(dir.path()))) {
            var run = new InProcessRun(wiring.control(), out(), err(), terminal, interruption);
            String id = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
            String sourceName = "src-" + id;
            String destinationName = "dst-" + id;
            String job = "migrate-" + id;
            err().printf("Migrating %s to %s%n", source.display(), destination.display());
            err().flush();
            // the job's verify at its start connects to both sides: the profiles need no connection of their own
            run.createProfile(sourceName, "migrate source", source, false);
            run.createProfile(destinationName, "migrate destination", destination, false);
            wiring.control().jobs().create(new JobRequest(job, null, Map.of("created-by", "ferry-migrate"), type,
                    sourceName, destinationName, objects, performance, false, reliability.toConfig()), null);
            return run.run(job, promoteWhenReady, dir.temporary());
        }
    }

    /**
     * A destination URL that names a database being moved says where it goes, not where to connect (it may not exist
     * yet): Ferry connects to the server's maintenance database (PostgreSQL's postgres, none on MySQL/MariaDB) and the
     * full load creates the database there. Another database in the URL stays the one to connect to.
     */
    static DatabaseConnection serverOf(DatabaseConnection destination, ObjectsConfig objects) {
        String database = destination.database();
        boolean moved = database != null && objects.include().stream().anyMatch(database::equals);
        return moved ? destination.withDatabase(null) : destination;
    }

    /** Without --home the log lives outside the throw-away home, so a failure can still be read. */
    private static Path temporaryLog() {
        try {
            return Files.createTempFile("ferry-migrate-", ".log");
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot create a log file in the temporary directory; pass --home DIR", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover log file in the temporary directory harms nothing; the system cleans it up
        }
    }

    private static DatabaseConnection withPassword(DatabaseConnection connection, String env, String option) {
        Secret password = Secrets.fromEnv(env, option);
        return password == null ? connection : connection.withPassword(password);
    }
}
