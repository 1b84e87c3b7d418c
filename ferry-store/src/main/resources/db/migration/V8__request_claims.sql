-- A mutating call with a request id is claimed here before it runs, so that of two servers sharing the store that
-- receive the same request at once, one runs it and the other answers with its operation. Expand only.
CREATE TABLE request_claims (
    request_id   VARCHAR(255) NOT NULL,
    verb         VARCHAR(64)  NOT NULL,
    target       VARCHAR(255) NOT NULL,
    claim_time   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (request_id, verb, target)
);

CREATE INDEX request_claims_time ON request_claims (claim_time);
