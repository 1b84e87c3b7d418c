package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import org.junit.jupiter.api.Test;

class JsonColumnsTest {

    @Test
    void performanceSettingsRoundTripWithApplyPartitions() {
        var config = new PerformanceConfig(6, 12);

        String json = JsonColumns.performanceConfig(config);

        assertThat(json).isEqualTo("{\"parallelism\":6,\"applyPartitions\":12}");
        assertThat(JsonColumns.performanceConfig(json, "migration job j")).isEqualTo(config);
    }

    @Test
    void captureDdlRoundTripsAndRowsWrittenBeforeItReadItUnset() {
        var on = new ReliabilityConfig(null, null, null, null, null, null, null, true);

        String json = JsonColumns.reliabilityConfig(on);

        assertThat(json).isEqualTo("{\"captureDdl\":true}");
        assertThat(JsonColumns.reliabilityConfig(json, "migration job j")).isEqualTo(on);
        assertThat(JsonColumns.reliabilityConfig("{\"yieldToDdl\":false}", "migration job j").captureDdl()).isNull();
    }

    @Test
    void unsetApplyPartitionsAreLeftOutAndReadBackUnset() {
        String json = JsonColumns.performanceConfig(new PerformanceConfig(4));

        assertThat(json).isEqualTo("{\"parallelism\":4}");
        assertThat(JsonColumns.performanceConfig(json, "migration job j").applyPartitions()).isNull();
    }

    @Test
    void rowsWrittenBeforeApplyPartitionsExistedReadWithTheDefault() {
        var older = JsonColumns.performanceConfig("{\"parallelism\":null}", "migration job j");
        var olderWithParallelism = JsonColumns.performanceConfig("{\"parallelism\":8}", "migration job j");

        assertThat(older).isEqualTo(PerformanceConfig.DEFAULT);
        assertThat(olderWithParallelism).isEqualTo(new PerformanceConfig(8, null));
        assertThat(olderWithParallelism.effectiveApplyPartitions(2)).isEqualTo(4);
    }

    @Test
    void anOutOfRangeStoredNumberIsReportedAsDamagedData() {
        assertThatThrownBy(() -> JsonColumns.performanceConfig("{\"parallelism\":2,\"applyPartitions\":65}", "migration job j"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("The stored data of migration job j is damaged");
    }
}
