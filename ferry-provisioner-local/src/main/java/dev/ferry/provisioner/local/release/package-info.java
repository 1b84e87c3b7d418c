/** Server releases fetched from Maven Central: the artifacts and the directories they are unpacked into. */
package dev.ferry.provisioner.local.release;
