package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.core.model.Role;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import dev.ferry.testkit.tls.KeytoolCertificate;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Secure by default, from the CLI's side: tokens, roles, HTTPS with a verified certificate, and where the local token may go. */
@Timeout(120)
class ApiSecurityCliIT {
    @TempDir
    static Path dir;

    private static Wiring wiring;
    private static ApiServer plain;
    private static ApiServer https;
    private static KeytoolCertificate certificate;

    @BeforeAll
    static void startServers() {
        wiring = Wiring.open(dir.resolve("home"));
        AdminTokenFile.write(AdminTokenFile.in(wiring.home()), wiring.control().tokens().bootstrapAdmin().orElseThrow().secret());
        plain = new ApiServer(ServerConfig.local(0), wiring.control());
        plain.start();
        certificate = KeytoolCertificate.create(dir.resolve("tls"), "ferry-api", "localhost", "127.0.0.1");
        https = new ApiServer(ServerConfig.localTls(0, new ServerConfig.Tls(certificate.certificate(), certificate.privateKey())),
                wiring.control());
        https.start();
    }

    @AfterAll
    static void stopServers() {
        https.close();
        plain.close();
        wiring.close();
    }


    private static CliRun ferry(String... args) {
        return CliRun.ferry(args);
    }

    private static CliRun local(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", plain.uri().toString(), "--home", wiring.home().toString()));
        return ferry(all.toArray(String[]::new));
    }

    /** The CLI as a process of its own, with {@code FERRY_TOKEN} set and no home to fall back on. */
    private static CliRun withFerryToken(String token, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), "dev.ferry.cli.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("--server", plain.uri().toString(), "--home", dir.resolve("empty-home").toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("FERRY_TOKEN", token);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new CliRun(process.exitValue(), out, err);
    }

    @Test
    void anAdminCreatesListsAndRevokesTokensAndANewTokenIsPrintedOnce() {
        CliRun created = local("tokens", "create", "reporting", "--role", "viewer", "--expires-in", "30d");

        assertThat(created.exit()).as(created.err()).isZero();
        String token = created.out().strip();
        assertThat(token).startsWith("ferry_");
        assertThat(created.err()).contains("shown only this once");
        CliRun listed = local("tokens", "list");
        assertThat(listed.out()).containsPattern("reporting\\s+viewer").doesNotContain(token);
        CliRun revoked = local("tokens", "revoke", "reporting");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(local("tokens", "list").out()).doesNotContain("reporting");
    }

    @Test
    void ferryTokenIsSentAndAViewerMayReadButNotWrite() throws Exception {
        String viewer = wiring.control().tokens().create("cli-viewer", Role.VIEWER, null, null).secret();

        CliRun read = withFerryToken(viewer, "connection-profiles", "list");
        CliRun write = withFerryToken(viewer, "tokens", "create", "sneaky", "--role", "admin");

        assertThat(read.exit()).as(read.err()).isZero();
        assertThat(write.exit()).isEqualTo(1);
        assertThat(write.err()).contains("cli-viewer").contains("may only read");
        assertThat(wiring.control().tokens().list()).noneMatch(t -> t.name().equals("sneaky"));
    }

    @Test
    void withoutATokenTheCliSaysWhereToGetOne() {
        CliRun result = ferry("connection-profiles", "list", "--server", plain.uri().toString(),
                "--home", dir.resolve("no-such-home").toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("needs an API token").contains("FERRY_TOKEN");
    }

    @Test
    void theLocalAdminTokenIsNeverSentToAServerReachedByAnotherAddress() throws Exception {
        InetAddress external = externalAddress();
        assumeThat(external).as("this machine has a non-loopback IPv4 address").isNotNull();
        var config = new ServerConfig("0.0.0.0", 0, null, true, List.of());
        try (ApiServer everywhere = new ApiServer(config, wiring.control())) {
            everywhere.start();
            String remote = "http://" + external.getHostAddress() + ":" + everywhere.port();
            String loopback = "http://127.0.0.1:" + everywhere.port();

            CliRun viaRemote = ferry("connection-profiles", "list", "--server", remote, "--home", wiring.home().toString());
            CliRun viaLoopback = ferry("connection-profiles", "list", "--server", loopback, "--home", wiring.home().toString());

            assertThat(viaRemote.exit()).isEqualTo(1);
            assertThat(viaRemote.err()).contains("needs an API token");
            assertThat(viaLoopback.exit()).as(viaLoopback.err()).isZero();
        }
    }

    @Test
    void httpsWorksWithTheCaCertificateAndTheCliRefusesACertificateItCannotVerify() {
        String url = https.uri().toString();
        String home = wiring.home().toString();
        KeytoolCertificate stranger = KeytoolCertificate.create(dir.resolve("other"), "stranger", "localhost", "127.0.0.1");

        CliRun verified = ferry("connection-profiles", "list", "--server", url, "--home", home,
                "--ca-cert", certificate.certificate().toString());
        CliRun byName = ferry("connection-profiles", "list", "--server", "https://localhost:" + https.port(), "--home", home,
                "--ca-cert", certificate.certificate().toString());
        CliRun systemCas = ferry("connection-profiles", "list", "--server", url, "--home", home);
        CliRun wrongCa = ferry("connection-profiles", "list", "--server", url, "--home", home,
                "--ca-cert", stranger.certificate().toString());

        assertThat(url).startsWith("https://");
        assertThat(verified.exit()).as(verified.err()).isZero();
        assertThat(byName.exit()).as(byName.err()).isZero();
        for (CliRun refused : List.of(systemCas, wrongCa)) {
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("Cannot verify the TLS certificate").contains("--ca-cert");
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() {
        KeytoolCertificate elsewhere = KeytoolCertificate.create(dir.resolve("elsewhere"), "elsewhere", "db.elsewhere.example");
        try (ApiServer misnamed = new ApiServer(ServerConfig.localTls(0,
                new ServerConfig.Tls(elsewhere.certificate(), elsewhere.privateKey())), wiring.control())) {
            misnamed.start();

            CliRun result = ferry("connection-profiles", "list", "--server", misnamed.uri().toString(),
                    "--home", wiring.home().toString(), "--ca-cert", elsewhere.certificate().toString());

            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.err()).contains("Cannot verify the TLS certificate");
        }
    }

    private static InetAddress externalAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return address;
                }
            }
        }
        return null;
    }
}
