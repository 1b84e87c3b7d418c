package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.FerryCommand;
import dev.ferry.cli.Wiring;
import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.control.job.JobRequest;
import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import dev.ferry.testkit.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;
import picocli.CommandLine;

/**
 * What validation must do on either engine, driven through the CLI against a running server as a user would: a clean
 * migration validates with exit 0; a tampered destination (one column of one row changed, a row deleted, a row
 * inserted, a column default changed, an index dropped, a counter moved, each in another table) exits 1 and names each
 * table, each differing row's key and each schema difference; a continuous job validates clean under write load,
 * then finds a difference injected on the destination; {@code promote --validate} refuses the tampered destination,
 * and so does a plain {@code promote} of a job created with {@code --validate-on-promote} (FAILED_PRECONDITION), and
 * once repaired promotes it, reading again only the ranges changed since the last validation; {@code promote
 * --validate --force} promotes a tampered destination and says so in the job's events.
 */
abstract class ValidationScenario {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Wiring wiring;
    private ApiServer server;

    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }
    }

    /** The source database with the engine's every-type tables, t_update, t_delete, t_insert, t_default, t_index and a counter. */
    abstract TestDatabase typedSource() throws Exception;

    abstract DatabaseConnection destination();

    /**
     * Statements on the destination database that change one column of t_update id 42, delete t_delete id 4242, insert
     * t_insert id 9999, change t_default.v's default, drop index t_index_v, and move the counter.
     */
    abstract List<String> tamper();

    /** How the validation names {@code table} of {@code database}. */
    abstract String tableName(String database, String table);

    /** A word every schema finding about the moved counter holds. */
    abstract String counterName();

    /** A source with table account (integer key 1..rows) and table audit (key 1..1000), for replication. */
    abstract TestDatabase bankSource(int rows) throws Exception;

    /** Writes to account until stopped: updates of ids 1..1000 and inserts past the end, never audit. */
    static Thread writer(TestDatabase bank, AtomicBoolean stop, AtomicLong writes) {
        return writer(bank, stop, writes, 1000);
    }

    /**
     * As {@link #writer(TestDatabase, AtomicBoolean, AtomicLong)}, updating accounts 1 to {@code span}. Validation under
     * load spreads the updates wider: a row written several times within one re-check (read the source, wait for
     * replication, read the destination, read the source again) can only be reported INCONCLUSIVE, never clean, and a
     * tight loop over 1,000 hot rows on a loaded machine made that common rather than the exception.
     */
    static Thread writer(TestDatabase bank, AtomicBoolean stop, AtomicLong writes, long span) {
        return Thread.ofVirtual().start(() -> {
            try (java.sql.Connection c = bank.open();
                    var insert = c.prepareStatement("INSERT INTO account (owner, balance) VALUES (?, ?)");
                    var update = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
                var random = java.util.concurrent.ThreadLocalRandom.current();
                while (!stop.get()) {
                    if (random.nextInt(4) == 0) {
                        insert.setString(1, "new");
                        insert.setLong(2, random.nextLong(1000));
                        insert.executeUpdate();
                    } else {
                        update.setLong(1, random.nextLong(100));
                        update.setLong(2, 1 + random.nextLong(span));
                        update.executeUpdate();
                    }
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Runs {@code statements} on the destination database as the superuser (the demoted destination lets it write). */
    abstract void onDestination(String database, String... statements) throws Exception;

    /** Sets audit id 7's note on the destination: {@code note}, or back to the source's ({@code n7}) when null. */
    static String repairAudit(String database, String note) {
        return "UPDATE audit SET note = '%s' WHERE id = 7".formatted(note == null ? "n7" : note);
    }

    void start(Path home) {
        wiring = Wiring.open(home);
        AdminTokenFile.write(AdminTokenFile.in(wiring.home()), wiring.control().tokens().bootstrapAdmin().orElseThrow().secret());
        server = new ApiServer(ServerConfig.local(0), wiring.control());
        server.start();
    }

    void stop() {
        try {
            for (var job : wiring.control().jobs().list()) {
                wiring.control().jobs().delete(job.name(), false, null);
            }
        } finally {
            server.close();
            wiring.close();
        }
    }

    Result ferry(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--server");
        all.add(server.uri().toString());
        all.add("--home");
        all.add(wiring.home().toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = FerryCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    private MigrationJob awaitJob(String name, java.util.function.Predicate<MigrationJob> done, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            MigrationJob job = wiring.control().jobs().get(name);
            assertThat(job.state()).as("error: %s", job.error()).isNotEqualTo(JobState.FAILED);
            return done.test(job);
        });
        return wiring.control().jobs().get(name);
    }

    private void profiles(TestDatabase source) {
        wiring.control().profiles().create(new ProfileRequest("src", null, null, source.connection()), null);
        wiring.control().profiles().create(new ProfileRequest("dst", null, null, destination()), null);
    }

    private static JsonNode table(JsonNode validation, String name) {
        return StreamSupport.stream(validation.path("tableResults").spliterator(), false)
                .filter(t -> t.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no table " + name + " in " + validation));
    }

    private static List<String> differences(JsonNode table) {
        List<String> out = new ArrayList<>();
        table.path("differences").forEach(d -> out.add(d.path("kind").asText() + " " + JobViewText.key(d)));
        return out;
    }

    void oneTimeMigrationValidatesCleanAndNamesEveryTamperedRowAndSchemaChange() throws Exception {
        TestDatabase source = typedSource();
        String db = source.name();
        profiles(source);
        wiring.control().jobs().create(new JobRequest("copy", null, null, JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(2), false, new ReliabilityConfig(null, null, null, null, null, null, null, null, null,
                        ValidationMode.FULL, null, null)), null);
        wiring.control().jobs().start("copy", false, null);
        awaitJob("copy", j -> j.state() == JobState.COMPLETED, Duration.ofSeconds(240));

        // The job's validation setting validated the destination once the load was done: clean.
        var after = wiring.control().validations().list("copy");
        assertThat(after).hasSize(1);
        assertThat(after.getFirst().status()).as(after.getFirst().toString()).isEqualTo(dev.ferry.core.model.Validation.Status.CLEAN);
        assertThat(after.getFirst().tableResults()).hasSizeGreaterThanOrEqualTo(6);

        Result clean = ferry("migration-jobs", "validate", "copy", "--format", "json");
        assertThat(clean.exit()).as(clean.err() + clean.out()).isZero();
        assertThat(clean.json().path("status").asText()).isEqualTo("CLEAN");
        assertThat(clean.json().path("rows").asLong()).isGreaterThan(15_000);

        onDestination(db, tamper().toArray(String[]::new));
        Result tampered = ferry("migration-jobs", "validate", "copy", "--format", "json");
        assertThat(tampered.exit()).as(tampered.err()).isEqualTo(1);
        JsonNode v = tampered.json();
        assertThat(v.path("status").asText()).isEqualTo("DIFFERENT");
        assertThat(differences(table(v, tableName(db, "t_update")))).containsExactly("DIFFERENT id=42");
        assertThat(differences(table(v, tableName(db, "t_delete")))).containsExactly("MISSING id=4242");
        assertThat(differences(table(v, tableName(db, "t_insert")))).containsExactly("EXTRA id=9999");
        for (String clean2 : List.of("t_default", "t_index")) {
            assertThat(table(v, tableName(db, clean2)).path("status").asText()).as(clean2).isEqualTo("CLEAN");
        }
        List<String> findings = new ArrayList<>();
        v.path("schemaFindings").forEach(f -> findings.add(f.path("object").asText() + ": " + f.path("message").asText()));
        assertThat(findings).as("schema findings").anyMatch(f -> f.contains("t_default"))
                .anyMatch(f -> f.contains("t_index_v")).anyMatch(f -> f.contains(counterName()));
        // The moved counter is a sequence whose value is compared, the job being completed.
        assertThat(v.path("schemaFindings")).as("schema findings").anySatisfy(f -> {
            assertThat(f.path("code").asText()).isEqualTo("SEQUENCE_DIFFERENCE");
            assertThat(f.path("object").asText()).startsWith("sequence ").contains(counterName());
        });
        // Every other table compared clean.
        assertThat(StreamSupport.stream(v.path("tableResults").spliterator(), false)
                .filter(t -> !t.path("status").asText().equals("CLEAN")).map(t -> t.path("name").asText()).toList())
                .containsExactlyInAnyOrder(tableName(db, "t_update"), tableName(db, "t_delete"), tableName(db, "t_insert"));

        // Narrowed to one table and to the rows only.
        Result one = ferry("migration-jobs", "validate", "copy", "--data-only", "--tables", "*t_update", "--format", "json");
        assertThat(one.exit()).isEqualTo(1);
        assertThat(one.json().path("tableResults")).hasSize(1);
        assertThat(one.json().path("schemaFindings")).isEmpty();
        Result human = ferry("migration-jobs", "validations", "copy", v.path("id").asText());
        assertThat(human.exit()).isEqualTo(1);
        assertThat(human.out()).contains("DIFFERENT", "id=4242", "missing");
    }

    void continuousJobValidatesCleanUnderLoadFindsAnInjectedDifferenceAndGatesPromotion() throws Exception {
        TestDatabase bank = bankSource(400_000);
        String db = bank.name();
        profiles(bank);
        // Created as a user would, with the setting that makes every promotion validate first.
        Result created = ferry("migration-jobs", "create", "follow", "--type", "continuous", "--source", "src",
                "--destination", "dst", "--parallelism", "2", "--validate-on-promote");
        assertThat(created.exit()).as(created.err()).isZero();
        wiring.control().jobs().start("follow", false, null);
        awaitJob("follow", j -> j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE, Duration.ofSeconds(240));
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        // Updates spread over 20,000 accounts: still within the first range of 100,000, so the re-checks stay in one place.
        Thread writer = writer(bank, stop, writes, 20_000);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > 200);
            Result underLoad = ferry("migration-jobs", "validate", "follow", "--data-only", "--format", "json");
            assertThat(underLoad.exit()).as(underLoad.out() + underLoad.err()).isZero();
            assertThat(underLoad.json().path("status").asText()).as(underLoad.out()).isEqualTo("CLEAN");
            long during = writes.get();

            onDestination(db, repairAudit(db, "tampered"));
            Result found = ferry("migration-jobs", "validate", "follow", "--data-only", "--format", "json");
            assertThat(found.exit()).isEqualTo(1);
            assertThat(differences(table(found.json(), tableName(db, "audit")))).containsExactly("DIFFERENT id=7");
            assertThat(table(found.json(), tableName(db, "account")).path("status").asText())
                    .as("no false difference under load: %s", table(found.json(), tableName(db, "account"))).isEqualTo("CLEAN");
            assertThat(writes.get()).as("the writer kept writing through both validations").isGreaterThan(during);
        } finally {
            stop.set(true);
            writer.join();
        }

        Result refused = ferry("migration-jobs", "promote", "follow", "--validate", "--wait");
        assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
        assertThat(refused.err()).contains("refused", tableName(db, "audit"));
        awaitJob("follow", j -> j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE, Duration.ofSeconds(60));
        assertThat(wiring.control().jobs().get("follow").state()).isEqualTo(JobState.RUNNING);

        // A plain promotion validates too (the job's validateOnPromote): refused, its operation FAILED_PRECONDITION.
        Result plain = ferry("migration-jobs", "promote", "follow", "--wait");
        assertThat(plain.exit()).as(plain.out()).isEqualTo(1);
        assertThat(plain.err()).contains("refused", tableName(db, "audit"));
        String operation = wiring.control().operations().list(50).stream()
                .filter(o -> o.verb().equals("promote") && o.target().endsWith("/follow")).findFirst().orElseThrow().name();
        Result described = ferry("operations", "describe", operation, "--format", "json");
        assertThat(described.exit()).as(described.err()).isZero();
        JsonNode refusal = described.json();
        assertThat(refusal.path("done").asBoolean()).as(refusal.toString()).isTrue();
        assertThat(refusal.path("error").path("code").asText()).as(refusal.toString()).isEqualTo("FAILED_PRECONDITION");
        assertThat(refusal.path("error").path("message").asText()).contains("refused", tableName(db, "audit"));
        awaitJob("follow", j -> j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE, Duration.ofSeconds(60));
        assertThat(wiring.control().jobs().get("follow").state()).isEqualTo(JobState.RUNNING);

        onDestination(db, repairAudit(db, null));
        Result repaired = ferry("migration-jobs", "validate", "follow", "--data-only", "--format", "json");
        assertThat(repaired.exit()).as(repaired.out()).isZero();
        // A few changes after the clean validation dirty some ranges of account; promotion reads only those again.
        bank.execute("UPDATE account SET balance = balance + 1 WHERE id BETWEEN 10 AND 20");
        Result promoted = ferry("migration-jobs", "promote", "follow", "--validate", "--wait");
        assertThat(promoted.exit()).as(promoted.err() + promoted.out()).isZero();
        MigrationJob job = awaitJob("follow", j -> j.state() == JobState.COMPLETED, Duration.ofSeconds(60));
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        List<String> events = wiring.control().jobs().events("follow", 200).stream().map(JobEvent::message).toList();
        // Events come oldest first: the last gate is the promotion's that went through (the refused ones came before).
        String gate = events.stream().filter(m -> m.startsWith("Promotion validates the data")).reduce((a, b) -> b).orElseThrow();
        var counts = java.util.regex.Pattern.compile("(\\d+) of (\\d+) range\\(s\\)").matcher(gate);
        assertThat(counts.find()).as(gate).isTrue();
        int pending = Integer.parseInt(counts.group(1));
        int planned = Integer.parseInt(counts.group(2));
        assertThat(planned).as(gate).isGreaterThanOrEqualTo(5);
        assertThat(pending).as(gate).isPositive().isLessThan(planned);
        assertThat(events).anyMatch(m -> m.startsWith("Promotion validation") && m.contains("is clean"));
        assertThat(EnumSet.of(JobState.COMPLETED)).contains(job.state());
    }

    /**
     * {@code promote --validate --force} promotes a tampered destination and records, in the job's events, that it
     * was forced past the validation's difference.
     */
    void forcedPromotionPromotesATamperedDestinationAndSaysSo() throws Exception {
        TestDatabase bank = bankSource(2_000);
        String db = bank.name();
        profiles(bank);
        wiring.control().jobs().create(new JobRequest("forced", null, null, JobType.CONTINUOUS, "src", "dst",
                ObjectsConfig.ALL, new PerformanceConfig(2)), null);
        wiring.control().jobs().start("forced", false, null);
        awaitJob("forced", j -> j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE, Duration.ofSeconds(240));
        onDestination(db, repairAudit(db, "tampered"));

        Result forced = ferry("migration-jobs", "promote", "forced", "--validate", "--force", "--wait");
        assertThat(forced.exit()).as(forced.err() + forced.out()).isZero();
        MigrationJob job = awaitJob("forced", j -> j.state() == JobState.COMPLETED, Duration.ofSeconds(60));
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        assertThat(wiring.control().jobs().events("forced", 200)).filteredOn(e -> e.severity() == dev.ferry.core.model.Severity.WARNING)
                .extracting(JobEvent::message).anySatisfy(m -> assertThat(m)
                        .startsWith("Promotion forced past validation").contains("different", tableName(db, "audit")));
        assertThat(Sql.one(destination(), db, "SELECT note FROM audit WHERE id = 7")).isEqualTo("tampered");
    }
}
