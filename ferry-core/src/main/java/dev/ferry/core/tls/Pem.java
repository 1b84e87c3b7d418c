package dev.ferry.core.tls;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes PEM: X.509 certificates and unencrypted PKCS#8 private keys (RSA, EC, Ed25519). A
 * text that does not parse fails with INVALID_ARGUMENT naming what it is and how to fix it, never
 * quoting a key. Pure and thread-safe.
 */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private Pem() {}

    /** The certificates in {@code pem}, in order; {@code what} names them in errors ("The CA certificate"). */
    public static List<X509Certificate> certificates(String pem, String what) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, "CERTIFICATE")) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "%s is not a readable PEM certificate; give the text from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----"
                            .formatted(what), e);
        }
        if (certificates.isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)".formatted(what));
        }
        return certificates;
    }

    /** The private key in {@code pem}, which must be unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}). */
    public static PrivateKey privateKey(Secret pem, String what) {
        List<byte[]> der = blocks(pem.reveal(), "PRIVATE KEY");
        if (der.size() != 1) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("%s is not one unencrypted PKCS#8 PEM key "
                    + "(-----BEGIN PRIVATE KEY-----); convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem")
                    .formatted(what));
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der.getFirst()));
            } catch (GeneralSecurityException e) {
                // Not this algorithm: try the next one.
            }
        }
        throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                "%s is not an RSA, EC or Ed25519 PKCS#8 private key the JDK can read".formatted(what));
    }

    /** {@code der} as a PEM block of {@code type} ("CERTIFICATE", "PRIVATE KEY"). */
    public static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> found = new ArrayList<>();
        if (pem == null) {
            return found;
        }
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                found.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return found;
    }
}
