/** TLS material for connections to databases: PEM reading, client TLS contexts, and naming why a handshake failed. */
package dev.ferry.core.tls;
