package dev.ferry.provisioner.local.postgres;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds PostgreSQL server binaries: a major installed under {@code /usr/lib/postgresql/MAJOR/bin}, or
 * else one fetched from Maven Central (majors {@value #MIN_DOWNLOAD} to {@value #MAX_DOWNLOAD}).
 */
public final class PostgresBinaries {
    static final int MIN_DOWNLOAD = 13;
    static final int MAX_DOWNLOAD = 17;

    private final Path systemRoot;
    private final ZonkyBinaries downloads;

    public PostgresBinaries(Path systemRoot, ZonkyBinaries downloads) {
        this.systemRoot = systemRoot;
        this.downloads = downloads;
    }

    /** The bin directory for {@code version} ("15", "15.4"; null: the newest installed, else the newest download). */
    public Path binDir(String version) {
        NavigableMap<Integer, Path> installed = installed();
        if (version == null || version.isBlank()) {
            return installed.isEmpty()
                    ? downloads.binDir(MAX_DOWNLOAD, systemRoot.resolve(MAX_DOWNLOAD + "/bin"))
                    : installed.lastEntry().getValue();
        }
        int major = major(version);
        Path system = installed.get(major);
        if (system != null) {
            return system;
        }
        Path expected = systemRoot.resolve(major + "/bin");
        if (major < MIN_DOWNLOAD || major > MAX_DOWNLOAD) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    ("No PostgreSQL %d server binaries in %s; install postgresql-%d "
                            + "(Ferry downloads server binaries only for PostgreSQL %d to %d)")
                            .formatted(major, expected, major, MIN_DOWNLOAD, MAX_DOWNLOAD));
        }
        return downloads.binDir(major, expected);
    }

    /** The installed majors and their bin directories, newest last. */
    NavigableMap<Integer, Path> installed() {
        var found = new TreeMap<Integer, Path>();
        if (!Files.isDirectory(systemRoot)) {
            return found;
        }
        try (Stream<Path> dirs = Files.list(systemRoot)) {
            dirs.filter(dir -> dir.getFileName().toString().matches("\\d{1,3}"))
                    .filter(dir -> usable(dir.resolve("bin")))
                    .sorted(Comparator.naturalOrder())
                    .forEach(dir -> found.put(Integer.parseInt(dir.getFileName().toString()), dir.resolve("bin")));
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not list %s; check its permissions".formatted(systemRoot), e);
        }
        return found;
    }

    /** The major of a version text such as "16", "16.4" or "9.6" (as 9). */
    static int major(String version) {
        String head = version.strip().split("[.\\s]")[0];
        if (!head.matches("\\d{1,3}")) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "PostgreSQL version '%s' is not a major version such as 16".formatted(version));
        }
        return Integer.parseInt(head);
    }

    /** Whether {@code binDir} has executable initdb, pg_ctl and postgres. */
    static boolean usable(Path binDir) {
        return Stream.of("initdb", "pg_ctl", "postgres").allMatch(name -> Files.isExecutable(binDir.resolve(name)));
    }

}
