package dev.ferry.server.access;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.server.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server side of the API's TLS, read from PEM files: a certificate chain (server first) and an
 * unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of type RSA, EC or Ed25519. The key is
 * checked against the certificate at start, so a mismatch fails there and not at the first client.
 */
public final class TlsContext {
    private static final char[] IN_MEMORY = new char[0];

    private final SSLContext context;
    private final X509Certificate certificate;

    private TlsContext(SSLContext context, X509Certificate certificate) {
        this.context = context;
        this.certificate = certificate;
    }

    public static TlsContext load(ServerConfig.Tls tls) {
        List<X509Certificate> chain = certificates(tls.certificate());
        PrivateKey key = privateKey(tls.privateKey());
        requireMatch(key, chain.getFirst(), tls);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("ferry", key, IN_MEMORY, chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, IN_MEMORY);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return new TlsContext(context, chain.getFirst());
        } catch (GeneralSecurityException | IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot use the certificate %s and key %s for TLS (details in the cause)"
                            .formatted(tls.certificate(), tls.privateKey()), e);
        }
    }

    public SSLContext sslContext() {
        return context;
    }

    /** The DNS names and IP addresses the server's certificate names, lower case. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        try {
            var alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    int type = (Integer) entry.get(0);
                    if (type == 2 || type == 7) {       // dNSName, iPAddress
                        names.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "The server certificate's subject alternative names cannot be read", e);
        }
        return names;
    }

    private static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "%s holds no certificate; give the server's certificate chain in PEM (BEGIN CERTIFICATE)".formatted(file));
            }
            return chain;
        } catch (IOException | GeneralSecurityException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Cannot read the certificate %s; give the server's certificate chain in PEM (BEGIN CERTIFICATE)"
                            .formatted(file), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Cannot read the private key %s; check the path and that this user may read it".formatted(file), e);
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    ("The private key %s is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with: "
                            + "openssl pkcs8 -topk8 -nocrypt -in %s -out key.pem").formatted(file, file));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "The private key %s is damaged (not base64)".formatted(file), e);
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                "The private key %s is neither RSA, EC nor Ed25519; use one of those".formatted(file));
    }

    private static void requireMatch(PrivateKey key, X509Certificate certificate, ServerConfig.Tls tls) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        try {
            byte[] probe = "ferry-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            throw mismatch(tls, e);
        }
        throw mismatch(tls, null);
    }

    private static FerryException mismatch(ServerConfig.Tls tls, Exception cause) {
        return new FerryException(ErrorCode.INVALID_ARGUMENT,
                "The private key %s does not belong to the certificate %s; give the key the certificate was issued for"
                        .formatted(tls.privateKey(), tls.certificate()), cause);
    }
}
