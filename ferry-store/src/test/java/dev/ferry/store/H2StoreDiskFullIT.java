package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Severity;
import dev.ferry.testkit.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Do no harm: Ferry's home on a full disk. Writing to the embedded store then fails with a clear error that names
 * the full disk, and nothing is corrupt: once there is space again, the same store takes writes again (no restart
 * needed), and it opens afterwards with everything committed before. Needs root (a tmpfs of its own); skipped otherwise.
 */
class H2StoreDiskFullIT {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @Timeout(120)
    void aFullHomeIsAClearErrorAndLosesNothingCommitted() throws Exception {
        Optional<SmallDisk> mounted = SmallDisk.mount(16, null);
        Assumptions.assumeTrue(mounted.isPresent(), "needs root and mount (tmpfs) for a small disk");
        try (SmallDisk disk = mounted.get()) {
            Path home = Files.createDirectories(disk.path().resolve("home"));
            StoreConfig config = StoreConfig.embedded(home);
            Store store = JdbcStore.open(config);
            FerryException failure = null;
            int committed = 0;
            try {
                store.insertProfile(StoreContract.profile("src", StoreContract.pgConnection("s3cret")));
                store.insertProfile(StoreContract.profile("dest", StoreContract.pgConnection("s3cret")));
                store.insertJob(StoreContract.job("move"));
                store.putCheckpoint("move", "table/\"shop\".\"public\".\"ledger\"", "done@pg:0/16B3748");

                Path filler = disk.fill("filler");
                String padding = "x".repeat(4000);
                for (int i = 0; i < 100_000 && failure == null; i++) {
                    try {
                        store.appendEvent("move", NOW, Severity.INFO, "event " + i + " " + padding);
                        committed = i + 1;
                    } catch (FerryException e) {
                        failure = e;
                    }
                }
                assertThat(failure).as("writing to a full disk fails").isNotNull();
                assertThat(failure.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                assertThat(failure.getMessage()).contains("the disk holding it is full").contains(home.toString())
                        .contains("free space there");
                // Every later write says the same, however the embedded database took the failure.
                FerryException again = null;
                try {
                    store.putCheckpoint("move", "health", "{}");
                } catch (FerryException e) {
                    again = e;
                }
                if (again != null) {
                    assertThat(again.getMessage()).as("a later write's error").contains("the disk holding it is full");
                }

                // Space again: the same store takes writes, without a restart of Ferry.
                Files.delete(filler);
                store.putCheckpoint("move", "health", "{\"status\":\"OK\"}");
                assertThat(store.checkpoint("move", "health")).contains("{\"status\":\"OK\"}");
                assertThat(store.checkpoint("move", "table/\"shop\".\"public\".\"ledger\"")).contains("done@pg:0/16B3748");
            } finally {
                store.close();
            }

            Store reopened = JdbcStore.open(config);
            try {
                assertThat(reopened.findJob("move")).isPresent();
                assertThat(reopened.checkpoint("move", "table/\"shop\".\"public\".\"ledger\"")).contains("done@pg:0/16B3748");
                assertThat(reopened.checkpoint("move", "health")).contains("{\"status\":\"OK\"}");
                assertThat(reopened.findProfile("src")).isPresent();
                // Each event whose write returned is there (the store may keep the one that failed, too).
                assertThat(reopened.listEvents("move", 100_000).size()).isBetween(committed, committed + 1);
                reopened.appendEvent("move", NOW, Severity.INFO, "space again");
                reopened.putCheckpoint("move", "after", "yes");
                assertThat(reopened.checkpoint("move", "after")).contains("yes");
            } finally {
                reopened.close();
            }
        }
    }
}
