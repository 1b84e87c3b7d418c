package dev.ferry.control.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    @Test
    void lagHistoryIsKeptAsLongAsTheRetentionButAWeekAtMost() {
        assertThat(RetentionPolicy.DEFAULT.lagHistoryAge()).isEqualTo(Duration.ofDays(7));
        assertThat(new RetentionPolicy(Duration.ofDays(2), 100).lagHistoryAge()).isEqualTo(Duration.ofDays(2));
    }
}
