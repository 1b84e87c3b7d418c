package dev.ferry.provisioner.local.tls;

import dev.ferry.core.Secret;
import java.util.Objects;

/** A certificate the CA issued (PEM) and its unencrypted PKCS#8 private key (PEM). */
public record IssuedCertificate(String certificate, Secret privateKey) {
    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
