package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Another PostgreSQL major through {@link LocalPostgres#sharedVersion}; skipped when it would need an unreachable Maven Central. */
@Tag("network")
@Timeout(300)
class SharedVersionIT {
    private static final String MAJOR = "16";

    @Test
    void sharedVersionGivesAServerOfThatMajor() {
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/postgresql/" + MAJOR + "/bin")) || mavenCentralReachable(),
                "PostgreSQL " + MAJOR + " is not installed and Maven Central is unreachable: skipping");
        var pg16 = LocalPostgres.sharedVersion(MAJOR);

        var db = pg16.freshDatabase();

        assertThat(pg16.instance().version()).startsWith(MAJOR + ".");
        assertThat(db.query("SHOW server_version_num").getFirst().getFirst().toString()).startsWith(MAJOR + "0");
        assertThat(db.query("SHOW wal_level").getFirst()).containsExactly("logical");
    }

    private static boolean mavenCentralReachable() {
        try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            var request = HttpRequest.newBuilder(URI.create("https://repo1.maven.org/maven2/"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
