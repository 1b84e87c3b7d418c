package dev.ferry.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.CliRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --parallelism} is checked before anything is sent or started. */
class ParallelismOptionTest {
    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "257"})
    void createRefusesAParallelismOutsideOneTo256(String parallelism) {
        // Refused before any call: no server listens on port 1, so a call would fail with exit 1, not 2.
        CliRun result = CliRun.ferry("migration-jobs", "create", "j", "--type", "one-time", "--source", "s", "--destination", "d",
                "--parallelism", parallelism, "--server", "http://127.0.0.1:1");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Invalid value for option '--parallelism': " + parallelism
                + " copy sessions are not possible; use 1 to 256, or leave the option out for the default (from the cores available)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void migrateRefusesZeroOrNegativeParallelism(String parallelism) {
        CliRun result = CliRun.ferry("migrate", "--source", "postgresql://u@127.0.0.1:1/shop", "--destination",
                "postgresql://u@127.0.0.1:1/postgres", "--parallelism", parallelism);

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Invalid value for option '--parallelism': " + parallelism + " copy sessions are not possible");
    }

    @ParameterizedTest
    @ValueSource(strings = {"many", "1.5"})
    void refusesAValueThatIsNotANumber(String parallelism) {
        CliRun result = CliRun.ferry("migrate", "--source", "postgresql://u@127.0.0.1:1/shop", "--destination",
                "postgresql://u@127.0.0.1:1/postgres", "--parallelism", parallelism);

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("'" + parallelism + "' is not a number of copy sessions; use 1 to 256");
    }
}
