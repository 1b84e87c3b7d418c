package dev.ferry.store.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The AES keys of the key file, the first one active (new secrets are sealed with it), the others kept
 * to open what was sealed before a rotation. A key's id is derived from the key itself, so a key file
 * written by an older Ferry (one key, no ids) needs no change. Immutable.
 */
record KeyRing(List<SecretKey> keys) {
    private static final byte[] ID_LABEL = "ferry-secret-key-id:".getBytes(StandardCharsets.US_ASCII);

    KeyRing {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key ring needs at least one key");
        }
        keys = List.copyOf(keys);
    }

    SecretKey active() {
        return keys.getFirst();
    }

    String activeId() {
        return id(active());
    }

    Optional<SecretKey> find(String id) {
        return keys.stream().filter(k -> id(k).equals(id)).findFirst();
    }

    /** The ring with {@code key} in front, active. */
    KeyRing withActive(SecretKey key) {
        List<SecretKey> all = new ArrayList<>();
        all.add(key);
        all.addAll(keys);
        return new KeyRing(all);
    }

    /** The ring holding only the active key. */
    KeyRing activeOnly() {
        return new KeyRing(List.of(active()));
    }

    /** Ids of every key, active first. */
    List<String> ids() {
        Map<String, SecretKey> byId = new LinkedHashMap<>();
        keys.forEach(k -> byId.put(id(k), k));
        return Collections.unmodifiableList(new ArrayList<>(byId.keySet()));
    }

    /** Eight hex digits of a SHA-256 over a label and the key: names the key without revealing it. */
    static String id(SecretKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ID_LABEL);
            sha.update(key.getEncoded());
            return HexFormat.of().formatHex(sha.digest(), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
