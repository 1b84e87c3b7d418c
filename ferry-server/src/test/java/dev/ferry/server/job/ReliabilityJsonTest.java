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
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, true, null, null, null, null).toConfig().captureDdl()).isTrue();
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, null, null, null, null, null).toConfig().captureDdl()).isNull();
    }

    @Test
    void keepDroppedColumnsIsAnsweredWithItsDefaultAndReadBack() {
        var kept = new ReliabilityConfig(null, null, null, null, null, null, null, null, true);
        assertThat(JobJson.ReliabilityJson.of(ReliabilityConfig.DEFAULT).keepDroppedColumns()).isFalse();
        assertThat(JobJson.ReliabilityJson.of(kept).keepDroppedColumns()).isTrue();
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, null, true, null, null, null).toConfig()).isEqualTo(kept);
        assertThat(ReliabilityConfig.DEFAULT.merge(kept).effectiveKeepDroppedColumns()).isTrue();
    }

    @Test
    void validationSettingsAreAnsweredWithTheirDefaultsAndReadBack() {
        var set = new ReliabilityConfig(null, null, null, null, null, null, null, null, null,
                dev.ferry.core.model.ValidationMode.DATA, true, 50_000L);
        var answered = JobJson.ReliabilityJson.of(ReliabilityConfig.DEFAULT);
        assertThat(answered.validation()).isEqualTo("none");
        assertThat(answered.validateOnPromote()).isFalse();
        assertThat(new JobJson.ReliabilityJson(null, null, null, null, null, null, null, null, null, "data", true, 50_000L)
                .toConfig()).isEqualTo(set);
        assertThat(ReliabilityConfig.DEFAULT.merge(set).effectiveValidateOnPromote()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JobJson.ReliabilityJson(null, null, null, null, null,
                null, null, null, null, "everything", null, null).toConfig()).hasMessageContaining("none, data, schema or full");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ReliabilityConfig(null, null, null, null, null, null,
                null, null, null, null, null, 10L)).hasMessageContaining("validationRowsPerSecond");
    }
}
