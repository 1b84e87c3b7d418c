/** Declared configuration: what applying a declared profile or job would change, as a plan of field changes. */
package dev.ferry.control.declare;
