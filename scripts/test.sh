#!/usr/bin/env bash
# The one command that runs every test suite: installs what is missing, builds the release preset,
# checks formatting, and runs CTest (unit, golden, fuzz-corpus replay, e2e with real AWS clients).
# TW_TEST_PRESET=asan runs the same suites under AddressSanitizer/UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
preset="${TW_TEST_PRESET:-release}"
scripts/build.sh "$preset"
dir=build
[ "$preset" = asan ] && dir=build-asan
cmake --build "$dir" --target format-check
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
