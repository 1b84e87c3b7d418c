package dev.ferry.store.secret;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts secrets with AES-256-GCM under keys kept in a file only its owner may read (see
 * {@link KeyFile}). A sealed value is bound to its owner, such as {@code connectionProfiles/src}: the
 * owner is the cipher's associated data, so a value copied into another owner's row does not open.
 * Each value gets a fresh random 12-byte IV; the text is {@code v2:KEYID:} followed by base64 of IV,
 * ciphertext and tag. Values of the first format ({@code v1:}, no owner, one key) open only through
 * {@link #openLegacy}, for the store to upgrade them.
 *
 * <p>The key rotates without downtime: {@link #rotate} makes a new key active while the old ones still
 * open what they sealed; once every value is sealed again, {@link #retireInactiveKeys} drops them. A
 * value naming a key this box does not hold makes it read the key file again, so a server picks up a
 * rotation done by another that shares its key file. Thread-safe; sealing and opening do no I/O.
 */
public final class SecretBox {
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);

    static final String LEGACY_PREFIX = "v1:";
    static final String PREFIX = "v2:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** The key file, or null when the key was given in the environment (it cannot rotate then). */
    private final KeyFile keyFile;
    private final SecureRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile KeyRing ring;

    private SecretBox(KeyFile keyFile, KeyRing ring, SecureRandom random) {
        this.keyFile = keyFile;
        this.ring = ring;
        this.random = random;
    }

    /**
     * Reads the key file, or creates it (owner read/write only, set as the file is created) when it
     * does not exist. Refuses a key file that group or others may access, or that is not a Ferry key.
     */
    public static SecretBox open(Path keyFile) {
        SecureRandom random = new SecureRandom();
        KeyFile file = new KeyFile(keyFile.toAbsolutePath().normalize());
        try {
            file.createIfMissing(random);
            return new SecretBox(file, file.read(), random);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot read or create the key file %s; check that the directory exists and is writable by this user"
                            .formatted(file.path()), e);
        }
    }

    /**
     * Reads the key file every node sharing the store was given ({@code --secret-key-file}); unlike {@link #open}, a
     * missing file is refused, not created: each node must read the same key.
     */
    public static SecretBox openShared(Path keyFile) {
        if (!java.nio.file.Files.exists(keyFile)) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Secret key file %s does not exist; give every server "
                    + "sharing the store the same key file (copy it from the first one), or leave --secret-key-file out "
                    + "to use the key in the home").formatted(keyFile));
        }
        return open(keyFile);
    }

    /**
     * A box holding the one key given as base64 text in the environment variable {@code variable}; it cannot rotate
     * (nothing to write the new key to).
     */
    public static SecretBox ofKey(Secret base64Key, String variable) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.reveal().strip());
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != KeyFile.KEY_BYTES) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("%s is not a Ferry key: it must hold %d base64-encoded "
                    + "random bytes, such as the output of: head -c %d /dev/urandom | base64")
                    .formatted(variable, KeyFile.KEY_BYTES, KeyFile.KEY_BYTES));
        }
        var key = new javax.crypto.spec.SecretKeySpec(raw, "AES");
        java.util.Arrays.fill(raw, (byte) 0);
        return new SecretBox(null, new KeyRing(List.of(key)), new SecureRandom());
    }

    private String replaced() {
        return keyFile == null ? "the key was replaced" : "the key file was replaced";
    }

    /** The file holding the keys; null when the key was given in the environment. */
    public Path keyFile() {
        return keyFile == null ? null : keyFile.path();
    }

    /** Where the keys come from, for messages: the key file, or the environment. */
    private String where() {
        return keyFile == null ? "the secret key given in the environment" : "the key file " + keyFile.path();
    }

    /** The id of the key new secrets are sealed with. */
    public String activeKeyId() {
        return ring.activeId();
    }

    /** The ids of every key held, the active one first. */
    public List<String> keyIds() {
        return ring.ids();
    }

    /** Encrypts the secret for {@code owner} with the active key; equal secrets give different texts. */
    public String seal(Secret secret, String owner) {
        KeyRing keys = ring;
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, keys.active(), iv, owner,
                secret.reveal().getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[IV_BYTES + sealed.length];
        System.arraycopy(iv, 0, out, 0, IV_BYTES);
        System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
        return PREFIX + keys.activeId() + ":" + Base64.getEncoder().encodeToString(out);
    }

    /**
     * Decrypts a text made by {@link #seal} for the same {@code owner}. A text altered after sealing,
     * sealed for another owner, or under a key that is not in the key file, fails with
     * {@code FAILED_PRECONDITION} naming the key file.
     */
    public Secret open(String sealed, String owner) {
        if (sealed != null && sealed.startsWith(LEGACY_PREFIX)) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "A stored secret is still in the first format, which Ferry upgrades when the store opens; restart Ferry");
        }
        if (sealed == null || !sealed.startsWith(PREFIX) || sealed.indexOf(':', PREFIX.length()) < 0) {
            throw unknownFormat();
        }
        int colon = sealed.indexOf(':', PREFIX.length());
        String keyId = sealed.substring(PREFIX.length(), colon);
        SecretKey key = key(keyId);
        return decrypt(key, decode(sealed.substring(colon + 1)), owner);
    }

    /** Decrypts a value of the first format ({@code v1:}, sealed with the first key and no owner). */
    public Secret openLegacy(String sealed) {
        if (sealed == null || !sealed.startsWith(LEGACY_PREFIX)) {
            throw unknownFormat();
        }
        byte[] bytes = decode(sealed.substring(LEGACY_PREFIX.length()));
        FerryException last = null;
        for (SecretKey key : ring.keys()) {
            try {
                return decrypt(key, bytes, null);
            } catch (FerryException e) {
                last = e;
            }
        }
        throw last;
    }

    /** True when {@code sealed} is in the current format and sealed with the active key. */
    public boolean isCurrent(String sealed) {
        return sealed != null && sealed.startsWith(PREFIX + ring.activeId() + ":");
    }

    /** True when {@code sealed} is in the first format, without owner. */
    public static boolean isLegacy(String sealed) {
        return sealed != null && sealed.startsWith(LEGACY_PREFIX);
    }

    /**
     * Makes a new key active, keeping the others to open what they sealed, and writes the key file.
     * Returns the new key's id.
     */
    public String rotate() {
        lock.lock();
        try {
            if (keyFile == null) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, "The secret key is given in the environment "
                        + "(FERRY_SECRET_KEY), where Ferry cannot write a new one; to rotate it, give the servers a key file "
                        + "with --secret-key-file instead");
            }
            KeyRing rotated = readFile().withActive(KeyFile.newKey(random));
            writeFile(rotated);
            ring = rotated;
            log.atInfo().addKeyValue("keyFile", keyFile.path()).addKeyValue("activeKey", rotated.activeId())
                    .log("new key for secrets at rest is active; the previous ones still open older secrets");
            return rotated.activeId();
        } finally {
            lock.unlock();
        }
    }

    /** Drops every key but the active one from the key file; call once nothing is sealed with them. */
    public void retireInactiveKeys() {
        lock.lock();
        try {
            KeyRing current = ring;
            if (current.keys().size() == 1) {
                return;
            }
            KeyRing retired = current.activeOnly();
            writeFile(retired);
            ring = retired;
            log.atInfo().addKeyValue("keyFile", keyFile.path()).addKeyValue("activeKey", retired.activeId())
                    .log("older keys for secrets at rest removed from the key file");
        } finally {
            lock.unlock();
        }
    }

    private SecretKey key(String id) {
        var found = ring.find(id);
        if (found.isPresent()) {
            return found.get();
        }
        lock.lock();
        try {
            // Another server sharing this key file may have rotated: read it again once.
            KeyRing reread = readFile();
            if (reread.find(id).isPresent()) {
                ring = reread;
                return reread.find(id).get();
            }
        } finally {
            lock.unlock();
        }
        throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                ("A stored secret was sealed with key %s, which %s does not hold: %s "
                        + "or rotated elsewhere. Restore the key that holds it, or enter the secret again")
                        .formatted(id, where(), replaced()));
    }

    private Secret decrypt(SecretKey key, byte[] bytes, String owner) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            if (owner != null) {
                cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            }
            byte[] plain = cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
            return new Secret(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    ("A stored secret cannot be decrypted with %s: %s, or the "
                            + "stored value was altered or moved from another record. Restore the original key, "
                            + "or enter the secret again").formatted(where(), replaced()), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private static byte[] crypt(int mode, SecretKey key, byte[] iv, String owner, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private static byte[] decode(String base64) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            if (bytes.length < IV_BYTES + TAG_BITS / 8) {
                throw new IllegalArgumentException("sealed secret too short: " + bytes.length + " bytes");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "A stored secret is damaged (not valid sealed text); enter the secret again", e);
        }
    }

    private static FerryException unknownFormat() {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                "A stored secret is not in a format this Ferry knows (expected %s...); enter the secret again"
                        .formatted(PREFIX));
    }

    private KeyRing readFile() {
        if (keyFile == null) {
            return ring;
        }
        try {
            return keyFile.read();
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot read the key file %s; check that it exists and is readable by this user".formatted(keyFile.path()), e);
        }
    }

    private void writeFile(KeyRing keys) {
        try {
            keyFile.write(keys);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot write the key file %s; check that its directory is writable by this user; nothing was changed"
                            .formatted(keyFile.path()), e);
        }
    }
}
