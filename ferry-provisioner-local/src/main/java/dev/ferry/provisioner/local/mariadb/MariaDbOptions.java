package dev.ferry.provisioner.local.mariadb;

import dev.ferry.provisioner.local.instance.InstanceRecord;
import dev.ferry.provisioner.local.process.RunAs;
import dev.ferry.provisioner.local.tls.InstanceTls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line of {@code mariadbd}: no option files, Ferry's own options, the spec's flags as
 * {@code --key=value} (or {@code --key} for an empty value; limited to {@link MariaDbFlags#ALLOWLIST}), then
 * TLS with the instance's certificate when its files are in the run directory.
 */
final class MariaDbOptions {
    private static final int MAX_SOCKET_PATH = 100;

    private MariaDbOptions() {}

    /** Rejects flags outside {@link MariaDbFlags#ALLOWLIST}. */
    static void check(Map<String, String> flags) {
        MariaDbFlags.ALLOWLIST.check(flags);
    }

    static List<String> serverArgs(InstanceRecord instance) {
        var argv = new ArrayList<>(List.of(
                instance.binaries().toString(),
                "--no-defaults"));
        // A release's base directory holds its messages, character sets and plugins; the machine's server knows its own.
        MariaDbBinaries.baseDirOf(instance.binaries()).ifPresent(base -> argv.add("--basedir=" + base));
        argv.addAll(List.of(
                "--datadir=" + instance.dataDir(),
                "--port=" + instance.port(),
                "--bind-address=127.0.0.1",
                "--socket=" + socket(instance),
                "--pid-file=" + pidFile(instance),
                "--log-error=" + instance.logFile(),
                // The server's temporary files next to its socket: the system's /tmp may be private to Ferry's user.
                "--tmpdir=" + instance.runDir(),
                "--skip-name-resolve"));
        if (new RunAs(instance.osUser()).switchesUser()) {
            argv.add("--user=" + instance.osUser());
        }
        new TreeMap<>(instance.flags()).forEach((key, value) ->
                argv.add(value.isEmpty() ? "--" + key : "--" + key + "=" + value));
        // After the flags, so that none could override them even if the allowlist let one through.
        Path tls = tlsDirectory(instance);
        if (InstanceTls.present(tls)) {
            argv.add("--ssl-cert=" + tls.resolve(InstanceTls.CERTIFICATE));
            argv.add("--ssl-key=" + tls.resolve(InstanceTls.KEY));
            argv.add("--ssl-ca=" + tls.resolve(InstanceTls.CA));
        } else {
            argv.add("--skip-ssl");
        }
        return argv;
    }

    /** Where the instance's TLS files live: its run directory, outside the data directory's databases. */
    static Path tlsDirectory(InstanceRecord instance) {
        return instance.runDir();
    }

    static Path pidFile(InstanceRecord instance) {
        return instance.runDir().resolve("mariadbd.pid");
    }

    /** The Unix socket; in the temporary directory when the run directory's path is too long for one. */
    static Path socket(InstanceRecord instance) {
        Path socket = instance.runDir().resolve("mariadbd.sock");
        if (socket.toString().length() <= MAX_SOCKET_PATH) {
            return socket;
        }
        return Path.of(System.getProperty("java.io.tmpdir"),
                "ferry-mariadb-%s-%d.sock".formatted(instance.name(), instance.port()));
    }
}
