#!/usr/bin/env bash
# Throughput of CloudWatch Logs ingestion and S3 object transfer against the real server, beside
# moto_server (the baseline) on loopback in the same run:
#   logs-put     PutLogEvents with a batch of 100 real CloudTrail records (~130 KB) per request
#                (TW_SHARED_DIR/data/cloudtrail); reported as events/s
#   s3-put-4k    PutObject of a 4 KiB object          s3-get-4k    GetObject of it
#   s3-put-8m    PutObject of an 8 MiB object         s3-get-8m    GetObject of it
#                reported as ops/s and MB/s
# wrk replays SigV4-signed requests (a signature stays valid for 15 minutes; PutLogEvents ignores
# sequence tokens), so the client costs nothing but HTTP. PutObject runs 4 wrk threads with one
# connection each, every connection overwriting its own key (moto_server answers 500 when
# concurrent requests overwrite one key). Both servers are checked to answer 2xx first, and
# non-2xx answers during the run are reported.
#
# Usage: tests/bench/throughput.sh [build/trailwatch] [seconds=8]
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-build/trailwatch}"
seconds="${2:-8}"
shared="${TW_SHARED_DIR:-$(cd .. && pwd)/shared}"
source tests/bench/lib.sh
bench_init

start_trailwatch tw_port data "$binary"
start_moto moto_port
wait_up "http://127.0.0.1:$tw_port/health"
wait_up "http://127.0.0.1:$moto_port/"

# Creates the group, stream and bucket on both servers, writes the request bodies and one Lua
# script per scenario and server, and checks each signed request once.
python3 - "$workdir" "$shared" "$tw_port" "$moto_port" <<'PY'
import glob, gzip, hashlib, json, os, sys, time, urllib.request
import boto3
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

workdir, shared, ports = sys.argv[1], sys.argv[2], {"tw": sys.argv[3], "moto": sys.argv[4]}
creds = Credentials("test", "test")
records = []
for path in sorted(glob.glob(os.path.join(shared, "data", "cloudtrail", "**", "*.json.gz"),
                         recursive=True)):
    with gzip.open(path, "rt") as f:
        records += [json.dumps(r, separators=(",", ":")) for r in json.load(f)["Records"]]
    if len(records) >= 100:
        break
assert len(records) >= 100, "CloudTrail corpus not found under " + shared
now = int(time.time() * 1000) - 60_000
logs_body = json.dumps({"logGroupName": "bench", "logStreamName": "s",
                        "logEvents": [{"timestamp": now + i, "message": m}
                                      for i, m in enumerate(records[:100])]})
small = os.urandom(4096)
big = os.urandom(8 * 1024 * 1024)
bodies = {"logs-put": logs_body.encode(), "s3-put-4k": small, "s3-put-8m": big,
          "s3-get-4k": b"", "s3-get-8m": b""}
for name, body in bodies.items():
    with open(os.path.join(workdir, name + ".body"), "wb") as f:
        f.write(body)

for server, port in ports.items():
    url = f"http://127.0.0.1:{port}"
    cfg = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})
    logs = boto3.client("logs", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test", config=cfg)
    logs.create_log_group(logGroupName="bench")
    logs.create_log_stream(logGroupName="bench", logStreamName="s")
    s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test", config=cfg)
    s3.create_bucket(Bucket="bench")
    s3.put_object(Bucket="bench", Key="4k", Body=small)
    s3.put_object(Bucket="bench", Key="8m", Body=big)
    put_threads = 4
    for name, body in bodies.items():
        if "-put-" in name:
            # One signed request per wrk thread, each for its own key.
            key = name.rsplit("-", 1)[1]
            with open(os.path.join(workdir, f"{server}-{name}.lua"), "w") as f:
                f.write(f'local f = io.open("{workdir}/{name}.body", "rb")\n')
                f.write("local body = f:read(\"*a\")\nf:close()\nlocal requests = {}\n")
                for i in range(1, put_threads + 1):
                    req = AWSRequest(method="PUT", url=f"{url}/bench/{key}-{i}", data=body,
                                     headers={"Content-Type": "application/octet-stream"})
                    S3SigV4Auth(creds, "s3", "us-east-1").add_auth(req)
                    headers = dict(req.headers)
                    with urllib.request.urlopen(urllib.request.Request(
                            req.url, data=body, method="PUT", headers=headers), timeout=60) as r:
                        assert 200 <= r.status < 300, (server, name, r.status)
                    f.write(f"requests[{i}] = {{path = \"/bench/{key}-{i}\", headers = {{")
                    f.write(", ".join(f'["{k}"] = "{v}"' for k, v in headers.items()))
                    f.write("}}\n")
                f.write("local counter = 0\n"
                        "function setup(thread) counter = counter + 1; "
                        "thread:set(\"idx\", counter) end\n"
                        "local prepared\n"
                        "function init(args) local r = requests[idx]; "
                        "prepared = wrk.format(\"PUT\", r.path, r.headers, body) end\n"
                        "function request() return prepared end\n")
            continue
        if name == "logs-put":
            req = AWSRequest(method="POST", url=url + "/", data=body, headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "Logs_20140328.PutLogEvents"})
            SigV4Auth(creds, "logs", "us-east-1").add_auth(req)
        else:
            key = name.rsplit("-", 1)[1]
            method = "PUT" if "-put-" in name else "GET"
            req = AWSRequest(method=method, url=f"{url}/bench/{key}", data=body or None,
                             headers={"Content-Type": "application/octet-stream"} if body else {})
            S3SigV4Auth(creds, "s3", "us-east-1").add_auth(req)
        headers = dict(req.headers)
        with urllib.request.urlopen(urllib.request.Request(
                req.url, data=body or None, method=req.method, headers=headers), timeout=60) as r:
            got = r.read()
            assert 200 <= r.status < 300, (server, name, r.status)
            if name.startswith("s3-get"):
                assert got == (small if name.endswith("4k") else big), (server, name)
        path = "/" + req.url.split("/", 3)[3] if req.url.count("/") >= 3 else "/"
        with open(os.path.join(workdir, f"{server}-{name}.lua"), "w") as f:
            f.write(f'wrk.method = "{req.method}"\n')
            f.write(f'wrk.path = "{path}"\n')
            if body:
                f.write(f'local f = io.open("{workdir}/{name}.body", "rb")\n')
                f.write("wrk.body = f:read(\"*a\")\nf:close()\n")
            for k, v in headers.items():
                if k.lower() != "content-length":
                    f.write(f'wrk.headers["{k}"] = "{v}"\n')
PY

run() {  # scenario server port threads connections -> requests/s and non-2xx count
  wrk -t"$4" -c"$5" -d"${seconds}s" -s "$workdir/$2-$1.lua" "http://127.0.0.1:$3/" \
    >"$workdir/$2-$1.out" 2>&1
  echo "$(awk '/Requests\/sec/ {print $2}' "$workdir/$2-$1.out") \
$(awk '/Non-2xx/ {print $NF}' "$workdir/$2-$1.out")"
}

results=()
for scenario in logs-put s3-put-4k s3-get-4k s3-put-8m s3-get-8m; do
  threads=2
  connections=16
  [[ "$scenario" == *8m ]] && connections=4
  [[ "$scenario" == s3-put-* ]] && threads=4 && connections=4
  tw="$(run "$scenario" tw "$tw_port" "$threads" "$connections")"
  moto="$(run "$scenario" moto "$moto_port" "$threads" "$connections")"
  results+=("$scenario $tw / $moto")
done

python3 - "${results[@]}" <<'PY'
import sys
units = {"logs-put": ("events/s", 100, None), "s3-put-4k": ("ops/s", 1, 4096),
         "s3-get-4k": ("ops/s", 1, 4096), "s3-put-8m": ("ops/s", 1, 8 << 20),
         "s3-get-8m": ("ops/s", 1, 8 << 20)}
print(f"{'scenario':<11} {'trailwatch':>28} {'moto_server':>28} {'ratio':>7}  non-2xx tw/moto")
for line in sys.argv[1:]:
    left, right = line.split(" / ")
    parts = left.split()
    name, tw_rps, tw_bad = parts[0], float(parts[1]), (parts[2] if len(parts) > 2 else "0")
    moto = right.split()
    moto_rps, moto_bad = float(moto[0]), (moto[1] if len(moto) > 1 else "0")
    unit, per, size = units[name]
    def show(rps):
        text = f"{rps * per:,.0f} {unit}"
        if size:
            text += f" {rps * size / 1e6:,.1f} MB/s"
        return text
    print(f"{name:<11} {show(tw_rps):>28} {show(moto_rps):>28} {tw_rps / moto_rps:>6.1f}x  "
          f"{tw_bad}/{moto_bad}")
PY
