package dev.ferry.engine.postgres.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.FailureKind;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgFailures;
import dev.ferry.testkit.FaultProxy;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Do no harm, stalls: a destination that stops taking bytes in the middle of a COPY (a stalled network, a hung
 * server) blocks the writing thread, and writes have no socket timeout. The copy must fail as a lost connection
 * within the stall timeout instead of hanging for as long as the stall lasts.
 */
class TableCopierStallIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    private static final TableRef LEDGER = new TableRef("public", "ledger");

    @Test
    @Timeout(60)
    void aCopyIntoAStalledDestinationFailsWithinTheStallTimeout() throws Exception {
        TestDatabase source = pg.freshDatabase();
        TestDatabase destination = pg.freshDatabase();
        // About 40 MB: more than the socket buffers between the copy and the stalled proxy hold.
        source.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, note text NOT NULL)",
                "INSERT INTO ledger SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 250000) g");
        destination.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, note text NOT NULL)");
        var stalled = new AtomicBoolean();
        try (FaultProxy proxy = FaultProxy.to(destination.connection());
                Connection src = PgConnector.open(source.connection());
                // Plain TCP: over TLS the driver cannot end a write blocked on a stalled peer (closing a TLS socket
                // waits for the writer's lock), a limit the README states.
                Connection dst = PgConnector.open(proxy.through(destination.connection())
                        .withTls(dev.ferry.core.model.TlsMode.DISABLE, null))) {
            src.setAutoCommit(false);
            var copier = new TableCopier(new TableCopier.Side(src, source.connection()),
                    new TableCopier.Side(dst, destination.connection()), Duration.ofSeconds(3));
            // Once rows flow, the destination stops taking bytes for longer than the test may run.
            var meter = new CopyMeter((rows, bytes) -> {
                if (stalled.compareAndSet(false, true)) {
                    proxy.stallFor(Duration.ofMinutes(5));
                }
            }, Clock.systemUTC(), 0);
            long started = System.nanoTime();

            Throwable failure = catchThrowable(() -> copier.copy(new TableCopier.Load(LEDGER, List.of("id", "note"),
                    CopyFormat.BINARY, new CopyRange.Whole(), false, List.of()), meter));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(stalled).isTrue();
            assertThat(failure).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.getMessage()).contains("while loading table public.ledger")
                        .contains("moved no byte for 3 s (stalled connection)");
            });
            assertThat(PgFailures.classify(failure)).isEqualTo(FailureKind.TRANSIENT);
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            proxy.heal();
        }
        assertThat(destination.queryLong("SELECT count(*) FROM ledger")).as("the failed load left nothing").isZero();
    }
}
