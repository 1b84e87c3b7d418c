package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.MySqlEngine;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A source database and its namesake on the destination with the same schema, as a full load leaves them,
 * plus the calls replication tests make on both.
 */
final class ReplicationFixture {
    static final MySqlConnector CONNECTOR = new MySqlConnector();

    final TestDatabase source;
    final DatabaseConnection destination;
    final String database;

    private ReplicationFixture(TestDatabase source, DatabaseConnection destination) {
        this.source = source;
        this.destination = destination;
        this.database = source.name();
    }

    /** A fresh source database, the same-named database on the destination, and {@code schema} run on both. */
    static ReplicationFixture create(LocalMariaDb sourceServer, LocalMariaDb destinationServer, String... schema) {
        TestDatabase source = sourceServer.freshDatabase();
        DatabaseConnection destination = destinationServer.superuser().withDatabase(source.name());
        try (Connection c = CONNECTOR.open(destinationServer.superuser(), null, MySqlConnector.Role.DESTINATION)) {
            Sql.execute(c, "DROP DATABASE IF EXISTS " + Dialect.MYSQL.quote(source.name()),
                    "CREATE DATABASE " + Dialect.MYSQL.quote(source.name()));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        var fixture = new ReplicationFixture(source, destination);
        fixture.onBoth(schema);
        return fixture;
    }

    void onSource(String... sql) {
        String[] all = new String[sql.length + 1];
        all[0] = "SET SESSION time_zone = '+00:00', SESSION sql_mode = ''";
        System.arraycopy(sql, 0, all, 1, sql.length);
        source.execute(all);
    }

    void onDestination(String... sql) {
        try (Connection c = CONNECTOR.open(destination, database, MySqlConnector.Role.DESTINATION)) {
            Sql.execute(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void onBoth(String... sql) {
        if (sql.length > 0) {
            onSource(sql);
            onDestination(sql);
        }
    }

    BinlogPosition sourceHead() {
        try (Connection c = CONNECTOR.open(source.connection(), null, MySqlConnector.Role.SOURCE)) {
            return SourceLog.head(c, Flavor.MARIADB).orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    ReplicationRequest request(String job, BinlogPosition start) {
        return new ReplicationRequest(job, database, source.connection(), destination, start, Map.of());
    }

    MySqlReplication open(String job, BinlogPosition start) {
        return MySqlReplication.open(request(job, start), CONNECTOR, Clock.systemUTC());
    }

    long destinationLong(String sql) {
        try (Connection c = CONNECTOR.open(destination, database, MySqlConnector.Role.DESTINATION)) {
            return Sql.queryLong(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> destinationStrings(String sql) {
        try (Connection c = CONNECTOR.open(destination, database, MySqlConnector.Role.DESTINATION)) {
            return Sql.query(c, sql, rs -> rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String sourceCreateTable(String table) {
        return createTable(source.connection(), table);
    }

    String destinationCreateTable(String table) {
        return createTable(destination, table);
    }

    private String createTable(DatabaseConnection server, String table) {
        try (Connection c = CONNECTOR.open(server, database, MySqlConnector.Role.SOURCE)) {
            return Sql.query(c, "SHOW CREATE TABLE " + Dialect.MYSQL.quote(table), rs -> rs.getString(2)).getFirst()
                    .replaceAll(" AUTO_INCREMENT=\\d+", "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Equal content hashes and CHECKSUM TABLE ... EXTENDED on both sides, and the source has {@code minRows} rows at least. */
    void assertSameContent(String... tables) {
        List<TableRef> refs = Arrays.stream(tables).map(t -> new TableRef(database, t)).toList();
        var engine = new MySqlEngine(Clock.systemUTC());
        Map<TableRef, String> sourceHashes = engine.contentHashes(source.connection(), database, refs);
        Map<TableRef, String> destinationHashes = engine.contentHashes(destination, database, refs);
        assertThat(destinationHashes).isEqualTo(sourceHashes);
        for (String t : tables) {
            String sql = "CHECKSUM TABLE " + Dialect.MYSQL.quote(database, t) + " EXTENDED";
            assertThat(checksum(destination, sql)).as("checksum of %s", t).isEqualTo(checksum(source.connection(), sql));
        }
    }

    private String checksum(DatabaseConnection server, String sql) {
        try (Connection c = CONNECTOR.open(server, database, MySqlConnector.Role.SOURCE)) {
            return Sql.query(c, sql, rs -> rs.getString(2)).getFirst();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
