package dev.ferry.engine.mysql.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollationDefaultsFindingTest {
    @Test
    void sameMappingsInAnyOrderOrCaseAreNoFinding() {
        assertThat(CollationDefaultsFinding.evaluate("d:1", "", "", List.of("`a`.`f`.x utf8mb4"))).isEmpty();
        assertThat(CollationDefaultsFinding.evaluate("d:1", "utf8mb4=utf8mb4_uca1400_ai_ci,utf8mb3=utf8mb3_uca1400_ai_ci",
                "UTF8MB3=utf8mb3_uca1400_ai_ci, utf8mb4=utf8mb4_uca1400_ai_ci", List.of("`a`.`f`.x utf8mb4"))).isEmpty();
    }

    @Test
    void anUpgradeToNewDefaultsWarnsNamingTheParametersOfRemappedCharacterSets() {
        var finding = CollationDefaultsFinding.evaluate("d:1", "", "utf8mb4=utf8mb4_uca1400_ai_ci",
                List.of("`a`.`f`.x utf8mb4", "`a`.`g`.y latin1")).orElseThrow();
        assertThat(finding.code()).isEqualTo("COLLATION_DEFAULTS_DIFFER");
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.message()).contains("d:1", "'utf8mb4=utf8mb4_uca1400_ai_ci' against ''", "(1: `a`.`f`.x)")
                .doesNotContain("`g`");
    }

    @Test
    void withoutAffectedParametersItIsOnlyInformation() {
        var finding = CollationDefaultsFinding.evaluate("d:1", "", "utf8mb4=utf8mb4_uca1400_ai_ci",
                List.of("`a`.`g`.y latin1")).orElseThrow();
        assertThat(finding.severity()).isEqualTo(Severity.INFO);
        assertThat(finding.message()).contains("No routine parameter");
    }
}
