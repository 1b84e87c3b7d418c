/** How long Ferry keeps what it records about past work: events and finished operations. */
package dev.ferry.control.retention;
