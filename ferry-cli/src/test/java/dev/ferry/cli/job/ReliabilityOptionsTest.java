package dev.ferry.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReliabilityOptionsTest {

    @Test
    void captureDdlIsOffUnlessTheFlagIsGivenAndThenReachesTheJobBody() {
        var none = CommandLine.populateCommand(new ReliabilityOptions());
        var given = CommandLine.populateCommand(new ReliabilityOptions(), "--capture-ddl");
        var body = new ObjectMapper().createObjectNode();

        given.putInto(body);

        assertThat(none.toConfig().captureDdl()).isNull();
        assertThat(none.toConfig().effectiveCaptureDdl()).isFalse();
        assertThat(given.toConfig().effectiveCaptureDdl()).isTrue();
        assertThat(body.path("reliabilityConfig").path("captureDdl").asBoolean(false)).isTrue();
    }

    @Test
    void describeMentionsTheCaptureOnlyWhenItIsOn() throws Exception {
        var mapper = new ObjectMapper();
        String base = "{\"faultBudget\":\"15m\",\"stallTimeout\":\"60s\",\"yieldToDdl\":true,\"lockWait\":\"2s\","
                + "\"onDivergence\":\"FAIL\"";

        assertThat(JobView.reliability(mapper.readTree(base + ",\"captureDdl\":true}"))).endsWith(", DDL captured on the source");
        assertThat(JobView.reliability(mapper.readTree(base + ",\"captureDdl\":false}"))).doesNotContain("DDL captured");
    }
}
