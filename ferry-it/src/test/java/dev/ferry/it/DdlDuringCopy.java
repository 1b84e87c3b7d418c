package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.ObjectState;
import dev.ferry.core.model.TableRef;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The "never block the source" checks shared by both engines: a DDL and an application query issued while a table
 * copies must each finish within {@link #BOUND} (a correctness bound with a wide margin: Ferry gives way within its
 * lock wait of 2 s), and the destination must end equal to the source.
 */
final class DdlDuringCopy {
    /** How long a statement on the source may take while Ferry copies: far above the 2 s lock wait. */
    static final Duration BOUND = Duration.ofSeconds(5);

    private DdlDuringCopy() {}

    /** Waits until {@code table} of {@code job} is copying and has rows in. */
    static void awaitCopying(InProcessFerry ferry, String job, String table) {
        awaitCopying(ferry, job, table, Duration.ZERO);
    }

    /**
     * As {@link #awaitCopying(InProcessFerry, String, String)}, looking first after {@code delay} (a copy that gave
     * way starts over only once the other session's statement is done, and its old attempt may still report).
     */
    static void awaitCopying(InProcessFerry ferry, String job, String table, Duration delay) {
        await().atMost(Duration.ofSeconds(60)).pollDelay(delay).pollInterval(Duration.ofMillis(100)).until(() -> {
            JobObject o = ferry.control().jobs().objects(job).stream().filter(x -> x.table().table().equals(table))
                    .findFirst().orElse(null);
            return o != null && o.state() == ObjectState.COPYING && o.rowsCopied() > 0;
        });
    }

    /** Waits until {@code job} recorded at least {@code count} events saying the copy gave way to another session. */
    static void awaitYields(InProcessFerry ferry, String job, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> yields(ferry, job) >= count);
    }

    /** How many times {@code job} recorded that the copy gave way to another session. */
    static long yields(InProcessFerry ferry, String job) {
        return ferry.control().jobs().events(job, 500).stream().filter(e -> e.message().contains("Ferry let it through"))
                .count();
    }

    /**
     * Runs {@code sql} on its own connection to {@code db} and asserts that it finishes within {@link #BOUND}; a
     * statement still waiting then fails the test (it is left to finish in the background).
     */
    static void completesPromptly(TestDatabase db, String sql) throws Exception {
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        Callable<Void> run = () -> {
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        };
        Future<Void> done = executor.submit(run);
        long started = System.nanoTime();
        try {
            done.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("'%s' was still waiting %d ms after it was issued: Ferry blocks the source"
                    .formatted(sql, (System.nanoTime() - started) / 1_000_000), e);
        } finally {
            executor.shutdown();
        }
    }

    /** Row counts and content hashes of {@code tables} equal on both sides. */
    static void assertSameContent(DatabaseConnection source, DatabaseConnection destination, String database,
            List<TableRef> tables) {
        var engine = EngineRegistry.load().get(source.engine());
        assertThat(engine.countRows(destination, database, tables)).isEqualTo(engine.countRows(source, database, tables));
        assertThat(engine.contentHashes(destination, database, tables))
                .isEqualTo(engine.contentHashes(source, database, tables));
    }
}
