package dev.ferry.provisioner.local.process;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system user a database server runs as. When Ferry runs as root, servers run as their
 * engine's user ({@code postgres}, {@code mysql}) and own their directories; otherwise they run as the
 * current user and nothing changes owner. {@code user} is null in the second case.
 */
public record RunAs(String user) {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);

    /** The engine's user when this process is root, the current user otherwise. */
    public static RunAs forServer(String engineUser) {
        if (!isRoot()) {
            return new RunAs(null);
        }
        var exists = Command.run("id", List.of("id", "-u", engineUser), null, CHECK_TIMEOUT);
        if (!exists.succeeded()) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    ("Ferry runs as root, so the database server must run as OS user '%s', which does not exist; "
                            + "create it (useradd --system %s) or run Ferry as a regular user")
                            .formatted(engineUser, engineUser));
        }
        return new RunAs(engineUser);
    }

    /** Whether this JVM runs as root (uid 0). */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Whether commands switch user ({@code runuser}) and files change owner. */
    public boolean switchesUser() {
        return user != null;
    }

    /** {@code argv} run as this user ({@code runuser -u USER -- argv} when switching). */
    public List<String> wrap(List<String> argv) {
        if (user == null) {
            return List.copyOf(argv);
        }
        var wrapped = new ArrayList<String>(List.of("runuser", "-u", user, "--"));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Gives {@code path} (not recursively) to this user and its group of the same name, when switching. */
    public void own(Path path) {
        if (user == null) {
            return;
        }
        try {
            var lookup = path.getFileSystem().getUserPrincipalLookupService();
            var view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(lookup.lookupPrincipalByName(user));
            view.setGroup(lookup.lookupPrincipalByGroupName(user));
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Could not give %s to OS user %s; check that Ferry runs as root and the file system allows chown"
                            .formatted(path, user), e);
        }
    }

    /** Whether this user can reach {@code dir} (every directory on the way is searchable for it). */
    public boolean canReach(Path dir) {
        if (user == null) {
            return true;
        }
        return Command.run("test", wrap(List.of("test", "-x", dir.toString())), null, CHECK_TIMEOUT).succeeded();
    }

    /** The home directory of this user (from /etc/passwd), or null for Ferry's own user: the child keeps HOME. */
    public String home() {
        if (user == null) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 7 && fields[0].equals(user)) {
                    return fields[5];
                }
            }
        } catch (IOException e) {
            // No passwd file to read: the server gets "/" as its home, which it does not use.
            return "/";
        }
        return "/";
    }

    @Override
    public String toString() {
        return user == null ? System.getProperty("user.name") : user;
    }
}
