/** What answers on a server's port, told from the first bytes of the database protocols. */
package dev.ferry.core.net;
