package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.TableRef;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingBatchTest {
    private static final TableRef T = new TableRef("public", "t");
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void aBatchCommitsOnlyAtTheEndOfASourceTransaction() {
        var batch = new PendingBatch(2, 100);
        batch.begin(T0, 0);
        batch.countRow(T);
        batch.countRow(T);
        batch.countRow(T);
        assertThat(batch.shouldCommit(1_000)).isFalse();
        assertThat(batch.isEmpty()).isTrue();
        batch.committed(500, T0);
        assertThat(batch.shouldCommit(1)).isTrue();
        assertThat(batch.rowsByTable()).containsEntry(T, 3L);
    }

    @Test
    void aBatchCommitsAfterItsTimeLimitEvenWithFewRows() {
        var batch = new PendingBatch(1_000, 100);
        batch.begin(T0, 1_000);
        batch.countRow(T);
        batch.committed(500, T0);
        assertThat(batch.shouldCommit(1_050)).isFalse();
        assertThat(batch.shouldCommit(1_100)).isTrue();
    }

    @Test
    void theOldestPendingCommitTimeIsTheFirstTransactionsAndResetClearsIt() {
        var batch = new PendingBatch(1_000, 100);
        batch.begin(T0, 0);
        batch.committed(10, T0);
        batch.begin(T0.plusSeconds(5), 1);
        batch.committed(20, T0.plusSeconds(5));
        assertThat(batch.oldestCommitTime()).isEqualTo(T0);
        assertThat(batch.lastEndLsn()).isEqualTo(20);
        assertThat(batch.lastCommitTime()).isEqualTo(T0.plusSeconds(5));
        batch.reset();
        assertThat(batch.oldestCommitTime()).isNull();
        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.rowsByTable()).isEmpty();
    }

    @Test
    void lagIsZeroWhenIdleAndTheAgeOfTheOldestPendingTransactionOtherwise() {
        Instant now = T0.plusSeconds(30);
        assertThat(LagMeter.lag(now, null, false, T0)).isEqualTo(Duration.ZERO);
        assertThat(LagMeter.lag(now, T0.plusSeconds(10), true, T0)).isEqualTo(Duration.ofSeconds(20));
        assertThat(LagMeter.lag(now, null, true, T0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(LagMeter.lag(now, now.plusSeconds(3), false, null)).isEqualTo(Duration.ZERO);
        assertThat(LagMeter.bytes(100, 160)).isZero();
        assertThat(LagMeter.bytes(160, 100)).isEqualTo(60);
    }
}
