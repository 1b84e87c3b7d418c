package dev.ferry.provisioner.local.mariadb;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.process.Command;
import dev.ferry.provisioner.local.process.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds the MariaDB server, its install tool and its client among the machine's packages. */
final class MariaDbBinaries {
    /** Where packages put MariaDB's programs, system directories first. */
    private static final List<Path> DIRS = Stream.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin",
            "/usr/local/mysql/bin", "/usr/libexec").map(Path::of).toList();
    private static final Pattern VERSION = Pattern.compile("Ver\\s+(\\S+)");

    private MariaDbBinaries() {}

    /** The server executable; checks that its version matches {@code version} when one is asked. */
    static Path server(String version) {
        Path server = find("mariadbd", "mysqld")
                .orElseThrow(() -> missing("the MariaDB server (mariadbd)", "mariadb-server"));
        if (version != null && !version.isBlank()) {
            String installed = version(server);
            if (!installed.equals(version.strip()) && !installed.startsWith(version.strip() + ".")
                    && !installed.startsWith(version.strip() + "-")) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        ("MariaDB %s was asked for but %s has version %s; install mariadb-server %s "
                                + "or leave the version empty").formatted(version, server, installed, version));
            }
        }
        return server;
    }

    static Path installTool() {
        return find("mariadb-install-db", "mysql_install_db")
                .orElseThrow(() -> missing("mariadb-install-db", "mariadb-server"));
    }

    static Path client() {
        return find("mariadb", "mysql").orElseThrow(() -> missing("the MariaDB client (mariadb)", "mariadb-client"));
    }

    /** The version {@code server --version} reports, such as {@code 10.11.19-MariaDB-0+deb12u1}. */
    static String version(Path server) {
        CommandResult result = Command.run("mariadbd --version", List.of(server.toString(), "--version"), null,
                Duration.ofSeconds(30));
        var matcher = VERSION.matcher(result.output());
        if (!result.succeeded() || !matcher.find()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "%s --version did not report a version; check the installation: %s".formatted(server, result.tail(3)));
        }
        return matcher.group(1);
    }

    private static Optional<Path> find(String... names) {
        for (String name : names) {
            for (Path dir : DIRS) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static FerryException missing(String what, String pkg) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                "No %s found in %s; install %s (for example apt-get install %s)".formatted(what, DIRS, pkg, pkg));
    }
}
