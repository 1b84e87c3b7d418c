package dev.ferry.store;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versioned migration scripts of the store's schema ({@code V<version>__<description>.sql}, Flyway's naming)
 * in a class path directory, in version order, read from a jar or from a directory. Pure but for reading them.
 */
final class SchemaScripts {
    private static final Pattern NAME = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.+\\.sql");

    /** One script: its version as Flyway writes it (1, 2.1) and its SQL text. */
    record Script(String version, String sql) {}

    private SchemaScripts() {}

    /** The scripts in class path directory {@code directory} (no leading slash), lowest version first. */
    static List<Script> list(String directory) {
        URL url = SchemaScripts.class.getClassLoader().getResource(directory);
        if (url == null) {
            throw missing(directory, null);
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                return readJar(uri);
            }
            return read(Path.of(uri));
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw missing(directory, e);
        }
    }

    /** Reads the jar through a zip file system of its own, or through the one open already. */
    private static synchronized List<Script> readJar(URI uri) throws IOException {
        FileSystem jar;
        try {
            jar = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
            return read(FileSystems.getFileSystem(uri).provider().getPath(uri));
        }
        try (jar) {
            return read(jar.provider().getPath(uri));
        }
    }

    private static List<Script> read(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> entries = Files.list(directory)) {
            files = entries.toList();
        }
        List<Script> scripts = new ArrayList<>();
        for (Path file : files) {
            Matcher m = NAME.matcher(file.getFileName().toString());
            if (m.matches()) {
                scripts.add(new Script(m.group(1).replace('_', '.'), Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        if (scripts.isEmpty()) {
            throw new IOException("no migration script in " + directory);
        }
        scripts.sort(Comparator.comparing(Script::version, SchemaScripts::compareVersions));
        return scripts;
    }

    /** Compares versions part by part as numbers: 2 before 10, 1.1 before 1.2. */
    static int compareVersions(String a, String b) {
        long[] x = Arrays.stream(a.split("\\.")).mapToLong(Long::parseLong).toArray();
        long[] y = Arrays.stream(b.split("\\.")).mapToLong(Long::parseLong).toArray();
        return Arrays.compare(x, y);
    }

    private static FerryException missing(String directory, Exception cause) {
        return new FerryException(ErrorCode.INTERNAL,
                "Cannot read the schema scripts of the metadata store (class path %s); this Ferry build is incomplete"
                        .formatted(directory), cause);
    }
}
