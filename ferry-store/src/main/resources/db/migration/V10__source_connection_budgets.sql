-- Connection budgets on source servers. Expand only: a server of the previous version ignores both tables.
--
-- source_limits: the most connections all Ferry nodes sharing the store may hold at once to one source server,
-- keyed by HOST:PORT as the job's source profile names it.
CREATE TABLE source_limits (
    server           VARCHAR(600) NOT NULL PRIMARY KEY,
    max_connections  INT          NOT NULL,
    update_time      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- source_reservations: the connections each running job holds (or may open) to its source server, taken before its
-- runner starts in one transaction that checks the sums, and removed when the runner ends. epoch is the job's lease
-- epoch on a node sharing the store (a row whose lease moved on is reclaimed), 0 on a server that runs every job.
CREATE TABLE source_reservations (
    job          VARCHAR(255) NOT NULL PRIMARY KEY,
    node         VARCHAR(100) NOT NULL,
    server       VARCHAR(600) NOT NULL,
    connections  INT          NOT NULL,
    epoch        BIGINT       NOT NULL,
    create_time  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX source_reservations_server ON source_reservations (server);
CREATE INDEX source_reservations_node ON source_reservations (node);
