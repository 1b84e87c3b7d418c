package dev.ferry.engine.postgres.connect;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.SecretKeyFactorySpi;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers the keys SCRAM derives, so that a connection to a server Ferry connected to before does not derive the
 * same key again. The driver's SCRAM (scram-sha-256, PostgreSQL's default authentication) runs PBKDF2 with the
 * server's salt and iteration count (4096) at every connection: 8,192 SHA-256 blocks, about 15 ms of CPU in a JVM
 * that does not optimise beyond its first compiler tier, as a one-time migration runs. A one-row migration opens about
 * 30 connections, so that was a third of its time. The result depends only on the password, the salt and the count, so
 * it can be kept: this JCE provider, put first, answers {@value #ALGORITHM} from memory when it has the answer and
 * asks the next provider (the JDK's) otherwise. It holds nothing the process does not hold already (the password
 * itself is in the connection profile); entries are keyed by a SHA-256 digest of the inputs, not by the password, and
 * at most {@value #MAX_ENTRIES} are kept. Thread-safe.
 */
public final class ScramKeys extends Provider {
    static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    static final int MAX_ENTRIES = 64;
    private static final String NAME = "FerryScramKeys";
    private static final long serialVersionUID = 1L;

    private static final Map<String, byte[]> KEYS = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > MAX_ENTRIES;
        }
    };
    /** How many keys were derived (not found in memory): for tests. */
    static final AtomicLong DERIVED = new AtomicLong();

    private ScramKeys() {
        super(NAME, "1.0", "Keys derived for SCRAM authentication, remembered per password, salt and iteration count");
        putService(new Service(this, "SecretKeyFactory", ALGORITHM, Factory.class.getName(), null, null) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new Factory();
            }
        });
    }

    /** Puts the provider first, once per JVM; a JVM whose security policy refuses it keeps deriving every time. */
    public static synchronized void install() {
        if (Security.getProvider(NAME) != null) {
            return;
        }
        try {
            Security.insertProviderAt(new ScramKeys(), 1);
        } catch (SecurityException e) {
            // not allowed here: SCRAM still works, only slower
        }
    }

    /** The JDK's own factory (the first provider after this one). */
    private static SecretKeyFactory next() throws NoSuchAlgorithmException {
        for (Provider p : Security.getProviders("SecretKeyFactory." + ALGORITHM)) {
            if (!NAME.equals(p.getName())) {
                return SecretKeyFactory.getInstance(ALGORITHM, p);
            }
        }
        throw new NoSuchAlgorithmException(ALGORITHM + " is available from no other provider");
    }

    static byte[] derive(PBEKeySpec spec) throws InvalidKeySpecException {
        String key = digest(spec);
        synchronized (KEYS) {
            byte[] known = KEYS.get(key);
            if (known != null) {
                return known.clone();
            }
        }
        byte[] derived;
        try {
            derived = next().generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException e) {
            throw new InvalidKeySpecException(e);
        }
        DERIVED.incrementAndGet();
        synchronized (KEYS) {
            KEYS.put(key, derived.clone());
        }
        return derived;
    }

    /** SHA-256 of the password (UTF-8), the salt, the iteration count and the key length, each length-prefixed. */
    private static String digest(PBEKeySpec spec) {
        char[] password = spec.getPassword();
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        Arrays.fill(password, '\0');
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] salt = spec.getSalt();
            sha.update(ByteBuffer.allocate(16).putInt(bytes.remaining()).putInt(salt.length)
                    .putInt(spec.getIterationCount()).putInt(spec.getKeyLength()).array());
            sha.update(bytes.duplicate());
            sha.update(salt);
            return Base64.getEncoder().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        } finally {
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }

    /** The factory the JCE hands out for {@value #ALGORITHM}: keys from memory or from the next provider. */
    static final class Factory extends SecretKeyFactorySpi {
        @Override
        protected SecretKey engineGenerateSecret(KeySpec spec) throws InvalidKeySpecException {
            if (!(spec instanceof PBEKeySpec pbe) || pbe.getSalt() == null || pbe.getKeyLength() <= 0) {
                try {
                    return next().generateSecret(spec);
                } catch (NoSuchAlgorithmException e) {
                    throw new InvalidKeySpecException(e);
                }
            }
            return new SecretKeySpec(derive(pbe), ALGORITHM);
        }

        @Override
        protected KeySpec engineGetKeySpec(SecretKey key, Class<?> keySpec) throws InvalidKeySpecException {
            try {
                return next().getKeySpec(key, keySpec);
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidKeySpecException(e);
            }
        }

        @Override
        protected SecretKey engineTranslateKey(SecretKey key) throws InvalidKeyException {
            try {
                return next().translateKey(key);
            } catch (NoSuchAlgorithmException e) {
                throw new InvalidKeyException(e);
            }
        }
    }
}
