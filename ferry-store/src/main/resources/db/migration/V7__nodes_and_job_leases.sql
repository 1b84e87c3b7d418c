-- Several Ferry servers (nodes) sharing one store. Expand only: a server of the previous version ignores both tables.
--
-- job_leases is db-scheduler's execution table (its documented layout, portable types): one row per job a node
-- runs. picked_by names the node holding the lease, last_heartbeat is renewed while it runs, and version grows
-- with every pick and hand-over, so it is the lease's epoch: a write fenced by an older epoch is refused.
CREATE TABLE job_leases (
    task_name             VARCHAR(100) NOT NULL,
    task_instance         VARCHAR(100) NOT NULL,
    task_data             BYTEA,
    execution_time        TIMESTAMP WITH TIME ZONE NOT NULL,
    picked                BOOLEAN      NOT NULL,
    picked_by             VARCHAR(100),
    last_success          TIMESTAMP WITH TIME ZONE,
    last_failure          TIMESTAMP WITH TIME ZONE,
    consecutive_failures  INT,
    last_heartbeat        TIMESTAMP WITH TIME ZONE,
    version               BIGINT       NOT NULL,
    priority              SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);

CREATE INDEX job_leases_execution_time ON job_leases (execution_time);
CREATE INDEX job_leases_last_heartbeat ON job_leases (last_heartbeat);

-- The nodes that share the store, for the operations view: each renews its row while it runs.
CREATE TABLE nodes (
    name            VARCHAR(100) NOT NULL PRIMARY KEY,
    address         VARCHAR(1000),
    version         VARCHAR(64),
    max_jobs        INT          NOT NULL,
    start_time      TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_time  TIMESTAMP WITH TIME ZONE NOT NULL
);
