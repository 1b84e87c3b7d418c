package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.net.WireProtocol;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.LocalPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A profile of one family pointed at the other family's port is refused at once, with a message naming both
 * protocols, no driver's class names, and no wait for a read timeout (the MariaDB driver waits 10 s for a greeting).
 */
class WrongProtocolIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalMariaDb mariadb = LocalMariaDb.shared();

    private static final EngineRegistry ENGINES = EngineRegistry.load();

    @Test
    @Timeout(6)
    void aMySqlConnectionToAPostgresPortIsRefusedQuicklyAndSaysSo() {
        DatabaseConnection postgres = pg.superuser();
        var wrong = new DatabaseConnection(EngineKind.MYSQL, postgres.host(), postgres.port(), "root", null, null, null);

        assertThatThrownBy(() -> ENGINES.get(EngineKind.MYSQL).probe(wrong))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageStartingWith("%s:%d answered like PostgreSQL, not MySQL/MariaDB; check the port"
                        .formatted(postgres.host(), postgres.port()))
                .hasMessageNotContaining("Exception");
    }

    @Test
    @Timeout(6)
    void aPostgresConnectionToAMariaDbPortIsRefusedQuicklyAndSaysSo() {
        DatabaseConnection maria = mariadb.superuser();
        var wrong = new DatabaseConnection(EngineKind.POSTGRESQL, maria.host(), maria.port(), "postgres", null, null, null);

        assertThatThrownBy(() -> ENGINES.get(EngineKind.POSTGRESQL).probe(wrong))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageStartingWith("%s:%d answered like MySQL/MariaDB, not PostgreSQL; check the port"
                        .formatted(maria.host(), maria.port()))
                .hasMessageNotContaining("Exception");
    }

    @Test
    @Timeout(20)
    void eachServerIsToldForWhatItIs() {
        DatabaseConnection postgres = pg.superuser();
        DatabaseConnection maria = mariadb.superuser();

        for (WireProtocol expected : WireProtocol.values()) {
            assertThat(WireProtocol.identify(postgres.host(), postgres.port(), expected, WireProtocol.DEFAULT_WAIT))
                    .as("PostgreSQL port, expecting %s", expected).isEqualTo(WireProtocol.POSTGRESQL);
            assertThat(WireProtocol.identify(maria.host(), maria.port(), expected, WireProtocol.DEFAULT_WAIT))
                    .as("MariaDB port, expecting %s", expected).isEqualTo(WireProtocol.MYSQL);
        }
        assertThat(ENGINES.get(EngineKind.MYSQL).probe(maria).major()).isPositive();
        assertThat(ENGINES.get(EngineKind.POSTGRESQL).probe(postgres).major()).isPositive();
    }
}
