-- The table Ralph's ClickHouse backend writes xAPI statements to (RALPH_BACKENDS__LRS__
-- CLICKHOUSE__EVENT_TABLE_NAME), created by clickhouse-server at first start.
CREATE DATABASE IF NOT EXISTS xapi;
CREATE TABLE IF NOT EXISTS xapi.xapi_events_all
(
    event_id UUID NOT NULL,
    emission_time DateTime64(6) NOT NULL,
    event String NOT NULL
)
ENGINE = ReplacingMergeTree
ORDER BY (emission_time, event_id);
