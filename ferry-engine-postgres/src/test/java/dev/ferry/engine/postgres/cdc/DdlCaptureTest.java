package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DdlCaptureTest {

    @Test
    void namesDeriveFromThePublicationAndFitPostgresIdentifiers() {
        var shortNames = DdlCapture.names(ReplicationNames.of("inst", "orders", "shop"));
        var longNames = DdlCapture.names(ReplicationNames.of("inst", "a-very-long-job-name-".repeat(4), "shop"));
        var otherLong = DdlCapture.names(ReplicationNames.of("inst", "a-very-long-job-name-".repeat(4) + "2", "shop"));

        assertThat(shortNames.table()).startsWith("ddl_ferry_inst_orders_");
        assertThat(shortNames.commandTrigger()).endsWith("_ddl");
        assertThat(shortNames.dropTrigger()).endsWith("_drop");
        for (var names : List.of(shortNames, longNames, otherLong)) {
            assertThat(List.of(names.table(), names.function(), names.guard(), names.commandTrigger(), names.dropTrigger()))
                    .allSatisfy(n -> assertThat(n.length()).isLessThanOrEqualTo(ReplicationNames.MAX_LENGTH))
                    .doesNotHaveDuplicates();
        }
        assertThat(longNames.table()).isNotEqualTo(otherLong.table());
        assertThat(longNames.commandTrigger()).isNotEqualTo(otherLong.commandTrigger());
    }

    @Test
    void textArraysReadPlainQuotedAndEscapedElements() {
        assertThat(DdlCapture.textArray("{}")).isEmpty();
        assertThat(DdlCapture.textArray("{public,other}")).containsExactly("public", "other");
        assertThat(DdlCapture.textArray("{\"My Schema\",\"a,b\",\"q\\\"x\"}")).containsExactly("My Schema", "a,b", "q\"x");
        assertThat(DdlCapture.textArray("{NULL,\"NULL\"}")).isEqualTo(Arrays.asList(null, "NULL"));
    }

    @Test
    void indexStatementsReplayWithoutConcurrentlyAndOthersAsCaptured() {
        var index = new CapturedDdl(1, "CREATE INDEX", "public.i", List.of("public"), "public",
                "CREATE INDEX CONCURRENTLY i ON t (v)");
        var other = new CapturedDdl(2, "COMMENT", "public.t", List.of("public"), "public",
                "COMMENT ON TABLE t IS 'built concurrently'");

        assertThat(index.replayed()).isEqualTo("CREATE INDEX  i ON t (v)");
        assertThat(other.replayed()).isEqualTo(other.statement());
    }

    @Test
    void theFunctionRecordsTheJobAsALiteralAndSkipsFerrysOwnSessionsAndSchema() {
        String sql = DdlCapture.functionSql("\"ferry\".\"capture_x\"", "\"ferry\".\"ddl_x\"", "it's");

        assertThat(sql).contains("'it''s'", "current_setting('application_name', true) = 'ferry'",
                "IS DISTINCT FROM 'ferry'", "TG_TAG NOT LIKE 'DROP %'", "current_query()");
    }
}
