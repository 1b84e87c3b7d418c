package dev.ferry.store.secret;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts secrets with AES-256-GCM under a key kept in a file only its owner may read. Each value
 * gets a fresh random 12-byte IV; the sealed text is {@code v1:} followed by base64 of IV, ciphertext
 * and tag. Thread-safe; encryption and decryption do no I/O.
 */
public final class SecretBox {
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);

    static final String PREFIX = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final SecretKey key;
    private final Path keyFile;
    private final SecureRandom random;

    private SecretBox(SecretKey key, Path keyFile, SecureRandom random) {
        this.key = key;
        this.keyFile = keyFile;
        this.random = random;
    }

    /**
     * Reads the key file, or creates it (owner read/write only, set as the file is created) when it
     * does not exist. Refuses a key file that group or others may access, or that is not a Ferry key.
     */
    public static SecretBox open(Path keyFile) {
        SecureRandom random = new SecureRandom();
        Path file = keyFile.toAbsolutePath().normalize();
        try {
            if (Files.notExists(file)) {
                create(file, random);
            }
            return new SecretBox(read(file), file, random);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot read or create the key file %s; check that the directory exists and is writable by this user"
                            .formatted(file), e);
        }
    }

    /** The file holding the key. */
    public Path keyFile() {
        return keyFile;
    }

    /** Encrypts the secret; equal secrets give different texts. */
    public String seal(Secret secret) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * Decrypts a text made by {@link #seal}. A text altered after sealing, or sealed under another key,
     * fails with {@code FAILED_PRECONDITION} naming the key file.
     */
    public Secret open(String sealed) {
        byte[] bytes = decode(sealed);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            byte[] plain = cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
            return new Secret(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    ("A stored secret cannot be decrypted with the key file %s: the key file was replaced or the "
                            + "stored value was altered. Restore the original key file, or enter the secret again")
                            .formatted(keyFile), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private byte[] decode(String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "A stored secret is not in a format this Ferry knows (expected %s...); enter the secret again"
                            .formatted(PREFIX));
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            if (bytes.length < IV_BYTES + TAG_BITS / 8) {
                throw new IllegalArgumentException("sealed secret too short: " + bytes.length + " bytes");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "A stored secret is damaged (not valid sealed text); enter the secret again", e);
        }
    }

    private static void create(Path file, SecureRandom random) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot protect the key file %s: its file system has no POSIX permissions; use a home directory on a POSIX file system"
                            .formatted(file));
        }
        Files.createDirectories(file.getParent());
        byte[] raw = new byte[KEY_BYTES];
        random.nextBytes(raw);
        // Written to a private temporary file, then linked into place: the key file appears complete and
        // owner-only in one step, and a concurrent creator's key is never overwritten.
        Path temp = Files.createTempFile(file.getParent(), ".secret-key-", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.write(temp, (Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII));
            try (var channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.createLink(file, temp);
            log.atInfo().addKeyValue("keyFile", file).log("created key file for secrets at rest; back it up with the store");
        } catch (FileAlreadyExistsException e) {
            log.atInfo().addKeyValue("keyFile", file).log("key file created concurrently by another process; using it");
        } finally {
            Files.delete(temp);
        }
        Arrays.fill(raw, (byte) 0);
    }

    private static SecretKey read(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Key file %s is accessible by other users (%s); run: chmod 600 %s"
                                .formatted(file, PosixFilePermissions.toString(permissions), file));
            }
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).strip();
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw notAKey(file, e);
        }
        if (raw.length != KEY_BYTES) {
            throw notAKey(file, null);
        }
        SecretKey key = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
        return key;
    }

    private static FerryException notAKey(Path file, Throwable cause) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Key file %s is not a Ferry key (expected %d base64-encoded bytes); restore it from backup"
                        .formatted(file, KEY_BYTES), cause);
    }
}
