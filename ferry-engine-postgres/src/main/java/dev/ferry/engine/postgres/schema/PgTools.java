package dev.ferry.engine.postgres.schema;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.process.ChildEnvironment;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PostgreSQL client tools Ferry runs: {@code pg_dump} and the {@code psql} beside it, with the
 * major version of {@code pg_dump}. Found in the newest {@code /usr/lib/postgresql/<N>/bin}, else on
 * the {@code PATH}.
 */
public record PgTools(Path pgDump, Path psql, int major, String version) {
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(?:\\.\\d+)*)\\S*");

    /** Finds the tools on this host, or fails with FAILED_PRECONDITION saying what to install. */
    public static PgTools locate() {
        Optional<Path> dir = newestVersionDirectory(DEBIAN_ROOT);
        Path pgDump = dir.map(d -> d.resolve("pg_dump")).filter(Files::isExecutable)
                .or(() -> onPath("pg_dump"))
                .orElseThrow(() -> new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "pg_dump was not found in /usr/lib/postgresql/<version>/bin or on the PATH; install the "
                                + "PostgreSQL client tools (for example the postgresql-client package) of the source's "
                                + "major version or newer"));
        Path psql = Optional.of(pgDump.resolveSibling("psql")).filter(Files::isExecutable).or(() -> onPath("psql"))
                .orElseThrow(() -> new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "psql was not found next to %s or on the PATH; install the PostgreSQL client tools".formatted(pgDump)));
        String text = cachedVersionOf(pgDump);
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot read the version of %s (it printed '%s'); check the installation".formatted(pgDump, text.strip()));
        }
        return new PgTools(pgDump, psql, Integer.parseInt(m.group(2)), m.group(1));
    }

    /** The pg_restore next to pg_dump (the same release), else the one on the PATH. */
    public Path pgRestore() {
        return Optional.of(pgDump.resolveSibling("pg_restore")).filter(Files::isExecutable).or(() -> onPath("pg_restore"))
                .orElseThrow(() -> new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "pg_restore was not found next to %s or on the PATH; install the PostgreSQL client tools"
                                .formatted(pgDump)));
    }

    /** Parses the major version from {@code pg_dump --version} output; empty when it is not recognisable. */
    static Optional<Integer> parseMajor(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        return m.find() ? Optional.of(Integer.parseInt(m.group(2))) : Optional.empty();
    }

    /** Fails unless this pg_dump can dump a server of {@code sourceMajor} (pg_dump refuses newer servers). */
    public void requireCanDump(int sourceMajor, String sourceDescription) {
        if (major < sourceMajor) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("%s is version %s, older than the source %s "
                    + "(PostgreSQL %d); install the PostgreSQL %d client tools (or newer) on the Ferry host")
                    .formatted(pgDump, version, sourceDescription, sourceMajor, sourceMajor));
        }
    }

    /** Of the numeric subdirectories of {@code root} that have a bin/pg_dump, the bin directory of the highest. */
    static Optional<Path> newestVersionDirectory(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(root)) {
            List<Path> candidates = children.filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(p -> Files.isExecutable(p.resolve("bin").resolve("pg_dump")))
                    .toList();
            return newest(candidates.stream().map(p -> p.getFileName().toString()).toList())
                    .map(name -> root.resolve(name).resolve("bin"));
        } catch (IOException e) {
            // An unreadable /usr/lib/postgresql is treated like a missing one: the PATH is searched next.
            return Optional.empty();
        }
    }

    /** The highest version among directory names such as "9.6", "15", "17". */
    static Optional<String> newest(List<String> names) {
        return names.stream().filter(n -> n.matches("\\d+(\\.\\d+)?"))
                .max((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }

    /** What {@code --version} printed, by program and the size and time of its file: a replaced binary is asked again. */
    private static final java.util.Map<String, String> VERSIONS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@code program --version}, run once per binary: a job looks the tools up at each step (verify, snapshot, schema),
     * and each run is a process start.
     */
    static String cachedVersionOf(Path program) {
        String key;
        try {
            var attributes = Files.readAttributes(program, java.nio.file.attribute.BasicFileAttributes.class);
            key = program.toAbsolutePath() + "|" + attributes.size() + "|" + attributes.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return versionOf(program);
        }
        String known = VERSIONS.get(key);
        if (known != null) {
            return known;
        }
        String text = versionOf(program);
        if (VERSION.matcher(text).find()) {
            VERSIONS.put(key, text);
        }
        return text;
    }

    private static String versionOf(Path program) {
        try {
            var builder = new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true);
            ChildEnvironment.applyTo(builder.environment(), null);
            Process p = builder.start();
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                return out;
            }
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot run %s: %s; check the PostgreSQL client tools installation".formatted(program, e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted while running %s --version".formatted(program), e);
        }
    }
}
