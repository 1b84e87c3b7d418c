package dev.ferry.engine.postgres.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScramKeysTest {
    @BeforeAll
    static void install() {
        ScramKeys.install();
    }

    private static byte[] jdk(String password, byte[] salt, int iterations) throws Exception {
        return SecretKeyFactory.getInstance(ScramKeys.ALGORITHM, "SunJCE")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    }

    private static byte[] viaJce(String password, byte[] salt, int iterations) throws Exception {
        // as the driver's SCRAM asks for it: by algorithm name, from whichever provider comes first
        return SecretKeyFactory.getInstance(ScramKeys.ALGORITHM)
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    }

    @Test
    void theFirstProviderForTheAlgorithmIsTheCacheAndAnswersAsTheJdkDoes() throws Exception {
        assertThat(SecretKeyFactory.getInstance(ScramKeys.ALGORITHM).getProvider().getName()).isEqualTo("FerryScramKeys");
        byte[] salt = "salt-one".getBytes(StandardCharsets.UTF_8);
        assertThat(viaJce("pässword", salt, 4096)).isEqualTo(jdk("pässword", salt, 4096));
    }

    @Test
    void aKeyIsDerivedOncePerPasswordSaltAndCount() throws Exception {
        byte[] salt = "salt-two".getBytes(StandardCharsets.UTF_8);
        long before = ScramKeys.DERIVED.get();
        byte[] first = viaJce("secret", salt, 4096);
        byte[] again = viaJce("secret", salt, 4096);
        assertThat(again).isEqualTo(first);
        assertThat(ScramKeys.DERIVED.get() - before).isEqualTo(1);
        // any other input is derived anew, and differs
        assertThat(viaJce("secret2", salt, 4096)).isNotEqualTo(first).isEqualTo(jdk("secret2", salt, 4096));
        assertThat(viaJce("secret", "salt-three".getBytes(StandardCharsets.UTF_8), 4096)).isNotEqualTo(first);
        assertThat(viaJce("secret", salt, 4097)).isNotEqualTo(first).isEqualTo(jdk("secret", salt, 4097));
        assertThat(ScramKeys.DERIVED.get() - before).isEqualTo(4);
    }

    @Test
    void aReturnedKeyCanBeClearedWithoutChangingTheNextAnswer() throws Exception {
        byte[] salt = "salt-four".getBytes(StandardCharsets.UTF_8);
        byte[] first = viaJce("x", salt, 1000);
        byte[] copy = first.clone();
        java.util.Arrays.fill(first, (byte) 0);
        assertThat(viaJce("x", salt, 1000)).isEqualTo(copy);
    }

    @Test
    void installingTwiceKeepsOneProvider() {
        ScramKeys.install();
        assertThat(java.util.Arrays.stream(java.security.Security.getProviders()).filter(p -> p.getName().equals("FerryScramKeys")))
                .hasSize(1);
    }
}
