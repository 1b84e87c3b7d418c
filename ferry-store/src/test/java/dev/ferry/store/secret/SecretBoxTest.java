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
    @TempDir
    Path home;

    @Test
    void sealedSecretOpensToTheSameValue() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));

        String sealed = box.seal(new Secret("pa55 wörd ✓"));

        assertThat(box.open(sealed).reveal()).isEqualTo("pa55 wörd ✓");
        assertThat(sealed).startsWith("v1:").doesNotContain("pa55");
    }

    @Test
    void emptySecretRoundTrips() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));

        assertThat(box.open(box.seal(new Secret(""))).reveal()).isEmpty();
    }

    @Test
    void equalSecretsSealToDifferentTexts() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));

        assertThat(box.seal(new Secret("same"))).isNotEqualTo(box.seal(new Secret("same")));
    }

    @Test
    void keyIsKeptAcrossOpens() {
        String sealed = SecretBox.open(home.resolve("secret.key")).seal(new Secret("kept"));

        assertThat(SecretBox.open(home.resolve("secret.key")).open(sealed).reveal()).isEqualTo("kept");
    }

    @Test
    void alteredTextIsRejectedWithoutCryptoJargon() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));
        byte[] bytes = Base64.getDecoder().decode(box.seal(new Secret("value")).substring(3));
        bytes[bytes.length - 1] ^= 1;
        String altered = "v1:" + Base64.getEncoder().encodeToString(bytes);

        assertThatThrownBy(() -> box.open(altered))
                .isInstanceOfSatisfying(FerryException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("cannot be decrypted")
                .hasMessageContaining(box.keyFile().toString())
                .hasMessageNotContaining("Tag mismatch");
    }

    @Test
    void textSealedUnderAnotherKeyIsRejectedNamingTheKeyFile() {
        String sealed = SecretBox.open(home.resolve("a/secret.key")).seal(new Secret("value"));
        SecretBox other = SecretBox.open(home.resolve("b/secret.key"));

        assertThatThrownBy(() -> other.open(sealed))
                .isInstanceOf(FerryException.class)
                .hasMessageContaining("the key file was replaced")
                .hasMessageContaining(home.resolve("b/secret.key").toString());
    }

    @Test
    void garbageIsRejectedAsDamaged() {
        SecretBox box = SecretBox.open(home.resolve("secret.key"));

        assertThatThrownBy(() -> box.open("v1:%%%"))
                .isInstanceOf(FerryException.class).hasMessageContaining("damaged");
        assertThatThrownBy(() -> box.open("plain text"))
                .isInstanceOf(FerryException.class).hasMessageContaining("not in a format");
    }

    @Test
    void createdKeyFileIsReadableByItsOwnerOnly() throws Exception {
        Path keyFile = home.resolve("new/home/secret.key");

        SecretBox.open(keyFile);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(keyFile).strip())).hasSize(32);
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
