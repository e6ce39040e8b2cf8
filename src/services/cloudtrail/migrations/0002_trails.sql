-- Trails: configuration (destinations, selectors, tags, logging state) and delivery state
-- (GetTrailStatus times and errors, the end of each Region's digest chain), as JSON documents
-- the service reads at start and rewrites on change. Trails are few; queries are by key only.
CREATE TABLE trails (
  account_id TEXT NOT NULL,
  home_region TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (account_id, home_region, name)
) STRICT;
