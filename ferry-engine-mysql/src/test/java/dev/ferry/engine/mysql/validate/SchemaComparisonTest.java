package dev.ferry.engine.mysql.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.Finding;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaComparisonTest {
    @Test
    void definitionsPrintedDifferentlyByOtherVersionsCompareEqual() {
        assertThat(SchemaComparison.columnType("int(11) unsigned")).isEqualTo(SchemaComparison.columnType("int unsigned"));
        assertThat(SchemaComparison.columnType("varchar(20)")).isEqualTo("varchar(20)");
        assertThat(SchemaComparison.columnDefault("'it''s'")).isEqualTo(SchemaComparison.columnDefault("it's"));
        assertThat(SchemaComparison.columnDefault(null)).isEqualTo(SchemaComparison.columnDefault("NULL"));
        assertThat(SchemaComparison.columnDefault("current_timestamp()")).isEqualTo(SchemaComparison.columnDefault("CURRENT_TIMESTAMP"));
        assertThat(SchemaComparison.columnDefault("current_timestamp(6)")).isEqualTo("current_timestamp(6)");
        assertThat(SchemaComparison.extra("DEFAULT_GENERATED on update CURRENT_TIMESTAMP"))
                .isEqualTo(SchemaComparison.extra("on update current_timestamp()"));
        assertThat(SchemaComparison.whitespace(" select\n  1 ")).isEqualTo("select 1");
        assertThat(SchemaComparison.createOptions("row_format=DYNAMIC partitioned")).isEqualTo("row_format=DYNAMIC");
        assertThat(SchemaComparison.charsetName("utf8")).isEqualTo(SchemaComparison.charsetName("utf8mb3"));
        assertThat(SchemaComparison.charsetName("utf8_general_ci")).isEqualTo("utf8mb3_general_ci");
        assertThat(SchemaComparison.charsetName("utf8mb4_general_ci")).isEqualTo("utf8mb4_general_ci");
        assertThat(SchemaComparison.charsetName("latin1")).isNotEqualTo(SchemaComparison.charsetName("utf8mb4"));
    }

    @Test
    void eachObjectMissingOrDifferingIsOneFinding() {
        var findings = SchemaComparison.differences(
                Map.of("column d.t.a", Map.of("default", "1", "type", "int"), "index d.t.i", Map.of("unique", "no")),
                Map.of("column d.t.a", Map.of("default", "2", "type", "int"), "view d.v", Map.of("definition", "x")));

        assertThat(findings).extracting(Finding::object).containsExactly("column d.t.a", "index d.t.i", "view d.v");
        assertThat(findings.getFirst().message()).isEqualTo(
                "column d.t.a differs: default is '1' on the source but '2' on the destination");
        assertThat(findings.get(1).message()).contains("exists on the source but not on the destination");
        assertThat(findings.get(2).message()).contains("exists on the destination but not on the source");
    }

    @Test
    void privilegesAreComparedOnlyForAccountsBothServersHaveOtherThanTheUsersConnected() {
        Map<String, String> select = Map.of("privileges", "SELECT", "grant option", "no");
        var source = new SchemaComparison.Side(Map.of(
                "privileges of app@% on d.*", select, "privileges of gone@% on d.*", select,
                "privileges of ferry@% on d.*", select, "table d.t", Map.of("engine", "InnoDB")),
                Map.of("privileges of app@% on d.*", "app@%", "privileges of gone@% on d.*", "gone@%",
                        "privileges of ferry@% on d.*", "ferry@%"),
                java.util.Set.of("app@%", "gone@%", "ferry@%", "report@localhost"), "ferry@%");
        var destination = new SchemaComparison.Side(Map.of(
                "privileges of report@localhost on d.t.c", select, "table d.t", Map.of("engine", "InnoDB")),
                Map.of("privileges of report@localhost on d.t.c", "report@localhost"),
                java.util.Set.of("app@%", "report@localhost", "ferry@%"), "admin@localhost");

        var findings = SchemaComparison.differences(source.comparable(destination), destination.comparable(source));

        assertThat(findings).extracting(Finding::object)
                .containsExactly("privileges of app@% on d.*", "privileges of report@localhost on d.t.c");
        assertThat(findings.getFirst().message()).isEqualTo(
                "privileges of app@% on d.* are granted on the source but not on the destination");
        assertThat(findings.get(1).message()).endsWith("are granted on the destination but not on the source");
        var unknown = new SchemaComparison.Side(destination.objects(), destination.grantees(), null, "admin@localhost");
        assertThat(SchemaComparison.differences(source.comparable(unknown), unknown.comparable(source))).isEmpty();
    }
}
