package dev.ferry.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.LagSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LagHistoryJsonTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static LagSample sample(int i, long millis, long bytes) {
        return new LagSample(T0.plusSeconds(10L * i), Duration.ofMillis(millis), bytes);
    }

    @Test
    void samplesWithinTheLimitAreAnsweredAsTheyAre() {
        var json = LagHistoryJson.of(List.of(sample(0, 1500, 10), sample(1, 0, 0)), 720);

        assertThat(json.samples()).containsExactly(new LagHistoryJson.PointJson("2026-01-01T00:00:00Z", 1.5, 10),
                new LagHistoryJson.PointJson("2026-01-01T00:00:10Z", 0.0, 0));
    }

    @Test
    void moreSamplesThanPointsAreMergedKeepingEachGroupsPeak() {
        List<LagSample> samples = IntStream.range(0, 100).mapToObj(i -> sample(i, i == 37 ? 9000 : 100, i == 52 ? 777 : 1))
                .toList();

        var points = LagHistoryJson.of(samples, 10).samples();

        assertThat(points).hasSize(10);
        assertThat(points.get(3).lagSeconds()).isEqualTo(9.0);
        assertThat(points.get(5).lagBytes()).isEqualTo(777);
        assertThat(points.getLast().time()).isEqualTo("2026-01-01T00:16:30Z");
    }
}
