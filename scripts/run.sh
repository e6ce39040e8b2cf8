#!/usr/bin/env bash
# The one command that starts trailwatch: installs what is missing, builds if needed, and serves
# every service on 127.0.0.1:4566 with the embedded SQLite store in ./trailwatch-data.
# Extra arguments go to `trailwatch serve` (see `build/trailwatch serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
exec build/trailwatch serve "$@"
