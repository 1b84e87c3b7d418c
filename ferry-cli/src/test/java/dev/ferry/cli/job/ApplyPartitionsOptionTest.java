package dev.ferry.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.FerryCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code --apply-partitions} is checked before anything is sent or started. */
class ApplyPartitionsOptionTest {
    record Result(int exit, String err) {}

    private static Result ferry(String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = FerryCommand.commandLine();
        command.setOut(new PrintWriter(new StringWriter(), true));
        command.setErr(new PrintWriter(err, true));
        return new Result(command.execute(args), err.toString());
    }

    private static Result create(String type, String partitions) {
        // Refused before any call: no server listens on port 1, so a call would fail with exit 1, not 2.
        return ferry("migration-jobs", "create", "j", "--type", type, "--source", "s", "--destination", "d",
                "--apply-partitions", partitions, "--server", "http://127.0.0.1:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-2", "65"})
    void createRefusesApplyPartitionsOutsideOneToSixtyFour(String partitions) {
        Result result = create("continuous", partitions);

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Invalid value for option '--apply-partitions': " + partitions
                + " apply partitions are not possible; use 1 to 64, or leave the option out for the default (twice the cores, 2 to 8)");
    }

    @Test
    void createRefusesAValueThatIsNotANumber() {
        Result result = create("continuous", "many");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("'many' is not a number of apply partitions; use 1 to 64");
    }

    @Test
    void createRefusesApplyPartitionsForAOneTimeJob() {
        Result result = create("one-time", "4");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--apply-partitions applies to --type continuous only");
    }

    @Test
    void aValidValueIsTakenAsGiven() {
        var parsed = FerryCommand.commandLine().parseArgs("migration-jobs", "create", "j", "--type", "continuous",
                "--source", "s", "--destination", "d", "--apply-partitions", "64");

        var create = (CreateJobCommand) parsed.subcommand().subcommand().commandSpec().userObject();
        assertThat(create.applyPartitions).isEqualTo(64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void migrateRefusesZeroOrNegativeApplyPartitions(String partitions) {
        Result result = ferry("migrate", "--source", "postgresql://u@127.0.0.1:1/shop", "--destination",
                "postgresql://u@127.0.0.1:1/postgres", "--type", "continuous", "--apply-partitions", partitions);

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Invalid value for option '--apply-partitions': " + partitions
                + " apply partitions are not possible");
    }

    @Test
    void migrateRefusesApplyPartitionsForAOneTimeMigration() {
        Result result = ferry("migrate", "--source", "postgresql://u@127.0.0.1:1/shop", "--destination",
                "postgresql://u@127.0.0.1:1/postgres", "--apply-partitions", "4");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--apply-partitions applies to --type continuous only");
    }
}
