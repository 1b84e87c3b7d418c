/** The REST API: an HTTP server on the JDK's HttpServer whose handlers call the control plane's use cases. */
package dev.ferry.server;
