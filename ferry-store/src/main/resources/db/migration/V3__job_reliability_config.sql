-- How a job protects the source and rides through faults (fault budget, lock waits, divergence), as JSON.
ALTER TABLE migration_jobs ADD COLUMN reliability_config VARCHAR;
