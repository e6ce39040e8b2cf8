-- Alarm history written by replaying alarms over imported CloudTrail events (trailwatch import,
-- cis enable) carries the events' original timestamps; replayed_at is when the replay ran, so the
-- items are kept like recent history (loaded at start-up) although their timestamps are old.
ALTER TABLE cw_alarm_history ADD COLUMN replayed_at INTEGER;
