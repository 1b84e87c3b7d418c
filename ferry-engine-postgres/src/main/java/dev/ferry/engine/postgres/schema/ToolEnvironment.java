package dev.ferry.engine.postgres.schema;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.process.ChildEnvironment;
import dev.ferry.core.process.PrivateDirectory;
import dev.ferry.engine.postgres.connect.PgConnector;
import java.util.Map;

/**
 * The environment of a PostgreSQL client tool (pg_dump, psql, pg_restore): Ferry's minimal one
 * ({@link ChildEnvironment}) plus the {@code PG*} variables that point it at one server. Secrets never go
 * into the environment or the command line: the password is in a password file ({@code PGPASSFILE}), and
 * the CA certificate, client certificate and key in files ({@code PGSSLROOTCERT}, {@code PGSSLCERT},
 * {@code PGSSLKEY}), all owner-only in a {@link PrivateDirectory} that the caller deletes after the call.
 */
final class ToolEnvironment {
    /** libpq's {@code sslrootcert=system} (the operating system's CAs) exists from this major on. */
    private static final int SYSTEM_ROOT_CERT_MAJOR = 16;

    private ToolEnvironment() {}

    /** A tool that connects to no server: the minimal environment only. */
    static void none(Map<String, String> env) {
        ChildEnvironment.applyTo(env, null);
    }

    /**
     * A tool connecting to {@code server}; its files go into {@code files} under names starting with
     * {@code prefix} (two tools of one call, such as pg_dump and psql, take different prefixes).
     */
    static void connectTo(Map<String, String> env, DatabaseConnection server, PrivateDirectory files, String prefix,
            int libpqMajor) {
        ChildEnvironment.applyTo(env, null);
        env.put("PGHOST", server.host());
        env.put("PGPORT", Integer.toString(server.port()));
        env.put("PGUSER", server.username());
        // The database goes in the environment, where libpq never parses it as a connection string.
        env.put("PGDATABASE", server.database() == null ? PgConnector.MAINTENANCE_DATABASE : server.database());
        env.put("PGAPPNAME", "ferry");
        env.put("PGCONNECT_TIMEOUT", "10");
        env.put("PGSSLMODE", server.sslMode().id());
        // Nothing of the user's ~/.pgpass or service file steers the tool. Without a password the file named does not
        // exist (libpq warns about a password file that is not a plain file, such as /dev/null, at every connection).
        env.put("PGPASSFILE", server.password() == null ? files.path().resolve(prefix + ".no-pgpass").toString()
                : files.write(prefix + ".pgpass", "*:*:*:*:" + escaped(server.password().reveal()) + "\n").toString());
        if (server.sslMode() == TlsMode.DISABLE) {
            return;
        }
        if (server.tls().caCertificate() != null) {
            env.put("PGSSLROOTCERT", files.write(prefix + "-ca.crt", server.tls().caCertificate()).toString());
        } else if (server.sslMode().verifiesCertificate() && libpqMajor >= SYSTEM_ROOT_CERT_MAJOR) {
            env.put("PGSSLROOTCERT", "system");
        }
        if (server.tls().hasClientCertificate()) {
            env.put("PGSSLCERT", files.write(prefix + "-client.crt", server.tls().clientCertificate()).toString());
            env.put("PGSSLKEY", files.write(prefix + "-client.key", server.tls().clientKey().reveal()).toString());
        }
    }

    /** A password file field: backslash and colon escaped. */
    static String escaped(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }
}
