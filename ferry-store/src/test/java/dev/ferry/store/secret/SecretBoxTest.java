package dev.ferry.store.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    private static final String OWNER = "connectionProfiles/src";

    @TempDir
    Path home;

    @Test
    void aValueSealedForOneOwnerDoesNotOpenForAnother() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));
        String sealed = box.seal(new Secret("pw"), "connectionProfiles/a");

        assertThatThrownBy(() -> box.open(sealed, "connectionProfiles/b"))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("moved from another record");
        assertThat(box.open(sealed, "connectionProfiles/a").reveal()).isEqualTo("pw");
    }

    @Test
    void aValueOfTheFirstFormatOpensOnlyThroughTheUpgradePath() throws Exception {
        Path keyFile = home.resolve("secret.key");
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(raw) + "\n");   // a key file of the first format
        String legacy = legacySeal(raw, "old password");
        SecretBox box = SecretBox.open(keyFile);

        assertThat(box.openLegacy(legacy).reveal()).isEqualTo("old password");
        assertThat(SecretBox.isLegacy(legacy)).isTrue();
        assertThatThrownBy(() -> box.open(legacy, OWNER)).isInstanceOf(FerryException.class)
                .hasMessageContaining("restart Ferry");
    }

    @Test
    void rotationKeepsOldValuesOpenUntilTheOldKeyIsRetired() throws Exception {
        Path keyFile = home.resolve("secret.key");
        SecretBox box = SecretBox.open(keyFile);
        String oldId = box.activeKeyId();
        String before = box.seal(new Secret("before"), OWNER);

        String newId = box.rotate();
        String after = box.seal(new Secret("after"), OWNER);

        assertThat(newId).isNotEqualTo(oldId);
        assertThat(box.keyIds()).containsExactly(newId, oldId);
        assertThat(box.open(before, OWNER).reveal()).isEqualTo("before");
        assertThat(after).startsWith("v2:" + newId + ":");
        assertThat(box.isCurrent(before)).isFalse();
        assertThat(box.isCurrent(after)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

        box.retireInactiveKeys();

        assertThat(SecretBox.open(keyFile).keyIds()).containsExactly(newId);
        assertThat(box.open(after, OWNER).reveal()).isEqualTo("after");
        assertThatThrownBy(() -> box.open(before, OWNER)).isInstanceOf(FerryException.class)
                .hasMessageContaining("does not hold");
    }

    @Test
    void aBoxSharingTheKeyFilePicksUpARotationMadeByAnother() {
        Path keyFile = home.resolve("secret.key");
        SecretBox first = SecretBox.open(keyFile);
        SecretBox second = SecretBox.open(keyFile);

        first.rotate();
        String sealed = first.seal(new Secret("shared"), OWNER);

        assertThat(second.open(sealed, OWNER).reveal()).isEqualTo("shared");
    }

    /** What the first format wrote: "v1:" and base64 of IV, ciphertext and tag, no associated data. */
    private static String legacySeal(byte[] key, String value) throws Exception {
        byte[] iv = new byte[12];
        new java.security.SecureRandom().nextBytes(iv);
        var cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, iv));
        byte[] sealed = cipher.doFinal(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] out = new byte[iv.length + sealed.length];
        System.arraycopy(iv, 0, out, 0, iv.length);
        System.arraycopy(sealed, 0, out, iv.length, sealed.length);
        return "v1:" + Base64.getEncoder().encodeToString(out);
    }

    @Test
    void sealedSecretOpensToTheSameValue() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));

        String sealed = box.seal(new Secret("pa55 wörd ✓"), OWNER);

        assertThat(box.open(sealed, OWNER).reveal()).isEqualTo("pa55 wörd ✓");
        assertThat(sealed).startsWith("v2:" + box.activeKeyId() + ":").doesNotContain("pa55");
    }

    @Test
    void emptySecretRoundTrips() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));

        assertThat(box.open(box.seal(new Secret(""), OWNER), OWNER).reveal()).isEmpty();
    }

    @Test
    void equalSecretsSealToDifferentTexts() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));

        assertThat(box.seal(new Secret("same"), OWNER)).isNotEqualTo(box.seal(new Secret("same"), OWNER));
    }

    @Test
    void keyIsKeptAcrossOpens() {
        String sealed = SecretBox.open(home.resolve("secret.key")).seal(new Secret("kept"), OWNER);

        assertThat(SecretBox.open(home.resolve("secret.key")).open(sealed, OWNER).reveal()).isEqualTo("kept");
    }

    @Test
    void alteredTextIsRejectedWithoutCryptoJargon() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));
        String prefix = "v2:" + box.activeKeyId() + ":";
        byte[] bytes = Base64.getDecoder().decode(box.seal(new Secret("value"), OWNER).substring(prefix.length()));
        bytes[bytes.length - 1] ^= 1;
        String altered = prefix + Base64.getEncoder().encodeToString(bytes);

        assertThatThrownBy(() -> box.open(altered, OWNER))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("cannot be decrypted")
                .hasMessageContaining(box.keyFile().toString())
                .hasMessageNotContaining("Tag mismatch");
    }

    @Test
    void textSealedUnderAnotherKeyIsRejectedNamingTheKeyFile() {
        String sealed = SecretBox.open(home.resolve("a/secret.key")).seal(new Secret("value"), OWNER);
        SecretBox other = SecretBox.open(home.resolve("b/secret.key"));

        assertThatThrownBy(() -> other.open(sealed, OWNER))
                .isInstanceOf(FerryException.class)
                .hasMessageContaining("the key file was replaced")
                .hasMessageContaining(home.resolve("b/secret.key").toString());
    }

    @Test
    void garbageIsRejectedAsDamaged() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));

        assertThatThrownBy(() -> box.open("v2:" + box.activeKeyId() + ":%%%", OWNER))
                .isInstanceOf(FerryException.class).hasMessageContaining("damaged");
        assertThatThrownBy(() -> box.open("plain text", OWNER))
                .isInstanceOf(FerryException.class).hasMessageContaining("not in a format");
    }

    @Test
    void createdKeyFileIsReadableByItsOwnerOnly() throws Exception {
        Path keyFile = home.resolve("new/home/secret.key");

        SecretBox.open(keyFile);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(keyFile)).filteredOn(line -> !line.startsWith("#"))
                .singleElement().satisfies(line -> assertThat(Base64.getDecoder().decode(line)).hasSize(32));
        try (var files = Files.list(keyFile.getParent())) {
            assertThat(files).containsExactly(keyFile);
        }
    }

    @Test
    void groupReadableKeyFileIsRefusedWithTheChmodRemedy() throws Exception {
        Path keyFile = home.resolve("secret.key");
        SecretBox.open(keyFile);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> SecretBox.open(keyFile))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("chmod 600 " + keyFile);
    }

    @Test
    void worldReadableKeyFileIsRefused() throws Exception {
        Path keyFile = home.resolve("secret.key");
        SecretBox.open(keyFile);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw----r--"));

        assertThatThrownBy(() -> SecretBox.open(keyFile))
                .isInstanceOf(FerryException.class).hasMessageContaining("chmod 600 " + keyFile);
    }

    @Test
    void keyFileOfTheWrongSizeIsRefused() throws Exception {
        Path keyFile = home.resolve("secret.key");
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[16]));

        assertThatThrownBy(() -> SecretBox.open(keyFile))
                .isInstanceOf(FerryException.class).hasMessageContaining("is not a Ferry key");
    }
}
