-- Draining nodes, their status, and one secret key for every node sharing the store. Expand only: a server of the
-- previous version ignores the new columns and the new table.
--
-- drain_requested is set through any node's API (ferry nodes drain) and cleared by undrain or when the node starts
-- again; draining is the node's own acknowledgement, written with its heartbeat once it stopped taking jobs.
-- lease_timeout_ms is the node's lease timeout, so that others can tell when it is dead.
ALTER TABLE nodes ADD COLUMN lease_timeout_ms BIGINT;
ALTER TABLE nodes ADD COLUMN drain_requested BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE nodes ADD COLUMN draining BOOLEAN DEFAULT FALSE NOT NULL;

-- The id (a short fingerprint, never the key) of the key that seals the store's secrets, written by the first node to
-- open the store: a node whose keys do not include it refuses to start.
CREATE TABLE secret_key_check (
    singleton    INT          NOT NULL PRIMARY KEY,
    key_id       VARCHAR(64)  NOT NULL,
    update_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT secret_key_check_single_row CHECK (singleton = 1)
);

-- Which node created (and supervises) each managed instance, on a shared store: only that node can run a job using it.
CREATE TABLE instance_nodes (
    profile      VARCHAR(255) NOT NULL PRIMARY KEY,
    node         VARCHAR(100) NOT NULL
);
