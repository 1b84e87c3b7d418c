-- A continuous job's replication lag over time, one sample about every 10 s while it replicates; pruned with the
-- retention setting like events and operations.
CREATE TABLE job_lag_history (
    job          VARCHAR(63)  NOT NULL,
    sample_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    lag_millis   BIGINT       NOT NULL,
    lag_bytes    BIGINT       NOT NULL
);

CREATE INDEX job_lag_history_job ON job_lag_history (job, sample_time);
CREATE INDEX job_lag_history_time ON job_lag_history (sample_time);
