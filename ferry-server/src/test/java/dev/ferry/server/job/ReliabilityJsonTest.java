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
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, true).toConfig().captureDdl()).isTrue();
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, null).toConfig().captureDdl()).isNull();
    }
}
