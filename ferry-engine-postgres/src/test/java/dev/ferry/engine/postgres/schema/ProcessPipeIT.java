package dev.ferry.engine.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProcessPipeIT {
    @Test
    void aFailingProducerKillsTheConsumerInsteadOfEndingItsInput() throws Exception {
        var producer = new ProcessBuilder("sh", "-c", "echo partial; echo 'pg_dump: error: boom' >&2; exit 1");
        // Exits 0 only when its input ends normally, as psql would after committing.
        var consumer = new ProcessBuilder("sh", "-c", "cat > /dev/null; exit 0");

        var outcome = ProcessPipe.run(producer, consumer);

        assertThat(outcome.producerExit()).isEqualTo(1);
        assertThat(outcome.producerErrors()).contains("boom");
        assertThat(outcome.consumerExit()).isNotZero();
        assertThat(outcome.consumerStoppedFirst()).isFalse();
    }

    @Test
    void aConsumerThatStopsEarlyStopsTheProducerAndIsBlamed() throws Exception {
        var producer = new ProcessBuilder("sh", "-c", "yes ferry");
        var consumer = new ProcessBuilder("sh", "-c", "head -c 10 > /dev/null; echo 'ERROR: bad statement' >&2; exit 3");

        var outcome = ProcessPipe.run(producer, consumer);

        assertThat(outcome.consumerStoppedFirst()).isTrue();
        assertThat(outcome.consumerExit()).isEqualTo(3);
        assertThat(outcome.consumerErrors()).contains("bad statement");
    }

    @Test
    void aSuccessfulPipeDeliversEverythingAndEndsTheInput() throws Exception {
        var producer = new ProcessBuilder("sh", "-c", "seq 1 200000");
        var consumer = new ProcessBuilder("sh", "-c", "test \"$(wc -l)\" -eq 200000");

        var outcome = ProcessPipe.run(producer, consumer);

        assertThat(outcome.producerExit()).isZero();
        assertThat(outcome.consumerExit()).isZero();
        assertThat(outcome.consumerStoppedFirst()).isFalse();
    }
}
