-- Responses to requests that carried an Idempotency-Key, so a retry answers as the first
-- request did. Keys are per caller (the token's sub) and kept for a day.
CREATE TABLE idempotency_keys (
    caller              VARCHAR(64)  NOT NULL,
    idempotency_key     VARCHAR(255) NOT NULL,
    request_fingerprint CHAR(64)     NOT NULL,
    response_status     INTEGER,
    response_headers    VARCHAR(4000),
    response_body       VARBINARY,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at        TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (caller, idempotency_key)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
