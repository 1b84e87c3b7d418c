package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Secret;
import org.junit.jupiter.api.Test;

/** The mysql_native_password hash sent instead of a new password. */
class AccountPasswordTest {
    @Test
    void hashesAsTheServersPasswordFunctionDoes() {
        // SELECT PASSWORD('password') on MariaDB and MySQL 5.7
        assertThat(AccountPassword.nativeHash(new Secret("password"))).isEqualTo("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
    }
}
