package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.tls.Pem;

/**
 * What a connection trusts and shows in TLS besides its mode: the CA certificate(s) that sign the server's
 * certificate (PEM; null means the JDK's trusted CAs), and a client certificate (PEM, its chain) with its
 * unencrypted PKCS#8 private key (PEM), both or neither. {@code allowPublicKeyRetrieval} lets a MySQL
 * connection that is not verified fetch the server's RSA key for password exchange, which a man in the
 * middle could answer; verified connections never need it. Checked at construction: PEM that does not
 * parse is refused. {@link #toString()} never shows the key.
 */
public record TlsOptions(String caCertificate, String clientCertificate, Secret clientKey, boolean allowPublicKeyRetrieval) {
    /** No certificates, no public key retrieval. */
    public static final TlsOptions NONE = new TlsOptions(null, null, null, false);

    public TlsOptions {
        caCertificate = blankToNull(caCertificate);
        clientCertificate = blankToNull(clientCertificate);
        if (clientKey != null && clientKey.reveal().isBlank()) {
            clientKey = null;
        }
        if ((clientCertificate == null) != (clientKey == null)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "A client certificate needs its private key and a key needs its certificate; give both or neither");
        }
        if (caCertificate != null) {
            Pem.certificates(caCertificate, "The CA certificate");
        }
        if (clientCertificate != null) {
            Pem.certificates(clientCertificate, "The client certificate");
            Pem.privateKey(clientKey, "The client key");
        }
    }

    public boolean hasClientCertificate() {
        return clientCertificate != null;
    }

    public boolean isEmpty() {
        return caCertificate == null && clientCertificate == null && !allowPublicKeyRetrieval;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    @Override
    public String toString() {
        return "TlsOptions[caCertificate=%s, clientCertificate=%s, clientKey=%s, allowPublicKeyRetrieval=%s]".formatted(
                caCertificate != null, clientCertificate != null, clientKey == null ? "none" : "***", allowPublicKeyRetrieval);
    }
}
