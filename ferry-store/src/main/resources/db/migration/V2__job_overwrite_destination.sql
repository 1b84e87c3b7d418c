-- The user's acknowledgement that user objects in the destination databases are dropped before the load.
ALTER TABLE migration_jobs ADD COLUMN overwrite_destination BOOLEAN DEFAULT FALSE NOT NULL;
