package dev.ferry.cli;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.store.secret.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ferry's home directory: {@code --home}, else {@code FERRY_HOME}, else {@code ~/.ferry}. It holds the
 * key file, the store, the admin token and the logs, so it is made owner-only however it was created;
 * the one exception is a home holding managed instances run by another OS user (Ferry as root runs
 * them as {@code postgres} / {@code mysql}), which must stay traversable ({@code rwx--x--x}) for them:
 * listing and reading stay owner-only, and the store, logs and key file are owner-only themselves.
 */
public final class Homes {
    private static final Logger log = LoggerFactory.getLogger(Homes.class);

    private Homes() {}

    public static Path resolve(Path option) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String env = System.getenv("FERRY_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".ferry");
    }

    /** Creates the directory if needed, makes it owner-only (see the class comment) and returns it. */
    public static Path create(Path home) {
        try {
            if (!Files.isDirectory(home)) {
                Files.createDirectories(home);
            }
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot create Ferry's home directory %s; choose another with --home or FERRY_HOME".formatted(home), e);
        }
        String before = PrivateFiles.permissions(home);
        if (before == null) {
            return home;   // not a POSIX file system: the directory keeps the platform's default permissions
        }
        boolean traversable = instancesOfOtherUsers(home);
        String wanted = traversable ? "rwx--x--x" : "rwx------";
        if (PrivateFiles.restrict(home, wanted)) {
            var event = traversable ? log.atWarn() : log.atInfo();
            event.addKeyValue("home", home).addKeyValue("was", before).addKeyValue("now", wanted)
                    .log(traversable ? "home made private, but left traversable for managed instances run by another OS user"
                            : "home made readable by its owner only");
        }
        return home;
    }

    /** True when a managed instance's data directory inside the home belongs to another OS user. */
    private static boolean instancesOfOtherUsers(Path home) {
        Path instances = home.resolve("instances");
        if (!Files.isDirectory(instances, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> dirs = Files.list(instances)) {
            UserPrincipal owner = Files.getOwner(home);
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                Path data = dir.resolve("data");
                if (Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)
                        && !Files.getOwner(data, LinkOption.NOFOLLOW_LINKS).equals(owner)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot read the managed instances in %s; check the permissions of Ferry's home".formatted(instances), e);
        }
    }
}
