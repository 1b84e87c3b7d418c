-- How a job protects the source and rides through faults (fault budget, lock waits, divergence), as JSON.
ALTER TABLE migration_jobs ADD COLUMN reliability_config VARCHAR;

-- Retention prunes events and finished operations by age.
CREATE INDEX job_events_time ON job_events (event_time);
CREATE INDEX operations_end_time ON operations (end_time);
