-- Imported CloudTrail events (trailwatch import). Alarm history written by replaying alarms over imported CloudTrail events (trailwatch import,
-- cis enable) carries the events' original timestamps; replayed_at is when the replay ran, so the
-- items are kept like recent history (loaded at start-up) although their timestamps are old.
ALTER TABLE cw_alarm_history ADD COLUMN replayed_at INTEGER;
-- Datapoints from imported events carry old timestamps; received_at (when they were stored) keeps
-- them 15 days from the import instead of dropping them at the next hourly prune.
ALTER TABLE cw_points ADD COLUMN received_at INTEGER;
CREATE INDEX cw_points_by_received_at ON cw_points (received_at);
