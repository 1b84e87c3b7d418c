package dev.ferry.provisioner.local.release;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one artifact's versions from a Maven repository and downloads a jar, checked against the
 * repository's SHA-1. Throws {@link IOException} when the repository cannot be reached or answers badly;
 * callers turn that into advice.
 */
public final class MavenArtifacts {
    private static final Pattern VERSION = Pattern.compile("<version>([^<]+)</version>");
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration JAR_TIMEOUT = Duration.ofMinutes(5);

    private final URI repository;
    /**
     * Made at the first download: a client loads the trusted CAs and starts a selector thread, which every start of
     * Ferry would pay for, though few ever download server binaries.
     */
    private HttpClient http;

    public MavenArtifacts(URI repository) {
        String base = repository.toString();
        this.repository = URI.create(base.endsWith("/") ? base : base + "/");
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return http;
    }

    public URI repository() {
        return repository;
    }

    /** The newest version of {@code group:artifact} whose text starts with {@code prefix}. */
    public Optional<String> newestVersion(String group, String artifact, String prefix) throws IOException {
        String metadata = fetchText(artifactUri(group, artifact, "maven-metadata.xml"), METADATA_TIMEOUT);
        var versions = new ArrayList<String>();
        var matcher = VERSION.matcher(metadata);
        while (matcher.find()) {
            String version = matcher.group(1).trim();
            if (version.startsWith(prefix)) {
                versions.add(version);
            }
        }
        return versions.stream().max(Comparator.comparing(MavenArtifacts::numbers, MavenArtifacts::compare));
    }

    /** Downloads the jar of {@code group:artifact:version} to {@code target} (atomically) after checking its SHA-1. */
    public void downloadJar(String group, String artifact, String version, Path target) throws IOException {
        String file = "%s/%s-%s.jar".formatted(version, artifact, version);
        String expected = fetchText(artifactUri(group, artifact, file + ".sha1"), METADATA_TIMEOUT)
                .strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
        Path temp = Files.createTempFile(target.getParent(), artifact, ".part");
        try {
            var request = HttpRequest.newBuilder(artifactUri(group, artifact, file)).timeout(JAR_TIMEOUT).build();
            HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest sha1 = sha1();
            try (InputStream in = new DigestInputStream(response.body(), sha1)) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = HexFormat.of().formatHex(sha1.digest());
            if (!actual.equals(expected)) {
                throw new IOException("checksum mismatch for %s: expected %s, got %s".formatted(file, expected, actual));
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private URI artifactUri(String group, String artifact, String file) {
        return repository.resolve("%s/%s/%s".formatted(group.replace('.', '/'), artifact, file));
    }

    private String fetchText(URI uri, Duration timeout) throws IOException {
        var request = HttpRequest.newBuilder(uri).timeout(timeout).build();
        return send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            HttpResponse<T> response = http().send(request, handler);
            if (response.statusCode() != 200) {
                if (response.body() instanceof InputStream in) {
                    in.close();
                }
                throw new IOException("HTTP %d for %s".formatted(response.statusCode(), request.uri()));
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + request.uri(), e);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** The numbers in a version such as {@code 13.1.0-1}: [13, 1, 0, 1]. */
    public static List<Integer> numbers(String version) {
        var parts = new ArrayList<Integer>();
        for (String part : version.split("[.-]")) {
            parts.add(part.matches("\\d{1,9}") ? Integer.parseInt(part) : 0);
        }
        return parts;
    }

    public static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int x = i < a.size() ? a.get(i) : -1;
            int y = i < b.size() ? b.get(i) : -1;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }
}
