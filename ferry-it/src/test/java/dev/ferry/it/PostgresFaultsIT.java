package dev.ferry.it;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.Shutdown;
import dev.ferry.testkit.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Do no harm, ride through faults, on PostgreSQL: see {@link FaultsContract}. */
class PostgresFaultsIT extends FaultsContract {
    @RegisterExtension
    static final LocalPostgres source = LocalPostgres.shared("faults-source");

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("faults-destination");

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
            "CREATE TABLE account (id bigserial PRIMARY KEY, owner text, balance numeric(14,2))",
            "INSERT INTO account (owner, balance) SELECT 'o' || g, g FROM generate_series(1, 3000) g",
            "CREATE TABLE ledger (id bigint PRIMARY KEY, note text)",
            "INSERT INTO ledger SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 150000) g"
        };
    }

    @Override
    String schema(TestDatabase db) {
        return "public";
    }
}
