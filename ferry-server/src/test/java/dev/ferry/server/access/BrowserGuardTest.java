package dev.ferry.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import dev.ferry.server.ServerConfig;
import dev.ferry.server.http.HttpError;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrowserGuardTest {
    private final BrowserGuard local = new BrowserGuard(HostNames.of(ServerConfig.local(8642), null), "http");
    private final BrowserGuard proxied = new BrowserGuard(HostNames.of(
            new ServerConfig("127.0.0.1", 8642, null, true, List.of("Ferry.Example.COM")), null), "https");

    private static Headers headers(String... pairs) {
        Headers headers = new Headers();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    private static int status(Runnable check) {
        try {
            check.run();
            return 200;
        } catch (HttpError e) {
            return e.status();
        }
    }

    @Test
    void acceptsTheServersOwnNamesWithAnyPort() {
        for (String host : List.of("127.0.0.1:8642", "localhost", "LOCALHOST:1", "[::1]:8642", "localhost.")) {
            assertThatCode(() -> local.check("GET", headers("Host", host))).as(host).doesNotThrowAnyException();
        }
    }

    @Test
    void refusesOtherHostsAndAMissingHost() {
        assertThat(status(() -> local.check("GET", headers("Host", "attacker.example:8642")))).isEqualTo(403);
        assertThat(status(() -> local.check("GET", headers("Host", "127.0.0.2")))).isEqualTo(403);
        assertThat(status(() -> local.check("GET", headers()))).isEqualTo(400);
    }

    @Test
    void acceptsAnAllowedProxyNameInAnyCase() {
        assertThatCode(() -> proxied.check("GET", headers("Host", "ferry.example.com"))).doesNotThrowAnyException();
    }

    @Test
    void anOriginMustBeTheServersOwnSchemeAndAuthority() {
        assertThatCode(() -> local.check("POST", headers("Host", "127.0.0.1:8642", "Origin", "http://127.0.0.1:8642",
                "Content-Type", "application/json; charset=utf-8"))).doesNotThrowAnyException();
        for (String origin : List.of("http://evil.example", "https://127.0.0.1:8642", "http://127.0.0.1:9999", "null")) {
            assertThat(status(() -> local.check("GET", headers("Host", "127.0.0.1:8642", "Origin", origin)))).as(origin)
                    .isEqualTo(403);
        }
        assertThatCode(() -> proxied.check("GET", headers("Host", "ferry.example.com", "Origin", "https://ferry.example.com")))
                .doesNotThrowAnyException();
    }

    @Test
    void aMutatingCallNeedsJson() {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
            assertThat(status(() -> local.check("POST", headers("Host", "localhost", "Content-Type", type)))).isEqualTo(415);
        }
        assertThat(status(() -> local.check("DELETE", headers("Host", "localhost")))).isEqualTo(415);
        assertThat(status(() -> local.check("GET", headers("Host", "localhost")))).isEqualTo(200);
    }

    @Test
    void hostPartDropsThePort() {
        assertThat(BrowserGuard.hostPart("example.com:443")).isEqualTo("example.com");
        assertThat(BrowserGuard.hostPart("[::1]:8642")).isEqualTo("[::1]");
        assertThat(BrowserGuard.hostPart("::1")).isEqualTo("::1");
    }

    @Test
    void aServerBeyondLoopbackWithoutTlsIsRefusedUnlessBehindAProxy() {
        assertThatThrownBy(() -> new ServerConfig("0.0.0.0", 0)).hasMessageContaining("without TLS");
        assertThatCode(() -> new ServerConfig("0.0.0.0", 0, null, true, List.of())).doesNotThrowAnyException();
    }
}
