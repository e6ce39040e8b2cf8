#!/usr/bin/env bash
# Load benchmark of the whole request path (HTTP → route → SigV4 verify → parse → validate →
# execute → serialize) for sts GetCallerIdentity: wrk replays one signed request against
# trailwatch and against moto_server (the baseline) on loopback in the same run, and prints
# requests per second for both and their ratio. A SigV4 signature stays valid for 15 minutes, so
# one signed request can be replayed for the whole run.
#
# Usage: tests/bench/request_path.sh [build/trailwatch] [seconds=10] [connections=32]
#
# --recording mode: the baseline is trailwatch itself with CloudTrail recording off (the hidden
# --no-cloudtrail-recording flag); the measured server records every call and has an active
# trail (log file validation, CloudWatch Logs delivery, S3 files every 5 s) that selects it.
# The two are measured alternately, three times each, in the same run; the ratio (target >= 0.9) is
# recording / not recording.
# Usage: tests/bench/request_path.sh --recording [build/trailwatch] [seconds=10] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--recording" ]]; then
  shift
  exec "$(dirname "$0")/request_path_recording.sh" "$@"
fi
binary="${1:-build/trailwatch}"
seconds="${2:-10}"
connections="${3:-32}"
threads=2
source tests/bench/lib.sh
bench_init

start_trailwatch tw_port data "$binary"
start_moto moto_port
wait_up "http://127.0.0.1:$tw_port/health"
wait_up "http://127.0.0.1:$moto_port/"

# Sign one request per server (the Host header is part of the signature).
body="Action=GetCallerIdentity&Version=2011-06-15"
signed_query_lua "$tw_port" sts "$body" >"$workdir/tw.lua"
signed_query_lua "$moto_port" sts "$body" >"$workdir/moto.lua"

# Both must answer the signed request correctly before they are measured.
for target in tw:$tw_port moto:$moto_port; do
  name="${target%%:*}"
  port="${target##*:}"
  if ! wrk -t1 -c1 -d1s -s "$workdir/$name.lua" "http://127.0.0.1:$port/" >/dev/null; then
    echo "wrk failed against $name" >&2
    exit 1
  fi
done
python3 - "$tw_port" <<'PY'
import sys, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url = f"http://127.0.0.1:{sys.argv[1]}/"
body = "Action=GetCallerIdentity&Version=2011-06-15"
req = AWSRequest(method="POST", url=url, data=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials("test", "test"), "sts", "us-east-1").add_auth(req)
with urllib.request.urlopen(urllib.request.Request(url, data=body.encode(), headers=dict(req.headers))) as r:
    assert b"arn:aws:iam::000000000000:root" in r.read()
PY

run() {
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$workdir/$1.lua" \
    "http://127.0.0.1:$2/" | tee "$workdir/$1.out" >&2
  awk '/Requests\/sec/ {print $2}' "$workdir/$1.out"
}
echo "== trailwatch" >&2
tw_rps="$(run tw "$tw_port")"
echo "== moto_server" >&2
moto_rps="$(run moto "$moto_port")"
non2xx="$(awk '/Non-2xx/ {print $NF}' "$workdir/tw.out")"
python3 - "$tw_rps" "$moto_rps" "${non2xx:-0}" <<'PY'
import sys
tw, moto, bad = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
print(f"GetCallerIdentity, signed, keep-alive: trailwatch {tw:,.0f} req/s, moto_server {moto:,.0f} req/s, "
      f"ratio {tw / moto:.1f}x (trailwatch non-2xx: {bad})")
PY
