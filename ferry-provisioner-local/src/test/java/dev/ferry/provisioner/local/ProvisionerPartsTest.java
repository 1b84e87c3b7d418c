package dev.ferry.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.provisioner.local.process.LogTail;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ProvisionerPartsTest {
    @Test
    void generatesUrlSafeDistinctPasswords() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 100; i++) {
            String password = Passwords.generate().reveal();
            assertThat(password).matches("[A-Za-z0-9_-]{32}");
            seen.add(password);
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void hashesTheHomePathShortAndStably() {
        assertThat(InstancePlacement.shortHash(Path.of("/root/.ferry")))
                .matches("[0-9a-f]{8}")
                .isEqualTo(InstancePlacement.shortHash(Path.of("/root/./.ferry")))
                .isNotEqualTo(InstancePlacement.shortHash(Path.of("/root/.ferry2")));
    }

    @Test
    void quotesTheLastLinesOfALog() {
        assertThat(LogTail.lastLines("a\nb\n\nc\nd\n", 2)).isEqualTo("c\nd");
        assertThat(LogTail.lastLines("only", 5)).isEqualTo("only");
    }

    @Test
    void isRegisteredAsTheLocalProvisioner() {
        var providers = ServiceLoader.load(dev.ferry.core.spi.provision.ProvisionerProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(providers).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo("local");
            assertThat(p).isInstanceOf(LocalProvisionerProvider.class);
        });
    }

    @Test
    void defaultsKeepTheCacheInTheHome() {
        var settings = LocalSettings.of(Path.of("/srv/ferry"));
        assertThat(settings.cacheDir()).isEqualTo(Path.of("/srv/ferry/cache"));
        assertThat(settings.instancesDir()).isEqualTo(Path.of("/srv/ferry/instances"));
        assertThat(settings.mavenRepository()).isEqualTo(LocalSettings.MAVEN_CENTRAL);
    }
}
