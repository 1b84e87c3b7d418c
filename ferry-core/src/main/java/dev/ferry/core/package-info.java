/** Ferry's shared vocabulary: errors, secrets and identifier quoting used by every module. */
package dev.ferry.core;
