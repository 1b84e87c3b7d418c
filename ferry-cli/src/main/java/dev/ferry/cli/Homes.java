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
 * Ferry's home directory: {@code --home}, else {@code FERRY_HOME}, else {@code $HOME/.ferry}. It holds the
 * key file, the store, the admin token and the logs, so it is made owner-only however it was created;
 * the one exception is a home holding managed instances run by another OS user (Ferry as root runs
 * them as {@code postgres} / {@code mysql}), which must stay traversable ({@code rwx--x--x}) for them:
 * listing and reading stay owner-only, and the store, logs and key file are owner-only themselves.
 */
public final class Homes {
    private static final Logger log = LoggerFactory.getLogger(Homes.class);

    private Homes() {}

    public static Path resolve(Path option) {
        return resolve(option, System.getenv(), System.getProperty("user.home"));
    }

    /**
     * {@code option}, else {@code FERRY_HOME} of {@code env}, else {@code .ferry} under {@code HOME} of {@code env}, as
     * shells and other tools read it ({@code HOME=/tmp/x ferry demo} writes under /tmp/x); {@code accountHome} (the
     * JVM's {@code user.home}, the account's home in the password database) only when HOME is not set.
     */
    static Path resolve(Path option, java.util.Map<String, String> env, String accountHome) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String ferryHome = env.get("FERRY_HOME");
        if (ferryHome != null && !ferryHome.isBlank()) {
            return Path.of(ferryHome).toAbsolutePath().normalize();
        }
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : accountHome, ".ferry").toAbsolutePath().normalize();
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
