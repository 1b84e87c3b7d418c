package dev.ferry.store.secret;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key file: one base64 AES-256 key a line, the first active; lines starting with {@code #} are
 * comments. Always owner read/write only: created that way, rewritten through a private temporary file
 * moved into place atomically, and refused when group or others may access it. Not thread-safe; the
 * {@link SecretBox} serialises writes.
 */
final class KeyFile {
    private static final Logger log = LoggerFactory.getLogger(KeyFile.class);

    static final int KEY_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path file;

    KeyFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** Creates the file with one new key unless it exists (a concurrent creator's key is never overwritten). */
    void createIfMissing(SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        requirePosix();
        Files.createDirectories(file.getParent());
        Path temp = writeTemp(List.of(newKey(random)));
        try {
            Files.createLink(file, temp);
            log.atInfo().addKeyValue("keyFile", file).log("created key file for secrets at rest; back it up with the store");
        } catch (FileAlreadyExistsException e) {
            log.atInfo().addKeyValue("keyFile", file).log("key file created concurrently by another process; using it");
        } finally {
            Files.delete(temp);
        }
    }

    KeyRing read() throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Key file %s is accessible by other users (%s); run: chmod 600 %s"
                                .formatted(file, PosixFilePermissions.toString(permissions), file));
            }
        }
        List<SecretKey> keys = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            keys.add(decode(text));
        }
        if (keys.isEmpty()) {
            throw notAKey(null);
        }
        return new KeyRing(keys);
    }

    /** Replaces the file's keys with {@code ring}'s, atomically: a reader sees the old file or the new one. */
    void write(KeyRing ring) throws IOException {
        Path temp = writeTemp(ring.keys());
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static SecretKey newKey(SecureRandom random) {
        byte[] raw = new byte[KEY_BYTES];
        random.nextBytes(raw);
        SecretKey key = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
        return key;
    }

    private Path writeTemp(List<SecretKey> keys) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), ".secret-key-", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        StringBuilder text = new StringBuilder("# Ferry's keys for secrets at rest; the first seals new secrets. Keep owner-only.\n");
        for (SecretKey key : keys) {
            text.append(Base64.getEncoder().encodeToString(key.getEncoded())).append('\n');
        }
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        try (var channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return temp;
    }

    private void requirePosix() {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot protect the key file %s: its file system has no POSIX permissions; use a home directory on a POSIX file system"
                            .formatted(file));
        }
    }

    private SecretKey decode(String text) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw notAKey(e);
        }
        if (raw.length != KEY_BYTES) {
            throw notAKey(null);
        }
        SecretKey key = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
        return key;
    }

    private FerryException notAKey(Throwable cause) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Key file %s is not a Ferry key (expected lines of %d base64-encoded bytes); restore it from backup"
                        .formatted(file, KEY_BYTES), cause);
    }
}
