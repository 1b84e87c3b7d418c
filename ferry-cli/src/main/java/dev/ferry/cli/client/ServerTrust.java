package dev.ferry.cli.client;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificates the CLI accepts from an HTTPS server: those signed by the CA certificates of a
 * PEM file ({@code --ca-cert} / {@code FERRY_CA_CERT}), else those the system's CAs sign. The host name
 * is always checked against the certificate.
 */
final class ServerTrust {
    private ServerTrust() {}

    static SSLContext context(Path caCert) {
        try {
            if (caCert == null) {
                return SSLContext.getDefault();
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (Certificate certificate : read(caCert)) {
                trusted.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Cannot use %s as CA certificate; give the PEM file (BEGIN CERTIFICATE) of the CA that signed the server's certificate"
                            .formatted(caCert), e);
        }
    }

    private static Collection<? extends Certificate> read(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "%s holds no certificate; give the CA certificate in PEM (BEGIN CERTIFICATE)".formatted(file));
            }
            return certificates;
        }
    }
}
