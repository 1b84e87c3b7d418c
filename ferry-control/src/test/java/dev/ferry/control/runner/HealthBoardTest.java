package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.HealthStatus;
import dev.ferry.core.model.JobHealth;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthBoardTest {
    @TempDir
    Path home;

    private JdbcStore store;
    private Instant now = Instant.parse("2026-12-03T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @BeforeEach
    void open() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        store.insertJob(new MigrationJob("j", null, Map.of(), JobType.CONTINUOUS, "s", "d", null, null,
                dev.ferry.core.model.JobState.RUNNING, null, null, now, now, null, null));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theOldestConditionIsTheJobsHealthUntilEveryPartRecovers() {
        var board = new HealthBoard(store, clock);
        board.reset("j");
        assertThat(HealthBoard.read(store, "j")).hasValueSatisfying(h -> assertThat(h.status()).isEqualTo(HealthStatus.OK));

        board.reconnecting("j", "replication of shop", 1, "Connection refused | port 5432");
        now = now.plusSeconds(3);
        board.yielding("j", "shop.public.ledger", "ALTER TABLE");
        board.reconnecting("j", "replication of shop", 2, "Connection refused | port 5432");

        JobHealth health = HealthBoard.read(store, "j").orElseThrow();
        assertThat(health.status()).isEqualTo(HealthStatus.RECONNECTING);
        assertThat(health.attempts()).isEqualTo(2);
        assertThat(health.since()).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(health.lastError()).isEqualTo("Connection refused | port 5432");
        assertThat(health.subject()).isEqualTo("replication of shop");

        board.clear("j", "replication of shop");
        assertThat(HealthBoard.read(store, "j").orElseThrow().status()).isEqualTo(HealthStatus.YIELDING);

        board.clear("j", "shop.public.ledger");
        assertThat(HealthBoard.read(store, "j").orElseThrow().status()).isEqualTo(HealthStatus.OK);

        board.forget("j");
        assertThat(HealthBoard.read(store, "j")).isEmpty();
    }
}
