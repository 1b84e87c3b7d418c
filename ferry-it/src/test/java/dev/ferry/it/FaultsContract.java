package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.TableRef;
import dev.ferry.testkit.FaultProxy;
import dev.ferry.testkit.Shutdown;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ride through faults, for each engine: a continuous job under a concurrent writer, with Ferry reaching both
 * servers through fault proxies, survives source restarts (fast and immediate), a destination restart and 20 s
 * without any network, during the full load and again during change replication, never leaving RUNNING; after
 * the promotion the destination equals the source. A subclass gives the engine's servers and tables.
 */
abstract class FaultsContract {
    private InProcessFerry ferry;
    private FaultProxy toSource;
    private FaultProxy toDestination;

    /** The source server's superuser. */
    abstract DatabaseConnection sourceServer();

    /** The destination server's superuser. */
    abstract DatabaseConnection destinationServer();

    /** A new, empty database on the source. */
    abstract TestDatabase freshSourceDatabase();

    abstract void restartSource(Shutdown mode);

    abstract void restartDestination(Shutdown mode);

    /**
     * Statements that create {@code account (id auto-generated, owner, balance)} with 3,000 rows and
     * {@code ledger (id, note)} with enough rows to copy about 20 MB.
     */
    abstract String[] fixture();

    /** The schema of the two tables as the engine's content hashes name it. */
    abstract String schema(TestDatabase db);

    @BeforeEach
    void start() {
        ferry = InProcessFerry.start();
        toSource = FaultProxy.to(sourceServer());
        toDestination = FaultProxy.to(destinationServer());
    }

    @AfterEach
    void stop() {
        try {
            ferry.close();
        } finally {
            toSource.close();
            toDestination.close();
        }
    }

    /** Inserts, updates and deletes until told to stop, reconnecting after the source's restarts. */
    static Thread writer(TestDatabase db, AtomicBoolean stop, AtomicLong writes) {
        return Thread.ofVirtual().name("writer").start(() -> {
            while (!stop.get()) {
                try (Connection c = db.open();
                        PreparedStatement insert = c.prepareStatement("INSERT INTO account (owner, balance) VALUES (?, ?)");
                        PreparedStatement update = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                        PreparedStatement delete = c.prepareStatement("DELETE FROM account WHERE id = ?")) {
                    var random = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        int op = random.nextInt(10);
                        long id = 1 + random.nextLong(3000);
                        if (op < 4) {
                            insert.setString(1, "o" + id);
                            insert.setLong(2, id);
                            insert.executeUpdate();
                        } else if (op < 9) {
                            update.setLong(1, random.nextLong(100));
                            update.setLong(2, id);
                            update.executeUpdate();
                        } else {
                            delete.setLong(1, id);
                            delete.executeUpdate();
                        }
                        writes.incrementAndGet();
                    }
                } catch (SQLException | RuntimeException e) {
                    // the source restarts under the writer: connect again until it is back
                }
            }
        });
    }

    @Test
    @Timeout(900)
    void continuousJobRidesThroughRestartsAndNetworkLossInEveryPhase() throws Exception {
        TestDatabase db = freshSourceDatabase();
        db.execute(fixture());
        DatabaseConnection src = db.connection();
        ferry.profile("src", toSource.through(src));
        ferry.profile("dst", toDestination.through(destinationServer()));
        ferry.job("ride", JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL);
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        Thread writer = writer(db, stop, writes);
        // About 20 MB to copy at 1 MB/s: the full load lasts long enough for every fault to hit it.
        toSource.throttle(1_000_000);

        ferry.control().jobs().start("ride", false, null);
        try (var ride = new FaultRide(ferry, "ride")) {
            ride.awaitCopying("ledger");
            assertThat(ride.inject("source fast restart", () -> restartSource(Shutdown.FAST))).isEqualTo(Phase.FULL_DUMP);
            ride.awaitCopying("ledger");
            ride.inject("source immediate restart", () -> restartSource(Shutdown.IMMEDIATE));
            ride.awaitCopying("ledger");
            ride.inject("destination restart", () -> restartDestination(Shutdown.FAST));
            ride.awaitCopying("ledger");
            ride.inject("no network for 20 s", () -> {
                toSource.cutFor(Duration.ofSeconds(20));
                toDestination.cutFor(Duration.ofSeconds(20));
            });
            toSource.throttle(0);

            ride.awaitPhase(Phase.CDC, Phase.READY_FOR_PROMOTE);
            long before = writes.get();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > before + 200);
            ride.inject("source fast restart", () -> restartSource(Shutdown.FAST));
            ride.inject("source immediate restart", () -> restartSource(Shutdown.IMMEDIATE));
            ride.inject("destination restart", () -> restartDestination(Shutdown.FAST));
            ride.inject("no network for 20 s", () -> {
                toSource.cutFor(Duration.ofSeconds(20));
                toDestination.cutFor(Duration.ofSeconds(20));
            });
            ride.awaitPhase(Phase.READY_FOR_PROMOTE);
            stop.set(true);
            writer.join();

            ride.promoteAndCompare(src, destinationServer(), db.name(),
                    List.of(new TableRef(schema(db), "account"), new TableRef(schema(db), "ledger")));
        } finally {
            stop.set(true);
        }
    }
}
