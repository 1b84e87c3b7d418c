package dev.ferry.provisioner.local;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.instance.InstanceRecord;
import dev.ferry.provisioner.local.process.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an instance's data and runtime files live. Normally {@code home/instances/NAME/data} and
 * {@code .../run}. When the server's OS user cannot reach the instance directory (Ferry runs as root
 * with its home under {@code /root}), the data directory moves to
 * {@code /var/lib/ferry/instances/NAME-HASH}, {@code data} becomes a symbolic link to it, and the
 * socket, pid file and log live inside it.
 */
final class InstancePlacement {
    static final Path SHARED_ROOT = Path.of("/var/lib/ferry/instances");
    private static final Logger log = LoggerFactory.getLogger(InstancePlacement.class);

    private final Path home;

    InstancePlacement(Path home) {
        this.home = home;
    }

    /** The data and run directories of a new instance in {@code instanceDir}, created and owned by {@code runAs}. */
    Placement create(Path instanceDir, String name, RunAs runAs) throws IOException {
        Path link = instanceDir.resolve("data");
        if (runAs.canReach(instanceDir)) {
            Path run = instanceDir.resolve("run");
            createOwned(link, runAs, "rwx------");
            createOwned(run, runAs, "rwxr-xr-x");
            return new Placement(link, run);
        }
        Path target = SHARED_ROOT.resolve(name + "-" + shortHash(home));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FerryException(ErrorCode.ALREADY_EXISTS,
                    "Data directory %s of instance %s already exists from an earlier instance; delete it or choose another name"
                            .formatted(target, name));
        }
        Files.createDirectories(SHARED_ROOT,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        createOwned(target, runAs, "rwx------");
        Files.createSymbolicLink(link, target);
        log.atInfo().addKeyValue("instance", name).addKeyValue("dataDir", target).addKeyValue("osUser", runAs)
                .log("instance directory not reachable by the server's OS user; data directory placed outside it");
        return new Placement(target, target);
    }

    /** Deletes the data directory (following the link into /var/lib/ferry only) and the instance directory. */
    void delete(Path instanceDir, InstanceRecord instance) throws IOException {
        if (instance != null) {
            Path data = instance.dataDir().toAbsolutePath().normalize();
            if (data.startsWith(SHARED_ROOT) || data.startsWith(instanceDir)) {
                deleteTree(data);
            } else {
                log.atWarn().addKeyValue("instance", instance.name()).addKeyValue("dataDir", data)
                        .log("data directory is outside Ferry's places; left in place, delete it by hand");
            }
        }
        deleteTree(instanceDir);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void createOwned(Path dir, RunAs runAs, String perms) throws IOException {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
        runAs.own(dir);
    }

    static String shortHash(Path path) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(path.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A new instance's data directory (the real one, not the link) and run directory. */
    record Placement(Path dataDir, Path runDir) {}
}
