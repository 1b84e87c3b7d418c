package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ServerHandleTest {
    @Test
    void uniqueNamesAreUniqueAndSafeUnquoted() {
        var names = new HashSet<String>();
        for (int i = 0; i < 1000; i++) {
            String name = ServerHandle.uniqueName();
            assertThat(name).matches("t_\\d+_[a-z0-9]{6}");
            names.add(name);
        }
        assertThat(names).hasSize(1000);
    }

    @Test
    void instanceNamesFromKeysAreValidProvisionerNames() {
        assertThat(TestServers.instanceName("pg", "destination")).isEqualTo("pg-destination");
        assertThat(TestServers.instanceName("pg", "My Source_1")).isEqualTo("pg-my-source-1");
        assertThat(TestServers.instanceName("pg", "---")).isEqualTo("pg");
        assertThat(TestServers.instanceName("mariadb", "x".repeat(100))).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void jdbcUrlsCarryNoCredentials() {
        var c = new dev.ferry.core.model.DatabaseConnection(dev.ferry.core.model.EngineKind.MYSQL, "127.0.0.1", 3307,
                "root", dev.ferry.core.Secret.of("pw"), "db1", null);
        assertThat(TestDatabase.jdbcUrl(c)).isEqualTo("jdbc:mariadb://127.0.0.1:3307/db1");
        assertThat(new TestDatabase("db2", c).jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3307/db2");
    }
}
