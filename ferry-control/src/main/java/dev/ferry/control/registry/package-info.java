/** Lookup of engines and provisioners registered through ServiceLoader. */
package dev.ferry.control.registry;
