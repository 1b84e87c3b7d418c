package dev.ferry.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.provisioner.local.process.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/** Ferry as root with its home where the database users cannot go (such as under /root). */
@Timeout(120)
class PlacementIT {
    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void placesDataOutsideAHomeTheServerUserCannotReach(EngineKind engine) throws Exception {
        assumeTrue(RunAs.isRoot(), "only root switches users");
        Path home = TestHomes.closed("ferry-placement-it");
        var provisioner = new LocalProvisioner(LocalSettings.of(home));
        try {
            Instance instance = provisioner.create(new InstanceSpec("placed", engine, null, null, Map.of(), null));

            Path link = home.resolve("instances/placed/data");
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(instance.dataDirectory()).startsWith(InstancePlacement.SHARED_ROOT);
            assertThat(Files.readSymbolicLink(link)).isEqualTo(instance.dataDirectory());
            String owner = Files.readAttributes(instance.dataDirectory(), PosixFileAttributes.class).owner().getName();
            assertThat(owner).isEqualTo(engine == EngineKind.POSTGRESQL ? "postgres" : "mysql");
            assertThat(Jdbc.single(instance.endpoint(), instance.endpoint().password(), "SELECT 1")).isEqualTo("1");

            provisioner.stop("placed");
            provisioner.start("placed");
            assertThat(Jdbc.single(instance.endpoint(), instance.endpoint().password(), "SELECT 2")).isEqualTo("2");

            provisioner.delete("placed");

            assertThat(instance.dataDirectory()).doesNotExist();
            assertThat(home.resolve("instances/placed")).doesNotExist();
        } finally {
            TestHomes.delete(home.getParent());
        }
    }
}
