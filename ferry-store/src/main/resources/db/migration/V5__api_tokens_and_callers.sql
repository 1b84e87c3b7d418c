-- Bearer tokens of the API: only the SHA-256 of each token is kept, never the token itself.
CREATE TABLE api_tokens (
    name         VARCHAR(63)  NOT NULL PRIMARY KEY,
    role         VARCHAR(16)  NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL,
    create_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    expire_time  TIMESTAMP WITH TIME ZONE,
    created_by   VARCHAR(63),
    CONSTRAINT api_tokens_hash UNIQUE (token_hash)
);

-- Who made each mutating call: the token's name, or 'in-process' for ferry migrate and ferry demo.
ALTER TABLE operations ADD COLUMN created_by VARCHAR(63);
