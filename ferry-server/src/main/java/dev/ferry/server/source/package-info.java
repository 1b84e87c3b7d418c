/** {@code /v1/sourceLimits}: caps on the connections Ferry holds to each source server, and what jobs reserve. */
package dev.ferry.server.source;
