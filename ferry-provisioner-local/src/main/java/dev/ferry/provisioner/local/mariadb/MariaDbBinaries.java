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

/**
 * Finds the MariaDB server, its install tool and its client among the machine's packages, or in the base directory
 * of a release unpacked from Maven Central.
 */
final class MariaDbBinaries {
    /** Where packages put MariaDB's programs, system directories first. */
    private static final List<Path> DIRS = Stream.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin",
            "/usr/local/mysql/bin", "/usr/libexec").map(Path::of).toList();
    private static final Pattern VERSION = Pattern.compile("Ver\\s+(\\S+)");

    private MariaDbBinaries() {}

    /**
     * The server executable: the machine's when no version is asked or its version matches; else that of a release
     * from {@code releases} (a base directory unpacked from Maven Central).
     */
    static Path server(String version, MariaDbReleases releases) {
        Optional<Path> system = find("mariadbd", "mysqld");
        if (version == null || version.isBlank()) {
            return system.orElseThrow(() -> missing("the MariaDB server (mariadbd)", "mariadb-server"));
        }
        if (system.isPresent() && matches(version(system.get()), version.strip())) {
            return system.get();
        }
        if (!initialisable(version.strip())) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("MariaDB %s was asked for, but Ferry provisions MariaDB "
                    + "10.4 and later (it sets the root password in mysql.global_priv while installing); install that "
                    + "server yourself and give Ferry a connection profile to it").formatted(version.strip()));
        }
        Path base = releases.baseDir(version.strip());
        return baseServer(base).orElseThrow(() -> new FerryException(ErrorCode.FAILED_PRECONDITION,
                "%s holds no bin/mariadbd; delete it so that it is unpacked again".formatted(base)));
    }

    /** Whether Ferry can install release {@code version} ("10.4" and later): false for "10.2.11", "5.5". */
    static boolean initialisable(String version) {
        var numbers = version.split("[.-]");
        try {
            int major = Integer.parseInt(numbers[0]);
            int minor = numbers.length > 1 ? Integer.parseInt(numbers[1]) : Integer.MAX_VALUE;
            return major > 10 || major == 10 && minor >= 4;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean matches(String installed, String asked) {
        return installed.equals(asked) || installed.startsWith(asked + ".") || installed.startsWith(asked + "-");
    }

    /** The server of a base directory ({@code bin/mariadbd}, or {@code bin/mysqld} before 10.5). */
    static Optional<Path> baseServer(Path base) {
        return Stream.of("mariadbd", "mysqld").map(base.resolve("bin")::resolve).filter(Files::isExecutable).findFirst();
    }

    /** The install script of a base directory ({@code scripts/mariadb-install-db}, or {@code mysql_install_db}). */
    static Optional<Path> baseInstallTool(Path base) {
        return Stream.of("mariadb-install-db", "mysql_install_db").map(base.resolve("scripts")::resolve)
                .filter(Files::isExecutable).findFirst();
    }

    /**
     * The base directory {@code server} runs from when it is not the machine's own: the directory above its
     * {@code bin/} that holds an install script under {@code scripts/}.
     */
    static Optional<Path> baseDirOf(Path server) {
        Path bin = server.toAbsolutePath().getParent();
        Path base = bin == null ? null : bin.getParent();
        return base != null && bin.getFileName().toString().equals("bin") && baseInstallTool(base).isPresent()
                ? Optional.of(base) : Optional.empty();
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
