/** Encryption of secrets at rest with a key file only the owner can read. */
package dev.ferry.store.secret;
