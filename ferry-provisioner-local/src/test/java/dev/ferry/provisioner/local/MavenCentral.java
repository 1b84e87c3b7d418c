package dev.ferry.provisioner.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Whether a file on Maven Central can be had now, for tests that download server binaries. */
final class MavenCentral {
    private MavenCentral() {}

    /** Whether {@code path} (relative to Maven Central) answers a HEAD request with 200 within seconds. */
    static boolean reachable(String path) {
        try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            var request = HttpRequest.newBuilder(LocalSettings.MAVEN_CENTRAL.resolve(path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
