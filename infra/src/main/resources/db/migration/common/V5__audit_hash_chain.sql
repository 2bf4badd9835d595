-- The audit hash chain: one row per stored event, written in the same transaction as the
-- event itself. hash = SHA-256(prev_hash || canonical envelope); see README "Audit".
CREATE TABLE event_hash_chain (
    organization_id VARCHAR(64) NOT NULL,
    version         BIGINT      NOT NULL,
    event_id        VARCHAR(64) NOT NULL,
    prev_hash       CHAR(64)    NOT NULL,
    hash            CHAR(64)    NOT NULL,
    PRIMARY KEY (organization_id, version)
);

-- Signed heads of each organization's chain (Ed25519, key held outside the database).
CREATE TABLE audit_checkpoints (
    organization_id VARCHAR(64)  NOT NULL,
    version         BIGINT       NOT NULL,
    hash            CHAR(64)     NOT NULL,
    signed_at       VARCHAR(40)  NOT NULL,
    key_id          VARCHAR(64)  NOT NULL,
    signature       VARCHAR(200) NOT NULL,
    PRIMARY KEY (organization_id, version)
);
