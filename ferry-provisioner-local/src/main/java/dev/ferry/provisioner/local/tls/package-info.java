/** TLS for managed instances: the CA Ferry keeps under its home and the server certificates it issues. */
package dev.ferry.provisioner.local.tls;
