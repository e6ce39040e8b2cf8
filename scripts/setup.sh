#!/usr/bin/env bash
# Installs every Debian 12 package trailwatch needs to build, run and test. Idempotent; run as
# root (CI and the development machines are root). Skips apt entirely when all are present.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsimdjson-dev libsqlite3-dev libssl-dev zlib1g-dev libcurl4-openssl-dev libsodium-dev
  liboath-dev libqrencode-dev libpugixml-dev libfmt-dev libspdlog-dev libcli11-dev
  libre2-dev libcbor-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest python3-cryptography python3-boto3 python3-botocore awscli wrk curl
  # the SMTP sink of the quickstart test and the alarm-latency benchmark
  python3-aiosmtpd jq oathtool
  chromium  # headless browser the console's browser tests (tests/browser) drive via playwright-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js and npm: the build installs the console's front-end libraries (web/package.json) with
# `npm ci --prefix web`. Any Node.js from 18 (Debian 12's) works; an existing install is kept.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs npm"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
