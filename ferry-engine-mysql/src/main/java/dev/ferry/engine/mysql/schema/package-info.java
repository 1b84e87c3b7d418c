/** Schema as SHOW CREATE prints it: read under the snapshot, split for deferred indexes, recreated on the destination. */
package dev.ferry.engine.mysql.schema;
