package dev.ferry.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReliabilityConfigTest {

    @Test
    void unsetFieldsTakeTheDocumentedDefaults() {
        ReliabilityConfig c = ReliabilityConfig.DEFAULT;
        assertThat(c.effectiveFaultBudget()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.effectiveStallTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.effectiveLockWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.effectiveYieldToDdl()).isTrue();
        assertThat(c.effectiveOnDivergence()).isEqualTo(DivergencePolicy.FAIL);
        assertThat(c.effectiveCaptureDdl()).isFalse();
    }

    @Test
    void captureDdlIsOnlyOnWhenSetAndAPatchCanTurnIt() {
        var on = new ReliabilityConfig(null, null, null, null, null, null, null, true);
        assertThat(on.effectiveCaptureDdl()).isTrue();
        assertThat(on.merge(ReliabilityConfig.DEFAULT).effectiveCaptureDdl()).isTrue();
        assertThat(on.merge(new ReliabilityConfig(null, null, null, null, null, null, null, false)).effectiveCaptureDdl()).isFalse();
        assertThat(new ReliabilityConfig(null, null, null, null, null, null, null)).isEqualTo(ReliabilityConfig.DEFAULT);
    }

    @Test
    void durationsReadTheShortAndTheIsoForms() {
        assertThat(ReliabilityConfig.parseDuration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ReliabilityConfig.parseDuration("x", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ReliabilityConfig.parseDuration("x", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ReliabilityConfig.parseDuration("x", "15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(ReliabilityConfig.parseDuration("x", "1H")).isEqualTo(Duration.ofHours(1));
        assertThat(ReliabilityConfig.parseDuration("x", "30d")).isEqualTo(Duration.ofDays(30));
        assertThat(ReliabilityConfig.parseDuration("x", "PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ReliabilityConfig.parseDuration("x", " ")).isNull();
        for (String d : new String[] {"15m", "2s", "1500ms", "1h"}) {
            assertThat(ReliabilityConfig.formatDuration(ReliabilityConfig.parseDuration("x", d))).isEqualTo(d);
        }
    }

    @Test
    void aBadDurationNamesTheSettingAndTheForm() {
        assertThatThrownBy(() -> ReliabilityConfig.parseDuration("--lock-wait", "two seconds"))
                .isInstanceOf(FerryException.class)
                .hasMessageContaining("--lock-wait 'two seconds' is not a duration")
                .satisfies(e -> assertThat(((FerryException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThatThrownBy(() -> new ReliabilityConfig(null, Duration.ofMillis(10), null, null, null, null, null))
                .hasMessageContaining("stallTimeout 10ms is out of range");
        assertThatThrownBy(() -> new ReliabilityConfig(null, null, null, null, null, 0, null))
                .hasMessageContaining("maxSourceConnections 0");
        assertThatThrownBy(() -> new ReliabilityConfig(null, null, null, null, null, null, 10L))
                .hasMessageContaining("readBytesPerSecond 10 is too small");
    }

    @Test
    void mergeTakesOnlyWhatThePatchSets() {
        var base = new ReliabilityConfig(Duration.ofMinutes(5), null, false, null, DivergencePolicy.RECORD, 4, null);
        var patch = new ReliabilityConfig(null, Duration.ofSeconds(30), null, null, null, null, 2048L);
        var merged = base.merge(patch);
        assertThat(merged).isEqualTo(new ReliabilityConfig(Duration.ofMinutes(5), Duration.ofSeconds(30), false, null,
                DivergencePolicy.RECORD, 4, 2048L));
        assertThat(base.merge(null)).isSameAs(base);
    }
}
