/** Operations: the record of every mutating call, with request-id de-duplication. */
package dev.ferry.control.operation;
