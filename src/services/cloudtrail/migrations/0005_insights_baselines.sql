-- CloudTrail Insights: each (trail, Region) analyzer's state (per-API minute counts of the
-- baseline window, minutes not yet evaluated, an insight in progress) as one JSON document, so a
-- restart keeps the baselines AWS learns over days. Written by the deliverer once a minute at
-- most per analyzer (and at shutdown); read when an analyzer is first needed.
CREATE TABLE insights_baselines (
  trail_key TEXT NOT NULL,
  region TEXT NOT NULL,
  insight_types TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (trail_key, region)
) STRICT;
