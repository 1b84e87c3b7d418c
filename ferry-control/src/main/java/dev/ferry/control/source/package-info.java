/** Caps on the connections all Ferry nodes sharing the store hold to one source server, and what is reserved now. */
package dev.ferry.control.source;
