package dev.ferry.engine.postgres.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DestinationChecksTest {
    @Test
    void anExtensionTheDestinationCannotInstallIsAnErrorNamingItsDatabases() {
        var used = new TreeMap<String, Set<String>>(Map.of("postgis", Set.of("shop"), "hstore", Set.of("shop"),
                "plpgsql", Set.of("shop")));

        List<Finding> findings = DestinationChecks.missingExtensions(used, Set.of("plpgsql", "hstore", "citext"));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("MISSING_EXTENSIONS");
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.object()).isEqualTo("postgis");
            assertThat(f.message()).contains("postgis", "shop");
            assertThat(f.remedy()).contains("Install the package providing extension postgis");
        });
    }
}
