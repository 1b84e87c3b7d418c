package dev.ferry.it;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.Shutdown;
import dev.ferry.testkit.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Do no harm, ride through faults, on MariaDB: see {@link FaultsContract}. */
class MariaDbFaultsIT extends FaultsContract {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared("faults-source");

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("faults-destination");

    @Override
    DatabaseConnection sourceServer() {
        return source.superuser();
    }

    @Override
    DatabaseConnection destinationServer() {
        return destination.superuser();
    }

    @Override
    TestDatabase freshSourceDatabase() {
        return source.freshDatabase();
    }

    @Override
    void restartSource(Shutdown mode) {
        source.restart(mode);
    }

    @Override
    void restartDestination(Shutdown mode) {
        destination.restart(mode);
    }

    @Override
    String[] fixture() {
        return new String[] {
            "CREATE TABLE account (id BIGINT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(40), balance DECIMAL(14,2))",
            "INSERT INTO account (owner, balance) SELECT concat('o', seq), seq FROM seq_1_to_3000",
            "CREATE TABLE ledger (id BIGINT PRIMARY KEY, note TEXT)",
            "INSERT INTO ledger SELECT seq, repeat(md5(seq), 4) FROM seq_1_to_200000"
        };
    }

    @Override
    String schema(TestDatabase db) {
        return db.name();
    }
}
