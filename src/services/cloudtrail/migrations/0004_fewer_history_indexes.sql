-- Every recorded call updates each index of the event history, and that writer shares the CPU
-- with request handling (tests/bench/request_path.sh --recording). LookupEvents takes at most one
-- attribute, returns 50 events a page newest first, and AWS limits it to 2 calls a second: the
-- time index (account, Region, time) with the attribute as a filter serves it, so the per-
-- attribute indexes cost more on every call than they save on lookups. Kept: the time index, the
-- event id (uniqueness makes a retried batch harmless) and resource names (rare matches).
DROP INDEX events_by_name;
DROP INDEX events_by_source;
DROP INDEX events_by_username;
DROP INDEX events_by_key;
DROP INDEX event_resources_by_type;
