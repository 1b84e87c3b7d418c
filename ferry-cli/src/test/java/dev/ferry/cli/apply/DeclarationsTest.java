package dev.ferry.cli.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeclarationsTest {
    @TempDir
    Path dir;

    private static ConfigDocument profile(String postgresqlFields) {
        return new ConfigReader().parse("""
                connectionProfiles:
                  - name: a
                    postgresql:
                      host: h
                      username: u
                %s""".formatted(postgresqlFields.indent(6)), "ferry.yaml");
    }

    @Test
    void aPasswordComesFromTheEnvironmentVariableTheFileNames() {
        var declared = Declarations.of(profile("passwordEnv: A_PASSWORD"), dir, Map.of("A_PASSWORD", "s3cret")::get);

        assertThat(declared.profiles().getFirst().body().path("postgresql").path("password").asText()).isEqualTo("s3cret");
    }

    @Test
    void anUnsetVariableIsRefusedNamingIt() {
        assertThatThrownBy(() -> Declarations.of(profile("passwordEnv: A_PASSWORD"), dir, name -> null))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("connectionProfiles[0] (a).postgresql.passwordEnv")
                            .contains("A_PASSWORD, which is not set");
                });
    }

    @Test
    void anEmptyVariableIsRefusedRatherThanSentAsAnEmptyPassword() {
        assertThatThrownBy(() -> Declarations.of(profile("passwordEnv: A_PASSWORD"), dir, Map.of("A_PASSWORD", "")::get))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.getMessage())
                        .contains("A_PASSWORD, which is set but empty"));
    }

    @Test
    void aPasswordFileIsReadFromTheConfigurationsFolderFirstLineOnly() throws IOException {
        Files.writeString(dir.resolve("a.pw"), "from-file\nignored\n");

        var declared = Declarations.of(profile("passwordFile: a.pw"), dir, name -> null);

        assertThat(declared.profiles().getFirst().body().path("postgresql").path("password").asText()).isEqualTo("from-file");
    }

    @Test
    void bothReferencesAtOnceAreRefused() {
        assertThatThrownBy(() -> Declarations.of(profile("passwordEnv: X\npasswordFile: y"), dir, name -> "v"))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.getMessage())
                        .contains("give passwordEnv or passwordFile, not both"));
    }

    @Test
    void aNameDeclaredTwiceIsRefused() {
        var document = new ConfigReader().parse("""
                migrationJobs:
                  - {name: j, type: ONE_TIME, source: a, destination: b}
                  - {name: j, type: ONE_TIME, source: a, destination: c}
                """, "ferry.yaml");

        assertThatThrownBy(() -> Declarations.of(document, dir, name -> null))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.getMessage()).contains("declared twice"));
    }
}
