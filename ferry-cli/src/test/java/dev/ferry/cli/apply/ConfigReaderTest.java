package dev.ferry.cli.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
    private final ConfigReader reader = new ConfigReader();

    @Test
    void readsProfilesAndJobsInTheApisShape() {
        ConfigDocument document = reader.parse("""
                connectionProfiles:
                  - name: shop-source
                    labels: {team: shop}
                    postgresql:
                      host: db1.internal
                      port: 5433
                      username: ferry
                      passwordEnv: SHOP_PASSWORD
                  - name: shop-target
                    managedInstance:
                      engine: postgresql
                      version: 10.10
                migrationJobs:
                  - name: shop
                    type: CONTINUOUS
                    source: shop-source
                    destination: shop-target
                    performanceConfig: {parallelism: 4}
                    reliabilityConfig: {faultBudget: 30m}
                    desiredState: running
                """, "ferry.yaml");

        assertThat(document.connectionProfiles()).hasSize(2);
        assertThat(document.connectionProfiles().get(0).postgresql().port()).isEqualTo(5433);
        assertThat(document.connectionProfiles().get(0).postgresql().passwordEnv()).isEqualTo("SHOP_PASSWORD");
        assertThat(document.connectionProfiles().get(1).managedInstance().version()).isEqualTo("10.10");
        assertThat(document.migrationJobs().get(0).performanceConfig().parallelism()).isEqualTo(4);
        assertThat(document.migrationJobs().get(0).reliabilityConfig().faultBudget()).isEqualTo("30m");
        assertThat(document.migrationJobs().get(0).desiredState()).isEqualTo("running");
    }

    @Test
    void malformedYamlIsRefusedWithItsLineNumber() {
        assertThatThrownBy(() -> reader.parse("""
                connectionProfiles:
                  - name: a
                    postgresql: {host: h
                  - name: b
                """, "ferry.yaml"))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("ferry.yaml line 4").contains("not valid YAML");
                });
    }

    @Test
    void aLiteralPasswordIsRefusedWithItsLineAndTheWayToReferenceIt() {
        assertThatThrownBy(() -> reader.parse("""
                connectionProfiles:
                  - name: a
                    postgresql:
                      host: h
                      username: u
                      password: hunter2-secret
                """, "ferry.yaml"))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.getMessage()).startsWith("ferry.yaml line 6")
                            .contains("connectionProfiles[0].postgresql.password holds a secret's value")
                            .contains("passwordEnv: VARIABLE or passwordFile: PATH")
                            .doesNotContain("hunter2-secret");
                });
    }

    @Test
    void anUnknownFieldIsRefusedNamingItsPlaceAndTheKnownFields() {
        assertThatThrownBy(() -> reader.parse("""
                migrationJobs:
                  - name: j
                    paralelism: 4
                """, "ferry.yaml"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.getMessage())
                        .startsWith("ferry.yaml line 3").contains("unknown field 'paralelism' in migrationJobs[0]")
                        .contains("performanceConfig"));
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingTheField() {
        assertThatThrownBy(() -> reader.parse("""
                connectionProfiles:
                  - name: a
                    postgresql:
                      port: [1, 2]
                """, "ferry.yaml"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.getMessage())
                        .startsWith("ferry.yaml line 4").contains("connectionProfiles[0].postgresql.port must be a whole number"));
    }

    @Test
    void anEmptyFileIsRefusedRatherThanReadAsDeclaringNothing() {
        assertThatThrownBy(() -> reader.parse("# nothing\n", "ferry.yaml"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.getMessage()).contains("declares nothing"));
    }
}
