/**
 * Built-in validation: a job's destination compared with its source, data and schema. Tables are cut into key ranges
 * hashed on both servers ({@link dev.ferry.core.spi.validate.DataValidation}); a range whose hashes differ is split
 * until its differing rows are listed by key. While the job replicates, a destination range is read only once
 * replication applied what the source held when its side was read, and differing rows are read again until the
 * difference holds still (then it is reported) or the re-checks run out (then the range is inconclusive, never clean).
 * Ranges found clean while replicating are remembered, and changes replication applies afterwards mark theirs dirty, so
 * a promotion that validates reads again only what changed.
 */
package dev.ferry.control.validate;
