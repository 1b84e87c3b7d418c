package dev.ferry.server.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.ProfileState;
import dev.ferry.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileJsonTest {
    private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");
    private final Json json = new Json();

    private String write(ConnectionProfile profile) {
        return new String(json.write(ProfileJson.of(profile)), StandardCharsets.UTF_8);
    }

    @Test
    void answersAnExistingServerWithPasswordSetButNeverThePassword() {
        var spec = new DatabaseConnection(EngineKind.POSTGRESQL, "db", 5432, "app", Secret.of("hunter2"), "shop", "require");
        var text = write(new ConnectionProfile("src", null, Map.of(), ProfileState.READY, spec, null, T, T));
        assertThat(text).doesNotContain("hunter2").doesNotContain("\"password\"")
                .contains("\"passwordSet\":true").contains("\"postgresql\"").contains("\"mode\":\"require\"")
                .contains("\"createTime\":\"2025-01-02T03:04:05Z\"");
    }

    @Test
    void answersAManagedInstanceWithItsEndpointButNeverTheRootPassword() {
        var endpoint = new DatabaseConnection(EngineKind.MYSQL, "127.0.0.1", 40001, "root", Secret.of("r00t"), null, null);
        var spec = new ManagedInstance(EngineKind.MYSQL, "10.11", null, Map.of(), null, "local", endpoint);
        var text = write(new ConnectionProfile("dst", null, Map.of(), ProfileState.READY, spec, null, T, T));
        assertThat(text).doesNotContain("r00t").contains("\"rootPasswordSet\":true")
                .contains("\"endpoint\":{\"host\":\"127.0.0.1\",\"port\":40001,\"username\":\"root\"}");
    }

    @Test
    void refusesABodyWithTwoKindsOfServer() {
        var body = json.read(("{\"postgresql\":{\"host\":\"a\",\"username\":\"u\"},"
                + "\"mysql\":{\"host\":\"b\",\"username\":\"u\"}}").getBytes(StandardCharsets.UTF_8), ProfileJson.class);
        assertThatThrownBy(() -> body.toRequest("p")).isInstanceOf(FerryException.class)
                .hasMessageContaining("exactly one of postgresql, mysql or managedInstance");
    }

    @Test
    void defaultsThePortByEngine() {
        var body = json.read("{\"mysql\":{\"host\":\"b\",\"username\":\"u\"}}".getBytes(StandardCharsets.UTF_8),
                ProfileJson.class);
        var spec = (DatabaseConnection) body.toRequest("p").spec();
        assertThat(spec.port()).isEqualTo(3306);
    }
}
