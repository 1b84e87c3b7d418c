/** Certificates made by the tests themselves, for servers that speak TLS. */
package dev.ferry.testkit.tls;
