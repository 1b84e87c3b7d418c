package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ferry completion bash|zsh} prints a completion script covering the subcommands and their options. */
class CompletionCommandTest {
    @ParameterizedTest
    @ValueSource(strings = {"bash", "zsh"})
    void printsAScriptThatCompletesSubcommandsAndOptions(String shell) {
        CliRun result = CliRun.ferry("completion", shell);

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("complete -F _complete_ferry")
                .contains("migration-jobs").contains("connection-profiles").contains("set-root-password")
                .contains("demote-destination").contains("--failed-objects-only").contains("--server");
    }

    @Test
    void theZshScriptEnablesBashCompletionInZsh() {
        assertThat(CliRun.ferry("completion", "zsh").out()).contains("ZSH_VERSION").contains("bashcompinit");
    }

    @Test
    void refusesAnotherShell() {
        CliRun result = CliRun.ferry("completion", "fish");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("'fish' is not a shell Ferry completes; use bash or zsh");
    }
}
