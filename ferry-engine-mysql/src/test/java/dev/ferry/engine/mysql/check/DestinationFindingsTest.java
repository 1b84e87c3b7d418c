package dev.ferry.engine.mysql.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DestinationFindingsTest {
    private static final Grants LOADER = Grants.parse(List.of("GRANT ALL PRIVILEGES ON `shop`.* TO `loader`@`%`"));

    @Test
    void aReadyDestinationHasNoFindings() {
        var f = new DestinationFacts("d:3306", true, true, false, Grants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO `root`@`%`")),
                "'root'@'%'", Map.of(), true, 3);

        assertThat(DestinationFindings.evaluate(f)).isEmpty();
    }

    @Test
    void reportsLocalInfileMissingDefinersAndFunctionCreatorsWithTheirRemedies() {
        var f = new DestinationFacts("d:3306", false, true, false, LOADER, "'loader'@'%'",
                Map.of("'ghost'@'%'", List.of("view `shop`.`v`", "procedure `shop`.`p`")), true, 2);

        List<Finding> findings = DestinationFindings.evaluate(f);

        assertThat(findings).extracting(Finding::code).containsExactly("LOCAL_INFILE_DISABLED", "MISSING_DEFINERS",
                "BINLOG_TRUST_FUNCTION_CREATORS");
        assertThat(findings).extracting(Finding::severity).containsExactly(Severity.WARNING, Severity.ERROR, Severity.ERROR);
        assertThat(findings.get(0).remedy()).startsWith("SET GLOBAL local_infile = 1;");
        assertThat(findings.get(1).message()).contains("'ghost'@'%' (view `shop`.`v`, procedure `shop`.`p`)");
        assertThat(findings.get(1).remedy()).startsWith("CREATE USER 'ghost'@'%' ACCOUNT LOCK;");
        assertThat(findings.get(2).remedy()).contains("SET GLOBAL log_bin_trust_function_creators = 1;");
    }

    @Test
    void noBinlogOrTrustedCreatorsOrNothingToCreateMeansNoFunctionFinding() {
        for (var f : List.of(
                new DestinationFacts("d", true, false, false, LOADER, "'l'@'%'", Map.of(), true, 5),
                new DestinationFacts("d", true, true, true, LOADER, "'l'@'%'", Map.of(), true, 5),
                new DestinationFacts("d", true, true, false, LOADER, "'l'@'%'", Map.of(), true, 0))) {
            assertThat(DestinationFindings.evaluate(f)).isEmpty();
        }
    }

    @Test
    void anUnreadableAccountListIsAWarning() {
        var f = new DestinationFacts("d", true, false, false, LOADER, "'l'@'%'", Map.of(), false, 0);

        assertThat(DestinationFindings.evaluate(f)).singleElement()
                .satisfies(x -> assertThat(x.code() + ":" + x.severity()).isEqualTo("MISSING_DEFINERS:WARNING"));
    }
}
