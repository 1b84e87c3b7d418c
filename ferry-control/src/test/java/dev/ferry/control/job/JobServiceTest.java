package dev.ferry.control.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.PerformanceConfig;
import org.junit.jupiter.api.Test;

class JobServiceTest {

    @Test
    void aPatchChangesOnlyThePerformanceSettingsItNames() {
        var current = new PerformanceConfig(8, 4);

        assertThat(JobService.merge(current, new PerformanceConfig(null, 12))).isEqualTo(new PerformanceConfig(8, 12));
        assertThat(JobService.merge(current, new PerformanceConfig(2))).isEqualTo(new PerformanceConfig(2, 4));
        assertThat(JobService.merge(current, null)).isEqualTo(current);
    }
}
