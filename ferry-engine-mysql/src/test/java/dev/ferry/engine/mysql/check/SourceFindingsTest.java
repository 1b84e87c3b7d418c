package dev.ferry.engine.mysql.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.engine.mysql.Flavor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceFindingsTest {
    private static final Grants ROOT = Grants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO `root`@`%`"));

    private static Map<String, String> good() {
        Map<String, String> v = new HashMap<>();
        v.put("log_bin", "ON");
        v.put("binlog_format", "ROW");
        v.put("binlog_row_image", "FULL");
        v.put("server_id", "1");
        v.put("expire_logs_days", "0");
        v.put("binlog_expire_logs_seconds", "0");
        return v;
    }

    private static SourceFacts facts(Flavor flavor, Map<String, String> variables, Grants grants) {
        return new SourceFacts("db1:3306", flavor, variables, grants, "'ferry'@'%'", List.of("shop"), List.of(), List.of());
    }

    private static List<String> codes(List<Finding> findings) {
        return findings.stream().map(f -> f.code() + ":" + f.severity()).toList();
    }

    @Test
    void aWellConfiguredMariaDbSourceHasNoFindings() {
        assertThat(SourceFindings.evaluate(facts(Flavor.MARIADB, good(), ROOT), true)).isEmpty();
    }

    @Test
    void continuousJobsNeedTheBinlogInRowFormatWithFullImagesAndAServerId() {
        Map<String, String> v = good();
        v.put("binlog_format", "MIXED");
        v.put("binlog_row_image", "MINIMAL");
        v.put("server_id", "0");
        v.put("binlog_expire_logs_seconds", "3600");

        List<Finding> findings = SourceFindings.evaluate(facts(Flavor.MARIADB, v, ROOT), true);

        assertThat(codes(findings)).containsExactly("BINLOG_FORMAT:ERROR", "BINLOG_ROW_IMAGE:ERROR", "SERVER_ID:ERROR",
                "BINLOG_RETENTION:WARNING");
        assertThat(findings.getFirst().remedy()).contains("SET GLOBAL binlog_format = 'ROW'");
        assertThat(SourceFindings.evaluate(facts(Flavor.MARIADB, v, ROOT), false)).isEmpty();
    }

    @Test
    void withoutBinlogOnlyTheBinlogIsReported() {
        Map<String, String> v = good();
        v.put("log_bin", "OFF");
        v.put("binlog_format", "STATEMENT");

        assertThat(codes(SourceFindings.evaluate(facts(Flavor.MARIADB, v, ROOT), true))).containsExactly("BINLOG_DISABLED:ERROR");
    }

    @Test
    void retentionComesFromSecondsOrElseDays() {
        Map<String, String> v = good();
        v.put("expire_logs_days", "0.5");
        assertThat(SourceFindings.retentionSeconds(facts(Flavor.MARIADB, v, ROOT))).isEqualTo(43_200);
        v.put("binlog_expire_logs_seconds", "2592000");
        assertThat(SourceFindings.retentionSeconds(facts(Flavor.MARIADB, v, ROOT))).isEqualTo(2_592_000);
    }

    @Test
    void mysqlReportsTheGtidMode() {
        Map<String, String> v = good();
        v.put("gtid_mode", "OFF");
        assertThat(codes(SourceFindings.evaluate(facts(Flavor.MYSQL, v, ROOT), true))).containsExactly("GTID_MODE:WARNING");
        v.put("gtid_mode", "ON");
        assertThat(codes(SourceFindings.evaluate(facts(Flavor.MYSQL, v, ROOT), true))).containsExactly("GTID_MODE:INFO");
    }

    @Test
    void missingPrivilegesAreNamedWithTheGrantThatFixesThem() {
        Grants selectOnly = Grants.parse(List.of("GRANT USAGE ON *.* TO `ferry`@`%`", "GRANT SELECT ON `shop`.* TO `ferry`@`%`"));
        SourceFacts f = new SourceFacts("db1:3306", Flavor.MARIADB, good(), selectOnly, "'ferry'@'%'", List.of("shop"),
                List.of("`shop`.`m` (MyISAM)"), List.of("`shop`.`log`"));

        List<Finding> findings = SourceFindings.evaluate(f, true);

        assertThat(codes(findings)).containsExactly("MISSING_PRIVILEGES:ERROR", "MISSING_PRIVILEGES:WARNING",
                "NON_INNODB_TABLES:WARNING", "TABLES_WITHOUT_PRIMARY_KEY:WARNING");
        assertThat(findings.get(0).message()).contains("SHOW VIEW, TRIGGER, EVENT, EXECUTE on `shop`", "REPLICATION SLAVE");
        assertThat(findings.get(0).remedy()).isEqualTo("GRANT SHOW VIEW, TRIGGER, EVENT, EXECUTE ON `shop`.* TO 'ferry'@'%';"
                + " GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'ferry'@'%';");
        assertThat(findings.get(1).message()).contains("RELOAD", "LOCK TABLES");
        assertThat(findings.get(1).remedy()).contains("GRANT RELOAD ON *.* TO 'ferry'@'%';");
        assertThat(findings.get(2).message()).contains("`shop`.`m` (MyISAM)");
        assertThat(findings.get(3).message()).contains("`shop`.`log`", "replicated changes");
    }

    @Test
    void longListsNameTheFirstTen() {
        List<String> names = java.util.stream.IntStream.range(0, 13).mapToObj(i -> "t" + i).toList();

        assertThat(SourceFindings.named(names)).endsWith("t9 and 3 more");
    }
}
