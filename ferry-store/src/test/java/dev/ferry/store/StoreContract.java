package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.ConnectionSpec;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.model.TlsOptions;
import dev.ferry.core.model.JobError;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.LagSample;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectState;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.ProfileState;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.model.JobLease;
import dev.ferry.core.spi.engine.Fence;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Store} must do, whatever database holds it. Subclasses say where a fresh, empty
 * store lives; every test here runs against each of them.
 */
abstract class StoreContract {
    static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456Z");
    static final Instant T1 = Instant.parse("2025-03-01T11:00:00Z");
    static final Instant T2 = Instant.parse("2025-03-02T08:30:00.5Z");

    @TempDir
    Path home;

    StoreConfig config;
    Store store;

    /** The configuration of a new, empty store whose key file lives under {@code home}. */
    abstract StoreConfig freshStore(Path home);

    @BeforeEach
    void openStore() {
        config = freshStore(home);
        store = JdbcStore.open(config);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    void reopen() {
        store.close();
        store = JdbcStore.open(config);
    }

    // ---- fencing

    @Test
    void aFencedViewsFencePassesWhileItsLeaseIsCurrentAndRefusesOnceTheLeaseMoved() throws SQLException {
        assertThat(store.fence()).isSameAs(Fence.NONE);
        sql("INSERT INTO job_leases (task_name, task_instance, execution_time, picked, picked_by, last_heartbeat, version) "
                + "VALUES ('ferry-job', 'j', CURRENT_TIMESTAMP, TRUE, 'node-a', CURRENT_TIMESTAMP, 3)");
        Fence fence = store.fenced(new JobLease("j", "node-a", 3, T0)).fence();
        assertThat(fence.epoch()).isEqualTo(3);
        fence.check();

        sql("UPDATE job_leases SET picked_by = 'node-b', version = 4 WHERE task_instance = 'j'");
        assertThatThrownBy(fence::check).satisfies(e -> assertThat(LeaseLost.in(e)).isTrue())
                .hasMessageContaining("node node-b holds it now with epoch 4");
        // A destination's refusal of a commit under an older epoch is a lost lease too, wherever it is wrapped.
        assertThat(LeaseLost.in(new IllegalStateException("apply failed", Fence.refused("j", 3, "ferry.replication_progress"))))
                .isTrue();
        assertThat(LeaseLost.in(new FerryException(ErrorCode.FAILED_PRECONDITION, "Replication slot s is in use"))).isFalse();
    }

    /** Runs {@code statement} on the store's database, around the store. */
    void sql(String statement) throws SQLException {
        String password = config.password() == null ? "" : config.password().reveal();
        try (Connection c = DriverManager.getConnection(config.effectiveUrl(), config.effectiveUser(), password)) {
            c.createStatement().execute(statement);
        }
    }

    // ---- installation identity

    @Test
    void installationIdIsCreatedOnceAndKeptAcrossReopens() {
        String id = store.installationId();

        assertThat(id).matches("[a-z0-9]{8}");
        assertThat(store.installationId()).isEqualTo(id);
        reopen();
        assertThat(store.installationId()).isEqualTo(id);
    }

    @Test
    void serversSharingAStoreShareTheInstallationId() throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> ids = new ArrayList<>();
            List<Store> stores = new ArrayList<>();
            if (config.jdbcUrl() != null) {
                for (int i = 0; i < 3; i++) {
                    stores.add(JdbcStore.open(config));
                }
            } else {
                stores.add(store);
            }
            for (Store s : stores) {
                ids.add(executor.submit(s::installationId));
            }
            String first = ids.getFirst().get();
            for (Future<String> id : ids) {
                assertThat(id.get()).isEqualTo(first);
            }
            stores.stream().filter(s -> s != store).forEach(Store::close);
        }
    }

    // ---- connection profiles

    @Test
    void connectionProfileWithEveryFieldRoundTrips() {
        var profile = new ConnectionProfile("src", "Source DB", Map.of("env", "prod", "team", "core"),
                ProfileState.READY, pgConnection("s3cret-src"), "last check failed", T0, T1);

        store.insertProfile(profile);

        assertThat(store.findProfile("src")).contains(profile);
    }

    @Test
    void connectionProfileWithNullFieldsRoundTrips() {
        var spec = new DatabaseConnection(EngineKind.MYSQL, "db.example", 3306, "app", null, null, null);
        var profile = new ConnectionProfile("bare", null, null, ProfileState.CREATING, spec, null, null, null);

        store.insertProfile(profile);

        ConnectionProfile read = store.findProfile("bare").orElseThrow();
        assertThat(read).isEqualTo(profile);
        assertThat(((DatabaseConnection) read.spec()).password()).isNull();
    }

    @Test
    void managedInstanceWithoutEndpointRoundTrips() {
        var spec = new ManagedInstance(EngineKind.POSTGRESQL, "16", null, Map.of(), null, null, null);
        var profile = new ConnectionProfile("managed", "New PG", Map.of(), ProfileState.CREATING, spec, null, T0, T0);

        store.insertProfile(profile);

        ConnectionProfile read = store.findProfile("managed").orElseThrow();
        assertThat(read).isEqualTo(profile);
        assertThat(((ManagedInstance) read.spec()).endpoint()).isNull();
    }

    @Test
    void managedInstanceWithSecretsAndEndpointRoundTrips() {
        var endpoint = new DatabaseConnection(EngineKind.MYSQL, "127.0.0.1", 33061, "root",
                new Secret("endpoint-pw"), null, "require");
        var spec = new ManagedInstance(EngineKind.MYSQL, "10.11", 33061,
                Map.of("max_connections", "200", "binlog_format", "ROW"), new Secret("root-pw"), "local", endpoint);
        var profile = new ConnectionProfile("dest", null, Map.of("a", "b"), ProfileState.READY, spec, null, T0, T1);

        store.insertProfile(profile);

        assertThat(store.findProfile("dest")).contains(profile);
    }

    @Test
    void secretsAreStoredEncrypted() throws SQLException {
        var endpoint = new DatabaseConnection(EngineKind.POSTGRESQL, "localhost", 5433, "postgres",
                new Secret("plain-endpoint-pw"), "postgres", null);
        store.insertProfile(profile("managed", new ManagedInstance(EngineKind.POSTGRESQL, "16", 5433, Map.of(),
                new Secret("plain-root-pw"), null, endpoint)));
        store.insertProfile(profile("conn", pgConnection("plain-conn-pw")));

        String managedJson = rawSpec("managed");
        String connJson = rawSpec("conn");

        assertThat(managedJson).doesNotContain("plain-endpoint-pw").doesNotContain("plain-root-pw")
                .contains("\"rootPassword\":\"v2:");
        assertThat(connJson).doesNotContain("plain-conn-pw").contains("\"password\":\"v2:");
        assertThat(((DatabaseConnection) store.findProfile("conn").orElseThrow().spec()).password().reveal())
                .isEqualTo("plain-conn-pw");
    }

    @Test
    void updatedProfileReplacesTheStoredOne() {
        var before = profile("src", pgConnection("old"));
        store.insertProfile(before);
        var after = before.with(ProfileState.FAILED, pgConnection("new").withDatabase("other"), "broken", T2);

        store.updateProfile(after);

        assertThat(store.findProfile("src")).contains(after);
    }

    @Test
    void profilesAreListedByName() {
        store.insertProfile(profile("b-two", pgConnection(null)));
        store.insertProfile(profile("a-one", pgConnection(null)));
        store.insertProfile(profile("ab", pgConnection(null)));

        assertThat(store.listProfiles()).extracting(ConnectionProfile::name).containsExactly("a-one", "ab", "b-two");
    }

    @Test
    void deletedProfileIsGone() {
        store.insertProfile(profile("src", pgConnection("pw")));

        store.deleteProfile("src");

        assertThat(store.findProfile("src")).isEmpty();
        assertThat(store.listProfiles()).isEmpty();
    }

    @Test
    void duplicateProfileIsRefusedNamingIt() {
        store.insertProfile(profile("src", pgConnection("pw")));

        assertFails(() -> store.insertProfile(profile("src", pgConnection("other"))), ErrorCode.ALREADY_EXISTS,
                "Connection profile src already exists");
    }

    @Test
    void updatingOrDeletingAMissingProfileIsNotFound() {
        assertFails(() -> store.updateProfile(profile("ghost", pgConnection(null))), ErrorCode.NOT_FOUND,
                "Connection profile ghost does not exist");
        assertFails(() -> store.deleteProfile("ghost"), ErrorCode.NOT_FOUND, "Connection profile ghost");
        assertThat(store.findProfile("ghost")).isEmpty();
    }

    // ---- migration jobs

    @Test
    void jobWithEveryFieldRoundTrips() {
        var job = new MigrationJob("move-it", "Move it", Map.of("owner", "me"), JobType.CONTINUOUS, "src", "dest",
                new ObjectsConfig(List.of("shop", "crm.public.*"), List.of("shop.audit.*")),
                new PerformanceConfig(8), JobState.FAILED, Phase.CDC,
                new JobError(ErrorCode.UNAVAILABLE, "source went away"), T0, T1, T0, T2);

        store.insertJob(job);

        assertThat(store.findJob("move-it")).contains(job);
    }

    @Test
    void jobReliabilitySettingsRoundTrip() {
        var settings = new ReliabilityConfig(java.time.Duration.ofMinutes(30), java.time.Duration.ofSeconds(20), false,
                java.time.Duration.ofMillis(1500), DivergencePolicy.RECORD, 6, 50_000_000L);
        var job = new MigrationJob("careful", null, Map.of(), JobType.CONTINUOUS, "src", "dest", null, null,
                JobState.NOT_STARTED, null, null, T0, T0, null, null, false, settings);

        store.insertJob(job);
        store.updateJob(job.withState(JobState.RUNNING, T1));

        MigrationJob read = store.findJob("careful").orElseThrow();
        assertThat(read.reliabilityConfig()).isEqualTo(settings);
        assertThat(store.findJob("move-it")).isEmpty();
        assertThat(job("plain").reliabilityConfig()).isEqualTo(ReliabilityConfig.DEFAULT);
    }

    @Test
    void jobApplyPartitionsRoundTripAndAnOlderRowReadsWithTheDefault() throws SQLException {
        var job = new MigrationJob("wide", null, Map.of(), JobType.CONTINUOUS, "src", "dest", null,
                new PerformanceConfig(4, 12), JobState.NOT_STARTED, null, null, T0, T0, null, null);
        store.insertJob(job);
        store.insertJob(job("older"));

        setRawPerformanceConfig("older", "{\"parallelism\":3}");

        assertThat(store.findJob("wide").orElseThrow().performanceConfig()).isEqualTo(new PerformanceConfig(4, 12));
        assertThat(store.findJob("older").orElseThrow().performanceConfig()).isEqualTo(new PerformanceConfig(3, null));
    }

    @Test
    void pruningRemovesOldEventsAndEventsBeyondTheCapOfEachJob() {
        store.insertJob(job("busy"));
        store.insertJob(job("quiet"));
        store.appendEvent("busy", T0, Severity.INFO, "old");
        for (int i = 0; i < 5; i++) {
            store.appendEvent("busy", T2, Severity.INFO, "new " + i);
        }
        store.appendEvent("quiet", T0, Severity.INFO, "old");
        store.appendEvent("quiet", T2, Severity.INFO, "kept");

        int removed = store.pruneEvents(T1, 3);

        assertThat(removed).isEqualTo(4);
        assertThat(store.listEvents("busy", 100)).extracting(JobEvent::message).containsExactly("new 2", "new 3", "new 4");
        assertThat(store.listEvents("quiet", 100)).extracting(JobEvent::message).containsExactly("kept");
    }

    @Test
    void lagSamplesAreReadOldestFirstSinceATimeAndPrunedByAge() {
        store.insertJob(job("cdc"));
        store.appendLagSample("cdc", new LagSample(T0, Duration.ofMillis(1500), 4096));
        store.appendLagSample("cdc", new LagSample(T1, Duration.ofSeconds(3), 100));
        store.appendLagSample("cdc", new LagSample(T2, Duration.ZERO, 0));

        assertThat(store.listLagSamples("cdc", T1, 100)).containsExactly(
                new LagSample(T1, Duration.ofSeconds(3), 100), new LagSample(T2, Duration.ZERO, 0));
        assertThat(store.listLagSamples("cdc", T0, 1)).containsExactly(new LagSample(T2, Duration.ZERO, 0));
        assertThat(store.listLagSamples("other", T0, 100)).isEmpty();

        assertThat(store.pruneLagSamples(T1)).isEqualTo(1);
        assertThat(store.listLagSamples("cdc", T0, 100)).hasSize(2);
        store.deleteJob("cdc");
        assertThat(store.listLagSamples("cdc", T0, 100)).isEmpty();
    }

    @Test
    void operationsAreListedNewestFirst() {
        store.insertOperation(new Operation("op-a", "start", "migrationJobs/a", true, null, null, null, T0, T0));
        store.insertOperation(new Operation("op-c", "stop", "migrationJobs/a", false, null, null, null, T2, null));
        store.insertOperation(new Operation("op-b", "create", "connectionProfiles/p", true, null, null, null, T1, T1));

        assertThat(store.listOperations(10)).extracting(Operation::name).containsExactly("op-c", "op-b", "op-a");
        assertThat(store.listOperations(1)).extracting(Operation::name).containsExactly("op-c");
    }

    @Test
    void pruningRemovesOnlyFinishedOperationsThatEndedBeforeTheCutOff() {
        store.insertOperation(new Operation("old-done", "start", "jobs/a", true, null, null, null, T0, T0));
        store.insertOperation(new Operation("old-pending", "promote", "jobs/a", false, null, null, null, T0, null));
        store.insertOperation(new Operation("new-done", "stop", "jobs/a", true, null, null, null, T0, T2));

        assertThat(store.pruneOperations(T1)).isEqualTo(1);

        assertThat(store.findOperation("old-done")).isEmpty();
        assertThat(store.findOperation("old-pending")).isPresent();
        assertThat(store.findOperation("new-done")).isPresent();
    }

    @Test
    void jobWithNullFieldsRoundTrips() {
        var job = new MigrationJob("bare", null, null, JobType.ONE_TIME, "src", "dest", null, null,
                JobState.DRAFT, null, null, null, null, null, null);

        store.insertJob(job);

        MigrationJob read = store.findJob("bare").orElseThrow();
        assertThat(read).isEqualTo(job);
        assertThat(read.performanceConfig().parallelism()).isNull();
        assertThat(read.phase()).isNull();
        assertThat(read.error()).isNull();
    }

    @Test
    void updatedJobReplacesTheStoredOne() {
        var job = job("move-it");
        store.insertJob(job);
        var running = job.withStatus(JobState.RUNNING, Phase.FULL_DUMP, null, T1).withTimes(T1, null, T1);

        store.updateJob(running);

        assertThat(store.findJob("move-it")).contains(running);
    }

    @Test
    void jobsAreListedByName() {
        store.insertJob(job("zeta"));
        store.insertJob(job("alpha"));

        assertThat(store.listJobs()).extracting(MigrationJob::name).containsExactly("alpha", "zeta");
    }

    @Test
    void duplicateJobIsRefusedNamingIt() {
        store.insertJob(job("move-it"));

        assertFails(() -> store.insertJob(job("move-it")), ErrorCode.ALREADY_EXISTS,
                "Migration job move-it already exists");
    }

    @Test
    void updatingOrDeletingAMissingJobIsNotFound() {
        assertFails(() -> store.updateJob(job("ghost")), ErrorCode.NOT_FOUND, "Migration job ghost does not exist");
        assertFails(() -> store.deleteJob("ghost"), ErrorCode.NOT_FOUND, "Migration job ghost does not exist");
    }

    @Test
    void deletingAJobDeletesItsObjectsEventsAndCheckpointsOnly() {
        store.insertJob(job("doomed"));
        store.insertJob(job("kept"));
        for (String job : List.of("doomed", "kept")) {
            store.upsertObject(object(job, "db", "public", "t", ObjectState.COPIED, 10));
            store.appendEvent(job, T0, Severity.INFO, "created");
            store.putCheckpoint(job, "position", "pg:0/1");
        }

        store.deleteJob("doomed");

        assertThat(store.findJob("doomed")).isEmpty();
        assertThat(store.listObjects("doomed")).isEmpty();
        assertThat(store.listEvents("doomed", 10)).isEmpty();
        assertThat(store.checkpoints("doomed")).isEmpty();
        assertThat(store.listObjects("kept")).hasSize(1);
        assertThat(store.listEvents("kept", 10)).hasSize(1);
        assertThat(store.checkpoints("kept")).containsEntry("position", "pg:0/1");
    }

    // ---- job objects

    @Test
    void upsertInsertsThenReplacesAnObject() {
        var pending = new JobObject("job", "shop", new TableRef("public", "orders"), ObjectState.PENDING, null,
                1000, 65536, 0, 0, 0, null, null);
        store.upsertObject(pending);
        var copied = new JobObject("job", "shop", new TableRef("public", "orders"), ObjectState.FAILED,
                Phase.FULL_DUMP, 1000, 65536, 990, 60000, 5, "disk full", T1);

        store.upsertObject(copied);

        assertThat(store.listObjects("job")).containsExactly(copied);
    }

    @Test
    void objectsAreListedByDatabaseSchemaAndTableForTheirJobOnly() {
        store.upsertObject(object("job", "b", "public", "a", ObjectState.PENDING, 0));
        store.upsertObject(object("job", "a", "z", "a", ObjectState.PENDING, 0));
        store.upsertObject(object("job", "a", "public", "t2", ObjectState.PENDING, 0));
        store.upsertObject(object("job", "a", "public", "T1", ObjectState.PENDING, 0));
        store.upsertObject(object("other", "a", "public", "x", ObjectState.PENDING, 0));

        assertThat(store.listObjects("job")).extracting(JobObject::id)
                .containsExactly("a.public.T1", "a.public.t2", "a.z.a", "b.public.a");
    }

    @Test
    void deleteObjectsRemovesOnlyThatJobsObjects() {
        store.upsertObject(object("job", "a", "public", "t", ObjectState.COPIED, 1));
        store.upsertObject(object("other", "a", "public", "t", ObjectState.COPIED, 1));

        store.deleteObjects("job");
        store.deleteObjects("never-had-any");

        assertThat(store.listObjects("job")).isEmpty();
        assertThat(store.listObjects("other")).hasSize(1);
    }

    @Test
    void concurrentUpsertsOfTheSameObjectAllSucceed() throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long rows = i;
                writes.add(executor.submit(() -> {
                    store.upsertObject(object("job", "db", "public", "t", ObjectState.COPYING, rows));
                    store.putCheckpoint("job", "position", "p" + rows);
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        }

        assertThat(store.listObjects("job")).hasSize(1);
        assertThat(store.checkpoints("job")).hasSize(1);
    }

    // ---- operations

    @Test
    void operationRoundTripsAndUpdates() {
        var op = new Operation("op-1", "start", "jobs/move-it", false, null, "starting", "req-1", T0, null);
        store.insertOperation(op);
        assertThat(store.findOperation("op-1")).contains(op);

        var failed = op.finished(new JobError(ErrorCode.FAILED_PRECONDITION, "wal_level is replica"), "failed", T1);
        store.updateOperation(failed);

        assertThat(store.findOperation("op-1")).contains(failed);
        assertThat(store.findOperation("op-2")).isEmpty();
    }

    @Test
    void operationIsFoundByItsRequestVerbAndTarget() {
        var op = new Operation("op-1", "start", "jobs/a", false, null, null, "req-1", T0, null);
        store.insertOperation(op);
        store.insertOperation(new Operation("op-2", "stop", "jobs/a", false, null, null, "req-1", T0, null));

        assertThat(store.findOperationByRequest("req-1", "start", "jobs/a")).contains(op);
        assertThat(store.findOperationByRequest("req-1", "start", "jobs/b")).isEmpty();
        assertThat(store.findOperationByRequest("req-2", "start", "jobs/a")).isEmpty();
    }

    @Test
    void secondOperationForTheSameRequestIsRefused() {
        store.insertOperation(new Operation("op-1", "start", "jobs/a", false, null, null, "req-1", T0, null));

        assertFails(() -> store.insertOperation(
                new Operation("op-2", "start", "jobs/a", false, null, null, "req-1", T0, null)),
                ErrorCode.ALREADY_EXISTS, "request id req-1");
        assertThat(store.findOperation("op-2")).isEmpty();
    }

    @Test
    void operationsWithoutRequestIdNeverClash() {
        store.insertOperation(new Operation("op-1", "start", "jobs/a", true, null, null, null, T0, T1));
        store.insertOperation(new Operation("op-2", "start", "jobs/a", false, null, null, null, T0, null));

        assertThat(store.findOperation("op-1")).isPresent();
        assertThat(store.findOperation("op-2")).isPresent();
    }

    @Test
    void duplicateOrMissingOperationNamesAreReported() {
        store.insertOperation(new Operation("op-1", "start", "jobs/a", false, null, null, null, T0, null));

        assertFails(() -> store.insertOperation(
                new Operation("op-1", "stop", "jobs/b", false, null, null, null, T0, null)),
                ErrorCode.ALREADY_EXISTS, "Operation op-1 already exists");
        assertFails(() -> store.updateOperation(
                new Operation("op-9", "stop", "jobs/b", true, null, null, null, T0, T1)),
                ErrorCode.NOT_FOUND, "Operation op-9 does not exist");
    }

    // ---- events

    @Test
    void listEventsReturnsTheNewestOldestFirst() {
        IntStream.range(0, 10).forEach(i ->
                store.appendEvent("job", T0.plusSeconds(i), i == 7 ? Severity.WARNING : Severity.INFO, "event " + i));
        store.appendEvent("other", T1, Severity.ERROR, "not mine");

        List<JobEvent> events = store.listEvents("job", 3);

        assertThat(events).extracting(JobEvent::message).containsExactly("event 7", "event 8", "event 9");
        assertThat(events).extracting(JobEvent::job).containsOnly("job");
        assertThat(events.getFirst().severity()).isEqualTo(Severity.WARNING);
        assertThat(events.getFirst().time()).isEqualTo(T0.plusSeconds(7));
        assertThat(events.get(0).id()).isLessThan(events.get(1).id());
        assertThat(events.get(1).id()).isLessThan(events.get(2).id());
    }

    @Test
    void listEventsWithALargeLimitReturnsAllAndZeroReturnsNone() {
        store.appendEvent("job", T0, Severity.INFO, "one");
        store.appendEvent("job", T0, Severity.INFO, "two");

        assertThat(store.listEvents("job", 100)).extracting(JobEvent::message).containsExactly("one", "two");
        assertThat(store.listEvents("job", 0)).isEmpty();
        assertThat(store.listEvents("nobody", 5)).isEmpty();
    }

    // ---- checkpoints

    @Test
    void checkpointsArePutReplacedReadAndDeleted() {
        store.putCheckpoint("job", "position", "pg:0/16B3748");
        store.putCheckpoint("job", "position", "pg:0/16B4000");
        store.putCheckpoint("job", "table:shop.public.orders", "done");
        store.putCheckpoint("other", "position", "binlog:mysql-bin.000001:4");

        assertThat(store.checkpoint("job", "position")).contains("pg:0/16B4000");
        assertThat(store.checkpoint("job", "missing")).isEmpty();
        assertThat(store.checkpoints("job"))
                .containsExactly(Map.entry("position", "pg:0/16B4000"), Map.entry("table:shop.public.orders", "done"));

        store.deleteCheckpoint("job", "position");
        assertThat(store.checkpoints("job")).containsOnlyKeys("table:shop.public.orders");

        store.deleteCheckpoints("job");
        assertThat(store.checkpoints("job")).isEmpty();
        assertThat(store.checkpoint("other", "position")).contains("binlog:mysql-bin.000001:4");
    }

    @Test
    void deletingAMissingCheckpointIsNotFound() {
        assertFails(() -> store.deleteCheckpoint("job", "position"), ErrorCode.NOT_FOUND,
                "Checkpoint position of migration job job does not exist");
    }

    // ---- durability and times

    @Test
    void everythingSurvivesCloseAndReopen() {
        var profile = profile("src", pgConnection("pw"));
        var job = job("move-it");
        var object = object("move-it", "db", "s", "t", ObjectState.COPIED, 5);
        var op = new Operation("op-1", "create", "jobs/move-it", true, null, "done", "r", T0, T1);
        store.insertProfile(profile);
        store.insertJob(job);
        store.upsertObject(object);
        store.insertOperation(op);
        store.appendEvent("move-it", T0, Severity.INFO, "created");
        store.putCheckpoint("move-it", "k", "v");

        reopen();

        assertThat(store.findProfile("src")).contains(profile);
        assertThat(store.findJob("move-it")).contains(job);
        assertThat(store.listObjects("move-it")).containsExactly(object);
        assertThat(store.findOperationByRequest("r", "create", "jobs/move-it")).contains(op);
        assertThat(store.listEvents("move-it", 5)).extracting(JobEvent::message).containsExactly("created");
        assertThat(store.checkpoint("move-it", "k")).contains("v");
    }

    @Test
    void timesAreKeptToTheMicrosecond() {
        Instant nanos = Instant.parse("2025-06-30T23:59:59.123456789Z");
        store.insertJob(job("timed").withTimes(nanos, null, nanos));

        MigrationJob read = store.findJob("timed").orElseThrow();

        assertThat(read.startTime()).isEqualTo(Instant.parse("2025-06-30T23:59:59.123456Z"));
        assertThat(read.updateTime()).isEqualTo(Columns.stored(nanos));
    }

    @Test
    void tlsCertificatesAndTheClientKeyAreStoredSealedAndRoundTrip() throws Exception {
        String certificate = resource("tls/client.crt.pem");
        String key = resource("tls/client.key.pem");
        var tls = new TlsOptions(certificate, certificate, new Secret(key), true);
        var spec = pgConnection("pw").withTls(TlsMode.VERIFY_CA, tls);
        store.insertProfile(profile("tls", spec));

        String json = rawSpec("tls");

        assertThat(json).doesNotContain("BEGIN CERTIFICATE").doesNotContain("BEGIN PRIVATE KEY")
                .contains("\"caCertificate\":\"v2:").contains("\"clientKey\":\"v2:").contains("\"sslMode\":\"verify-ca\"");
        DatabaseConnection read = store.findProfile("tls").orElseThrow().connection();
        assertThat(read).isEqualTo(spec);
        assertThat(read.tls().clientKey().reveal()).isEqualTo(key);
    }

    @Test
    void aConnectionStoredWithoutATlsModeKeepsPreferAndNewOnesDefaultToRequire() throws SQLException {
        var spec = new DatabaseConnection(EngineKind.POSTGRESQL, "pg.example", 5432, "ferry", null, null, (String) null);
        assertThat(spec.sslMode()).isEqualTo(TlsMode.REQUIRE);
        store.insertProfile(profile("old", spec));
        var row = (com.fasterxml.jackson.databind.node.ObjectNode) JsonColumns.parse(rawSpec("old"), "test");
        row.remove("sslMode");
        row.remove("caCertificate");
        row.remove("clientCertificate");
        row.remove("clientKey");
        row.remove("allowPublicKeyRetrieval");

        setRawSpec("old", row.toString());

        assertThat(store.findProfile("old").orElseThrow().connection().sslMode()).isEqualTo(TlsMode.PREFER);
    }

    static String resource(String name) throws java.io.IOException {
        try (var in = StoreContract.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void aSealedPasswordMovedToAnotherProfilesRowDoesNotOpen() throws SQLException {
        store.insertProfile(profile("victim", pgConnection("victim-pw")));
        store.insertProfile(profile("attacker", pgConnection("attacker-pw")));
        String victimPassword = JsonColumns.parse(rawSpec("victim"), "test").path("password").textValue();
        var attacker = (com.fasterxml.jackson.databind.node.ObjectNode) JsonColumns.parse(rawSpec("attacker"), "test");
        attacker.put("password", victimPassword);

        setRawSpec("attacker", attacker.toString());

        assertFails(() -> store.findProfile("attacker"), ErrorCode.FAILED_PRECONDITION,
                "Cannot read connection profile attacker");
        assertThat(store.findProfile("victim").orElseThrow().connection().password().reveal()).isEqualTo("victim-pw");
    }

    @Test
    void rotatingTheKeyKeepsEveryProfileUsable() throws SQLException {
        var endpoint = new DatabaseConnection(EngineKind.POSTGRESQL, "localhost", 5433, "postgres",
                new Secret("endpoint-pw"), "postgres", null);
        store.insertProfile(profile("managed", new ManagedInstance(EngineKind.POSTGRESQL, "16", 5433, Map.of(),
                new Secret("root-pw"), null, endpoint)));
        store.insertProfile(profile("one", pgConnection("pw-1")));
        store.insertProfile(profile("two", pgConnection("pw-2")));
        store.insertProfile(profile("none", pgConnection(null)));
        String before = rawSpec("one");

        String keyId = store.rotateSecretKey();

        assertThat(rawSpec("one")).isNotEqualTo(before).contains("\"v2:" + keyId + ":");
        assertThat(rawSpec("managed")).doesNotContain("root-pw").contains("\"rootPassword\":\"v2:" + keyId + ":");
        reopen();
        var managed = (ManagedInstance) store.findProfile("managed").orElseThrow().spec();
        assertThat(managed.rootPassword().reveal()).isEqualTo("root-pw");
        assertThat(managed.endpoint().password().reveal()).isEqualTo("endpoint-pw");
        assertThat(store.listProfiles()).extracting(p -> p.spec() instanceof DatabaseConnection c && c.password() != null
                ? c.password().reveal() : "-").containsExactly("-", "-", "pw-1", "pw-2");
    }

    // ---- API tokens

    @Test
    void tokensAreFoundByTheirHashListedByNameAndRevoked() {
        var viewer = new dev.ferry.core.model.ApiToken("viewer-1", dev.ferry.core.model.Role.VIEWER, "a".repeat(64), T0, T1, "admin");
        var admin = new dev.ferry.core.model.ApiToken("admin", dev.ferry.core.model.Role.ADMIN, "b".repeat(64), T0, null, null);
        store.insertToken(viewer);
        store.insertToken(admin);

        assertThat(store.findTokenByHash("a".repeat(64))).contains(viewer);
        assertThat(store.findTokenByHash("c".repeat(64))).isEmpty();
        assertThat(store.listTokens()).extracting(dev.ferry.core.model.ApiToken::name).containsExactly("admin", "viewer-1");
        assertFails(() -> store.insertToken(viewer), ErrorCode.ALREADY_EXISTS, "viewer-1");

        store.deleteToken("viewer-1");

        assertThat(store.findTokenByHash("a".repeat(64))).isEmpty();
        assertFails(() -> store.deleteToken("viewer-1"), ErrorCode.NOT_FOUND, "viewer-1");
    }

    @Test
    void anOperationRemembersWhoMadeIt() {
        var op = new Operation("op-by", "start", "jobs/a", false, null, null, null, T0, null, "ops-token");
        store.insertOperation(op);

        store.updateOperation(op.finished(null, "done", T1));

        assertThat(store.findOperation("op-by").orElseThrow().createdBy()).isEqualTo("ops-token");
    }

    // ---- helpers

    /** Replaces the spec column, around the store, as someone with write access to its database could. */
    void setRawSpec(String profile, String json) throws SQLException {
        String password = config.password() == null ? "" : config.password().reveal();
        try (Connection c = DriverManager.getConnection(config.effectiveUrl(), config.effectiveUser(), password);
                PreparedStatement s = c.prepareStatement("UPDATE connection_profiles SET spec = ? WHERE name = ?")) {
            s.setString(1, json);
            s.setString(2, profile);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    /** Replaces a job's performance_config column, around the store, as an older Ferry version wrote it. */
    void setRawPerformanceConfig(String job, String json) throws SQLException {
        String password = config.password() == null ? "" : config.password().reveal();
        try (Connection c = DriverManager.getConnection(config.effectiveUrl(), config.effectiveUser(), password);
                PreparedStatement s = c.prepareStatement("UPDATE migration_jobs SET performance_config = ? WHERE name = ?")) {
            s.setString(1, json);
            s.setString(2, job);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    static DatabaseConnection pgConnection(String password) {
        return new DatabaseConnection(EngineKind.POSTGRESQL, "pg.example", 5432, "ferry", Secret.of(password),
                "shop", "verify-full");
    }

    static ConnectionProfile profile(String name, ConnectionSpec spec) {
        return new ConnectionProfile(name, name.toUpperCase(Locale.ROOT), Map.of(), ProfileState.READY,
                spec, null, T0, T0);
    }

    static MigrationJob job(String name) {
        return new MigrationJob(name, null, Map.of(), JobType.CONTINUOUS, "src", "dest", ObjectsConfig.ALL,
                PerformanceConfig.DEFAULT, JobState.NOT_STARTED, null, null, T0, T0, null, null);
    }

    static JobObject object(String job, String database, String schema, String table, ObjectState state, long rows) {
        return new JobObject(job, database, new TableRef(schema, table), state, Phase.FULL_DUMP, rows, rows * 100,
                rows, rows * 100, 0, null, T1);
    }

    static void assertFails(ThrowingCallable call, ErrorCode code, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    /** The spec column as stored, read around the store. */
    String rawSpec(String profile) throws SQLException {
        String password = config.password() == null ? "" : config.password().reveal();
        try (Connection c = DriverManager.getConnection(config.effectiveUrl(), config.effectiveUser(), password);
                PreparedStatement s = c.prepareStatement("SELECT spec FROM connection_profiles WHERE name = ?")) {
            s.setString(1, profile);
            try (ResultSet rows = s.executeQuery()) {
                assertThat(rows.next()).as("profile %s is stored", profile).isTrue();
                return rows.getString(1);
            }
        }
    }

    // ---- source connection budgets

    @Test
    void sourceReservationsStayWithinTheNodeBudgetAndTheServerCap() {
        store.putSourceLimit(new dev.ferry.core.model.SourceLimit("DB1.internal:5432", 10, T0));
        var server = "db1.internal:5432";

        assertThat(store.reserveSource(new dev.ferry.core.model.SourceReservation("a", "n1", server, 6, 0), 8)).isEmpty();
        var overNode = store.reserveSource(new dev.ferry.core.model.SourceReservation("b", "n1", server, 3, 0), 8);
        var overServer = store.reserveSource(new dev.ferry.core.model.SourceReservation("c", "n2", server, 5, 0), null);

        assertThat(overNode).contains(new dev.ferry.core.model.SourceReservation.Shortfall(
                dev.ferry.core.model.SourceReservation.Scope.NODE, "n1", 6, 8));
        assertThat(overServer).contains(new dev.ferry.core.model.SourceReservation.Shortfall(
                dev.ferry.core.model.SourceReservation.Scope.SERVER, server, 6, 10));
        assertThat(store.reserveSource(new dev.ferry.core.model.SourceReservation("d", "n2", "db2:5432", 50, 0), null))
                .as("a server without a cap").isEmpty();
        assertThat(store.listSourceReservations()).extracting(dev.ferry.core.model.SourceReservation::job)
                .containsExactly("a", "d");

        store.releaseSource("a", "n1", 0);

        assertThat(store.reserveSource(new dev.ferry.core.model.SourceReservation("c", "n2", server, 5, 0), null)).isEmpty();
        assertThat(store.releaseUnleasedSources()).isEqualTo(2);
        assertThat(store.listSourceReservations()).isEmpty();
        assertThat(store.listSourceLimits()).extracting(dev.ferry.core.model.SourceLimit::server).containsExactly(server);
        assertThat(store.deleteSourceLimit(server)).isTrue();
        assertThat(store.listSourceLimits()).isEmpty();
    }

    @Test
    void aSourceReservationUnderALeaseNoNodeHoldsLapses() {
        var leased = new dev.ferry.core.model.SourceReservation("a", "n1", "db1:5432", 4, 7);

        assertThat(store.reserveSource(leased, null)).isEmpty();

        assertThat(store.listSourceReservations()).as("job_leases holds no lease of job a at epoch 7").isEmpty();
    }
}
