package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Passwords named by an environment variable. */
class SecretsTest {
    @Test
    void refusesAVariableThatIsSetButEmpty() {
        assertThatThrownBy(() -> Secrets.fromEnv("PGPASS", "--password-env", Map.of("PGPASS", "")))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessage("--password-env names environment variable PGPASS, which is empty; set it to the password "
                        + "(export PGPASS=...)");
    }

    @Test
    void refusesAVariableThatIsNotSet() {
        assertThatThrownBy(() -> Secrets.fromEnv("PGPASS", "--password-env", Map.of()))
                .hasMessageContaining("which is not set");
    }

    @Test
    void readsAVariableThatHoldsAPassword() {
        assertThat(Secrets.fromEnv("PGPASS", "--password-env", Map.of("PGPASS", "s3cret")).reveal()).isEqualTo("s3cret");
    }
}
