/** The domain records and enums of Ferry's resource model; immutable and checked at construction. */
package dev.ferry.core.model;
