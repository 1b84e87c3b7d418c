package dev.ferry.provisioner.local.postgres;

import dev.ferry.provisioner.local.instance.InstanceRecord;
import dev.ferry.provisioner.local.tls.InstanceTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ferry's settings for a cluster: {@code pg_hba.conf} (password authentication from 127.0.0.1, replication
 * included) and {@code ferry.conf}, included at the end of {@code postgresql.conf} so that
 * {@code ALTER SYSTEM} can still override it, holding the spec's flags (limited to
 * {@link PostgresFlags#ALLOWLIST}), then the port, the addresses, and TLS with the instance's certificate
 * when its files are in the data directory.
 */
final class PostgresConfig {
    static final String FILE = "ferry.conf";
    private static final int MAX_SOCKET_PATH = 100;
    private static final Logger log = LoggerFactory.getLogger(PostgresConfig.class);

    private static final String HBA = """
            # Written by Ferry: password (SCRAM) authentication only.
            # TYPE  DATABASE     USER  ADDRESS        METHOD
            local   all          all                  scram-sha-256
            local   replication  all                  scram-sha-256
            host    all          all   127.0.0.1/32   scram-sha-256
            host    replication  all   127.0.0.1/32   scram-sha-256
            """;

    private PostgresConfig() {}

    /** Rejects flags outside {@link PostgresFlags#ALLOWLIST}. */
    static void check(Map<String, String> flags) {
        PostgresFlags.ALLOWLIST.check(flags);
    }

    /** After initdb: replaces pg_hba.conf and includes ferry.conf from postgresql.conf. */
    static void initialize(InstanceRecord instance) throws IOException {
        Path data = instance.dataDir();
        write(instance, data.resolve("pg_hba.conf"), HBA);
        Files.writeString(data.resolve("postgresql.conf"),
                "\n# Ferry's settings (port, addresses, flags); ALTER SYSTEM still overrides them.\ninclude_if_exists = '"
                        + FILE + "'\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Before every start: writes ferry.conf from the instance's port and flags. */
    static void writeSettings(InstanceRecord instance) throws IOException {
        var settings = new TreeMap<String, String>(instance.flags());
        settings.put("port", Integer.toString(instance.port()));
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("unix_socket_directories", socketDirectory(instance));
        boolean tls = InstanceTls.present(instance.dataDir());
        settings.put("ssl", tls ? "on" : "off");
        if (tls) {
            settings.put("ssl_cert_file", InstanceTls.CERTIFICATE);
            settings.put("ssl_key_file", InstanceTls.KEY);
            settings.put("ssl_ca_file", InstanceTls.CA);
        }
        var text = new StringBuilder("# Written by Ferry at every start from instance.properties; edits are lost.\n");
        settings.forEach((key, value) -> text.append(key).append(" = ").append(quote(value)).append('\n'));
        write(instance, instance.dataDir().resolve(FILE), text.toString());
    }

    private static String socketDirectory(InstanceRecord instance) {
        String dir = instance.runDir().toString();
        if ((dir + "/.s.PGSQL.65535.lock").length() > MAX_SOCKET_PATH) {
            log.atWarn().addKeyValue("instance", instance.name()).addKeyValue("dir", dir)
                    .log("socket path too long for Unix sockets; the server listens on TCP only");
            return "";
        }
        return dir;
    }

    private static void write(InstanceRecord instance, Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        instance.runAs().own(file);
    }

    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
