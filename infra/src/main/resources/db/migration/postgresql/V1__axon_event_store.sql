-- Axon's JDBC event store, token store and snapshots, with payloads as bytea: readable
-- in SQL and freed with their rows (never oid large objects).
CREATE TABLE domainevententry (
    globalindex        BIGSERIAL    NOT NULL,
    aggregateidentifier VARCHAR(255) NOT NULL,
    sequencenumber     BIGINT       NOT NULL,
    type               VARCHAR(255),
    eventidentifier    VARCHAR(255) NOT NULL,
    metadata           BYTEA,
    payload            BYTEA        NOT NULL,
    payloadrevision    VARCHAR(255),
    payloadtype        VARCHAR(255) NOT NULL,
    timestamp          VARCHAR(255) NOT NULL,
    PRIMARY KEY (globalindex),
    -- The rule that makes concurrent writers to one organization safe: a second append at
    -- the same sequence number fails and the command is retried against fresh state.
    UNIQUE (aggregateidentifier, sequencenumber),
    UNIQUE (eventidentifier)
);

CREATE TABLE snapshotevententry (
    aggregateidentifier VARCHAR(255) NOT NULL,
    sequencenumber     BIGINT       NOT NULL,
    type               VARCHAR(255) NOT NULL,
    eventidentifier    VARCHAR(255) NOT NULL,
    metadata           BYTEA,
    payload            BYTEA        NOT NULL,
    payloadrevision    VARCHAR(255),
    payloadtype        VARCHAR(255) NOT NULL,
    timestamp          VARCHAR(255) NOT NULL,
    PRIMARY KEY (aggregateidentifier, sequencenumber),
    UNIQUE (eventidentifier)
);

CREATE TABLE tokenentry (
    processorname VARCHAR(255) NOT NULL,
    segment       INTEGER      NOT NULL,
    token         BYTEA,
    tokentype     VARCHAR(255),
    timestamp     VARCHAR(255),
    owner         VARCHAR(255),
    PRIMARY KEY (processorname, segment)
);
