package dev.ferry.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.PipelineStats;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobJsonTest {
    private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");
    private final Json json = new Json();
    private final ObjectMapper mapper = new ObjectMapper();

    private JobJson read(String body) {
        return json.read(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8), JobJson.class);
    }

    private JsonNode written(JobJson answer) throws Exception {
        return mapper.readTree(json.write(answer));
    }

    private static MigrationJob job(PerformanceConfig performance) {
        return new MigrationJob("follow", null, Map.of(), JobType.CONTINUOUS, "s", "d", null, performance, JobState.RUNNING,
                null, null, T, T, null, null);
    }

    @Test
    void applyPartitionsTravelFromTheCreateBodyToTheJobAndBack() throws Exception {
        var request = read("{'type': 'CONTINUOUS', 'source': 's', 'destination': 'd', "
                + "'performanceConfig': {'parallelism': 4, 'applyPartitions': 6}}").toRequest("follow");

        assertThat(request.performanceConfig()).isEqualTo(new PerformanceConfig(4, 6));
        JsonNode answer = written(JobJson.of(job(request.performanceConfig()), T));
        assertThat(answer.path("performanceConfig").toString()).isEqualTo("{\"parallelism\":4,\"applyPartitions\":6}");
    }

    @Test
    void aPatchMayNameApplyPartitionsAlone() {
        var patch = read("{'performanceConfig': {'applyPartitions': 64}}").toPatch();

        assertThat(patch.performanceConfig()).isEqualTo(new PerformanceConfig(null, 64));
    }

    @Test
    void unsetApplyPartitionsAreAnsweredUnset() throws Exception {
        JsonNode answer = written(JobJson.of(job(PerformanceConfig.DEFAULT), T));

        assertThat(answer.path("performanceConfig").has("applyPartitions")).isFalse();
        assertThat(answer.has("pipeline")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65})
    void refusesApplyPartitionsOutsideOneToSixtyFourNamingTheFieldAndTheDefault(int partitions) {
        var body = read("{'type': 'CONTINUOUS', 'source': 's', 'destination': 'd', "
                + "'performanceConfig': {'applyPartitions': " + partitions + "}}");

        assertThatThrownBy(() -> body.toRequest("follow"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessage("performanceConfig.applyPartitions %d is out of range; use 1 to 64, or leave it out for the default "
                        + "(twice the cores, 2 to 8)", partitions);
        assertThatThrownBy(() -> read("{'performanceConfig': {'applyPartitions': " + partitions + "}}").toPatch())
                .isInstanceOf(FerryException.class).hasMessageContaining("performanceConfig.applyPartitions");
    }

    @Test
    void answersEachDatabasesPipelineWithPartitionLag() throws Exception {
        var stats = new PipelineStats(120, 65_536, 32L << 20, 10_000, 9_000, 6_000, 512.34, 498.76, 42, 250, 3, List.of(
                new PipelineStats.Partition(0, "pg:0/16B3748", T.minusMillis(1_500)),
                new PipelineStats.Partition(1, "pg:0/16B3748 +7 of 733", null)));
        var reports = List.of(new PipelineSnapshot("shop", stats, T, false));

        JsonNode pipeline = written(JobJson.of(job(PerformanceConfig.DEFAULT), T).withPipeline(reports)).path("pipeline");

        assertThat(pipeline).hasSize(1);
        JsonNode shop = pipeline.get(0);
        assertThat(shop.path("database").asText()).isEqualTo("shop");
        assertThat(shop.path("measureTime").asText()).isEqualTo("2026-12-03T10:00:00Z");
        assertThat(shop.path("caughtUp").asBoolean()).isFalse();
        assertThat(shop.path("queueEvents").asInt()).isEqualTo(120);
        assertThat(shop.path("queueBytes").asLong()).isEqualTo(65_536);
        assertThat(shop.path("queueCapacityBytes").asLong()).isEqualTo(32L << 20);
        assertThat(shop.path("rowsRead").asLong()).isEqualTo(10_000);
        assertThat(shop.path("rowsApplied").asLong()).isEqualTo(9_000);
        assertThat(shop.path("rowsWritten").asLong()).isEqualTo(6_000);
        assertThat(shop.path("readRowsPerSecond").asDouble()).isEqualTo(512.3);
        assertThat(shop.path("applyRowsPerSecond").asDouble()).isEqualTo(498.8);
        assertThat(shop.path("compaction").asDouble()).isEqualTo(0.3333);
        assertThat(shop.path("batches").asLong()).isEqualTo(42);
        assertThat(shop.path("lastBatchRows").asLong()).isEqualTo(250);
        assertThat(shop.path("inOrderBatches").asLong()).isEqualTo(3);
        assertThat(shop.path("partitions").toString()).isEqualTo("[{\"number\":0,\"position\":\"pg:0/16B3748\","
                + "\"commitTime\":\"2026-12-03T09:59:58.500Z\",\"lagSeconds\":1.5},"
                + "{\"number\":1,\"position\":\"pg:0/16B3748 +7 of 733\"}]");
    }

    @Test
    void answersTheLastSchemaComparisonPerDatabaseAndNothingBeforeOne() throws Exception {
        var compared = List.of(new dev.ferry.control.runner.SchemaStatus("shop", 2, 1, T));

        JsonNode schema = written(JobJson.of(job(PerformanceConfig.DEFAULT), T).withSchema(compared)).path("schema");
        JsonNode none = written(JobJson.of(job(PerformanceConfig.DEFAULT), T).withSchema(List.of()));

        assertThat(schema.toString()).isEqualTo("[{\"database\":\"shop\",\"pending\":2,\"unreconcilable\":1,"
                + "\"checkTime\":\"2026-12-03T10:00:00Z\"}]");
        assertThat(none.has("schema")).isFalse();
    }

    @Test
    void aJobAnswerSentBackWithItsPipelineIsAcceptedAndThePipelineIgnored() throws Exception {
        var stats = new PipelineStats(0, 0, 1024, 0, 0, 0, 0, 0, 0, 0, 0, List.of());
        byte[] answer = json.write(JobJson.of(job(new PerformanceConfig(2, 3)), T)
                .withPipeline(List.of(new PipelineSnapshot("shop", stats, T, true))));

        var patch = json.read(answer, JobJson.class);

        assertThat(patch.pipeline()).hasSize(1);
        assertThat(patch.toRequest("follow").performanceConfig()).isEqualTo(new PerformanceConfig(2, 3));
    }
}
