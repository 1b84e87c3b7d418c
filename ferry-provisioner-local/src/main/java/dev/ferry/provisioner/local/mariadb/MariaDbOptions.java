package dev.ferry.provisioner.local.mariadb;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.instance.InstanceRecord;
import dev.ferry.provisioner.local.process.RunAs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The command line of {@code mariadbd}: no option files, Ferry's own options, then the spec's flags as
 * {@code --key=value} (or {@code --key} for an empty value).
 */
final class MariaDbOptions {
    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Set<String> RESERVED = Set.of("port", "datadir", "socket", "pid_file", "user",
            "no_defaults", "defaults_file", "defaults_extra_file", "defaults_group_suffix");
    private static final int MAX_SOCKET_PATH = 100;

    private MariaDbOptions() {}

    static void check(Map<String, String> flags) {
        flags.forEach((key, value) -> {
            String normalized = key.replace('-', '_').toLowerCase(Locale.ROOT);
            if (!KEY.matcher(key).matches() || RESERVED.contains(normalized)) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "MariaDB flag '%s' is not allowed; use a system variable such as binlog_format (the port is set by the instance's port)"
                                .formatted(key));
            }
            if (value == null || value.contains("\n") || value.contains("\0")) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, "MariaDB flag '%s' needs a one-line value".formatted(key));
            }
        });
    }

    static List<String> serverArgs(InstanceRecord instance) {
        var argv = new ArrayList<>(List.of(
                instance.binaries().toString(),
                "--no-defaults",
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
        return argv;
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
