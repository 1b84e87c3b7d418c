/** How Ferry runs its concurrent work where the default (a virtual thread per blocking task) is not the right one. */
package dev.ferry.core.concurrent;
