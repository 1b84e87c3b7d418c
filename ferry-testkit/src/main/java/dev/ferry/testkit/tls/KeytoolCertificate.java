package dev.ferry.testkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed EC certificate for the given names (DNS names and IP addresses), made with the JDK's
 * {@code keytool}, written as PEM files: the certificate (which is also its own CA) and its unencrypted
 * PKCS#8 private key. Valid for two days.
 */
public record KeytoolCertificate(Path certificate, Path privateKey) {
    private static final String PASSWORD = "test-only";

    /** Creates the files under {@code dir}, named after {@code alias}. */
    public static KeytoolCertificate create(Path dir, String alias, String... names) {
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve(alias + ".p12");
            Files.deleteIfExists(store);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            StringBuilder san = new StringBuilder();
            for (String name : names) {
                san.append(san.isEmpty() ? "" : ",").append(name.matches("[0-9.]+|.*:.*") ? "ip:" : "dns:").append(name);
            }
            Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=" + names[0], "-ext", "SAN=" + san, "-validity", "2",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            Key key = keys.getKey(alias, PASSWORD.toCharArray());
            Path certificate = dir.resolve(alias + ".crt.pem");
            Path privateKey = dir.resolve(alias + ".key.pem");
            Files.writeString(certificate, pem("CERTIFICATE", keys.getCertificate(alias).getEncoded()));
            Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()));
            return new KeytoolCertificate(certificate, privateKey);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a test certificate", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
