-- The identity of this Ferry installation: one random id per store, created by the first server that needs
-- it, shared by every server using the store. It marks what Ferry creates on database servers (replication
-- slot and publication names, ownership markers in destination databases), so two installations never
-- take each other's objects for their own.
CREATE TABLE installation (
    singleton    INT          NOT NULL PRIMARY KEY,
    id           VARCHAR(32)  NOT NULL,
    create_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT installation_single_row CHECK (singleton = 1)
);
