package dev.ferry.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.ReliabilityConfig;
import org.junit.jupiter.api.Test;

class ReliabilityJsonTest {

    @Test
    void captureDdlIsAnsweredWithItsDefaultAndReadBack() {
        var off = JobJson.ReliabilityJson.of(ReliabilityConfig.DEFAULT);
        var on = JobJson.ReliabilityJson.of(new ReliabilityConfig(null, null, null, null, null, null, null, true));

        assertThat(off.captureDdl()).isFalse();
        assertThat(on.captureDdl()).isTrue();
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, true, null).toConfig().captureDdl()).isTrue();
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, null, null).toConfig().captureDdl()).isNull();
    }

    @Test
    void keepDroppedColumnsIsAnsweredWithItsDefaultAndReadBack() {
        var kept = new ReliabilityConfig(null, null, null, null, null, null, null, null, true);
        assertThat(JobJson.ReliabilityJson.of(ReliabilityConfig.DEFAULT).keepDroppedColumns()).isFalse();
        assertThat(JobJson.ReliabilityJson.of(kept).keepDroppedColumns()).isTrue();
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, null, true).toConfig()).isEqualTo(kept);
        assertThat(ReliabilityConfig.DEFAULT.merge(kept).effectiveKeepDroppedColumns()).isTrue();
    }
}
