package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small file system of its own (a tmpfs of a given size) for tests of a full disk: a database server's
 * tablespace or Ferry's home placed on it fills it, and {@link #resize} gives the space back. Mounting needs
 * root and a kernel that lets this process mount; {@link #mount} is empty otherwise, for the test to skip.
 * Close it in every case: it unmounts (lazily when something still holds a file there) and removes the mount
 * point.
 */
public final class SmallDisk implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmallDisk.class);
    private static final long COMMAND_SECONDS = 60;

    private final Path path;
    private boolean mounted;

    private SmallDisk(Path path) {
        this.path = path;
    }

    /**
     * A tmpfs of {@code megabytes} on a new directory under {@code /var/tmp} (which every database OS user can
     * reach), owned by {@code owner} (an OS user such as {@code postgres}, or null to keep root's); empty when
     * this process is not root or cannot mount.
     */
    public static Optional<SmallDisk> mount(int megabytes, String owner) {
        if (!isRoot()) {
            log.atInfo().log("not root: no small disk can be mounted");
            return Optional.empty();
        }
        Path dir;
        try {
            dir = Files.createTempDirectory(Path.of("/var/tmp"), "ferry-small-disk-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a mount point under /var/tmp", e);
        }
        var disk = new SmallDisk(dir);
        if (!run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs", dir.toString())) {
            disk.close();
            return Optional.empty();
        }
        disk.mounted = true;
        if (owner != null && !run("chown", owner + ":", dir.toString())) {
            disk.close();
            throw new IllegalStateException("could not give the small disk " + dir + " to OS user " + owner);
        }
        log.atInfo().addKeyValue("path", dir).addKeyValue("megabytes", megabytes).addKeyValue("owner", owner)
                .log("small disk mounted");
        return Optional.of(disk);
    }

    public Path path() {
        return path;
    }

    /** Grows (or shrinks, down to what is used) the disk to {@code megabytes}, at once and with its files kept. */
    public void resize(int megabytes) {
        if (!run("mount", "-o", "remount,size=" + megabytes + "m", path.toString())) {
            throw new IllegalStateException("could not resize the small disk " + path + " to " + megabytes + " MB");
        }
        log.atInfo().addKeyValue("path", path).addKeyValue("megabytes", megabytes).log("small disk resized");
    }

    /** Bytes still free on the disk. */
    public long freeBytes() {
        try {
            FileStore store = Files.getFileStore(path);
            return store.getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the free space of " + path, e);
        }
    }

    /** Fills the disk with a file at {@code name} until no byte is left; returns the file (delete it to give the space back). */
    public Path fill(String name) {
        Path filler = path.resolve(name);
        byte[] block = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            // No space left on device: the disk is full, which is what was asked for.
            log.atInfo().addKeyValue("path", filler).addKeyValue("free", freeBytes()).log("small disk filled");
        }
        return filler;
    }

    @Override
    public void close() {
        if (mounted && !run("umount", path.toString())) {
            // A server may still hold a file there: detach now, the kernel frees it when the last one closes.
            run("umount", "-l", path.toString());
        }
        mounted = false;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.atWarn().addKeyValue("path", path).setCause(e).log("could not remove the small disk's mount point");
        }
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS) && "0".equals(out);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean run(String... command) {
        List<String> argv = new ArrayList<>(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.atWarn().addKeyValue("command", argv).log("command timed out");
                return false;
            }
            if (p.exitValue() != 0) {
                log.atWarn().addKeyValue("command", argv).addKeyValue("exit", p.exitValue()).addKeyValue("output", out)
                        .log("command failed");
                return false;
            }
            return true;
        } catch (IOException e) {
            log.atWarn().addKeyValue("command", argv).setCause(e).log("command could not run");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
