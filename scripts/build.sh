#!/usr/bin/env bash
# Configures (once) and builds a preset: release (default) into build/, asan into build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
case "$preset" in
  release) dir=build ;;
  asan) dir=build-asan ;;
  *) echo "usage: scripts/build.sh [release|asan]" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build "$dir" -j "$(nproc)"
