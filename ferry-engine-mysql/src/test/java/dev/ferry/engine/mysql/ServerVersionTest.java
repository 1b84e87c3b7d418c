package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.model.EngineKind;
import org.junit.jupiter.api.Test;

class ServerVersionTest {

    @Test
    void readsMariaDbFromTheVersionText() {
        ServerVersion v = ServerVersion.parse("10.11.19-MariaDB-0+deb12u1-log", "Debian 12");

        assertThat(v.flavor()).isEqualTo(Flavor.MARIADB);
        assertThat(v.version()).isEqualTo("10.11.19");
        assertThat(v.major()).isEqualTo(1011);
        assertThat(v.text()).isEqualTo("10.11.19-MariaDB-0+deb12u1-log (Debian 12)");
    }

    @Test
    void readsMySqlWhenNothingSaysMariaDb() {
        ServerVersion v = ServerVersion.parse("8.0.36", "MySQL Community Server - GPL");

        assertThat(v.flavor()).isEqualTo(Flavor.MYSQL);
        assertThat(v.major()).isEqualTo(800);
        assertThat(ServerVersion.parse("8.4.2", "").major()).isEqualTo(804);
        assertThat(ServerVersion.parse("5.7.44-log", null).major()).isEqualTo(507);
    }

    @Test
    void detectsMariaDbFromTheCommentAndIgnoresTheOldReplicationPrefix() {
        assertThat(ServerVersion.parse("11.4.2", "mariadb.org binary distribution").flavor()).isEqualTo(Flavor.MARIADB);
        assertThat(ServerVersion.parse("5.5.5-10.6.18-MariaDB", "").major()).isEqualTo(1006);
    }

    @Test
    void becomesServerInfoOfTheMySqlEngine() {
        var info = ServerVersion.parse("10.11.19-MariaDB", "").toServerInfo();

        assertThat(info.engine()).isEqualTo(EngineKind.MYSQL);
        assertThat(info.flavor()).isEqualTo("mariadb");
        assertThat(info.version()).isEqualTo("10.11.19");
    }

    @Test
    void refusesTextThatIsNoVersion() {
        assertThatThrownBy(() -> ServerVersion.parse("banana", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
