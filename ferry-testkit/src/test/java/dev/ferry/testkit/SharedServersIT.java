package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class SharedServersIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres pgDestination = LocalPostgres.shared("destination");

    @RegisterExtension
    static final LocalMariaDb my = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb myDestination = LocalMariaDb.shared("destination");

    @Test
    void twoPostgresKeysGiveTwoDifferentServers() {
        assertThat(pg.instance().endpoint().port()).isNotEqualTo(pgDestination.instance().endpoint().port());
        assertThat(pg.instance().dataDirectory()).isNotEqualTo(pgDestination.instance().dataDirectory());
        var a = pg.freshDatabase();
        a.execute("CREATE TABLE only_here (id int)");
        var b = pgDestination.freshDatabase();
        assertThat(b.queryLong("SELECT count(*) FROM pg_database WHERE datname = '" + a.name() + "'")).isZero();
    }

    @Test
    void sameKeyGivesTheSameServer() {
        assertThat(LocalPostgres.shared().instance().endpoint()).isEqualTo(pg.instance().endpoint());
    }

    @Test
    void postgresIsReadyForLogicalReplication() {
        var db = pg.freshDatabase();
        assertThat(db.query("SHOW wal_level")).containsExactly(java.util.List.of("logical"));
        assertThat(db.queryLong("SELECT setting::int FROM pg_settings WHERE name = 'max_replication_slots'"))
                .isEqualTo(20);
    }

    @Test
    void freshPostgresDatabasesAreDistinctAndEmpty() {
        var a = pg.freshDatabase();
        var b = pg.freshDatabase();
        assertThat(a.name()).isNotEqualTo(b.name());
        assertThat(a.connection().database()).isEqualTo(a.name());
        a.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'x'), (2, 'y')");
        assertThat(a.queryLong("SELECT count(*) FROM t")).isEqualTo(2);
        assertThat(a.query("SELECT id, v FROM t ORDER BY id"))
                .containsExactly(java.util.List.of(1, "x"), java.util.List.of(2, "y"));
        assertThat(b.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).isZero();
    }

    @Test
    void twoMariaDbKeysGiveTwoDifferentServers() {
        assertThat(my.instance().endpoint().port()).isNotEqualTo(myDestination.instance().endpoint().port());
        var a = my.freshDatabase();
        assertThat(myDestination.freshDatabase()
                .queryLong("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + a.name() + "'"))
                .isZero();
    }

    @Test
    void freshMariaDbDatabasesAreDistinctAndEmptyWithRowBinlog() {
        var a = my.freshDatabase();
        var b = my.freshDatabase();
        assertThat(a.name()).isNotEqualTo(b.name());
        a.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1), (2), (3)");
        assertThat(a.queryLong("SELECT count(*) FROM t")).isEqualTo(3);
        assertThat(b.queryLong(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + b.name() + "'")).isZero();
        assertThat(a.query("SELECT @@log_bin, @@binlog_format, @@binlog_row_image"))
                .containsExactly(java.util.List.of(1L, "ROW", "FULL"));
        assertThat(my.superuser().database()).isNull();
        assertThat(my.superuser().username()).isEqualTo("root");
    }
}
