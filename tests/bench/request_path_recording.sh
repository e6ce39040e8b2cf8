#!/usr/bin/env bash
# The --recording mode of request_path.sh: request-path throughput (signed sts GetCallerIdentity
# replayed by wrk) with CloudTrail recording and an active trail, against the same binary with
# recording off, in one run. Prints both rates and their ratio.
set -euo pipefail
binary="${1:-build/trailwatch}"
seconds="${2:-10}"
connections="${3:-32}"
threads=2
source "$(dirname "$0")/lib.sh"
bench_init

start_trailwatch off_port off "$binary" --no-cloudtrail-recording
start_trailwatch on_port on "$binary" --trail-delivery-seconds 5 --trail-digest-seconds 60
wait_up "http://127.0.0.1:$off_port/health"
wait_up "http://127.0.0.1:$on_port/health"

# The active trail: bucket with CloudTrail's policy, log group and role, validation on.
# BENCH_TRAIL=none measures recording alone; BENCH_TRAIL=s3 a trail without CloudWatch Logs.
trail="${BENCH_TRAIL:-full}"
[[ "$trail" == none ]] || python3 - "$on_port" "$trail" <<'PY'
import json, sys, boto3
ep = f"http://127.0.0.1:{sys.argv[1]}"
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="test",
          aws_secret_access_key="test")
s3, logs, iam, ct = (boto3.client(n, **kw) for n in ("s3", "logs", "iam", "cloudtrail"))
arn = "arn:aws:cloudtrail:us-east-1:000000000000:trail/bench"
s3.create_bucket(Bucket="bench-trail")
s3.put_bucket_policy(Bucket="bench-trail", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::bench-trail"},
    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bench-trail/AWSLogs/000000000000/*"}]}))
logs.create_log_group(logGroupName="bench-trail")
iam.create_role(RoleName="bench-trail", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"Service": "cloudtrail.amazonaws.com"}}]}))
iam.put_role_policy(RoleName="bench-trail", PolicyName="cwl", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",
    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]}]}))
cwl = {} if sys.argv[2] == "s3" else dict(
    CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:000000000000:log-group:bench-trail:*",
    CloudWatchLogsRoleArn="arn:aws:iam::000000000000:role/bench-trail")
ct.create_trail(Name="bench", S3BucketName="bench-trail", EnableLogFileValidation=True, **cwl)
ct.start_logging(Name="bench")
PY

body="Action=GetCallerIdentity&Version=2011-06-15"
signed_query_lua "$off_port" sts "$body" >"$workdir/off.lua"
signed_query_lua "$on_port" sts "$body" >"$workdir/on.lua"

run() {
  wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$workdir/$1.lua" \
    "http://127.0.0.1:$2/" >"$workdir/$1.out"
  if grep -q Non-2xx "$workdir/$1.out"; then
    echo "non-2xx answers from $1" >&2
    cat "$workdir/$1.out" >&2
    exit 1
  fi
  awk '/Requests\/sec/ {print $2}' "$workdir/$1.out"
}
# Alternate the two servers (three rounds each) so load from elsewhere on the machine falls on
# both alike.
offs=()
ons=()
for _ in 1 2 3; do
  offs+=("$(run off "$off_port")")
  ons+=("$(run on "$on_port")")
done

# The trail really delivered what it recorded.
sleep 6
[[ "$trail" == none ]] || python3 - "$on_port" "$trail" <<'PY'
import sys, boto3
kw = dict(endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1",
          aws_access_key_id="test", aws_secret_access_key="test")
status = boto3.client("cloudtrail", **kw).get_trail_status(Name="bench")
assert "LatestDeliveryTime" in status and "LatestDeliveryError" not in status, status
assert sys.argv[2] == "s3" or "LatestCloudWatchLogsDeliveryTime" in status, status
files = boto3.client("s3", **kw).list_objects_v2(Bucket="bench-trail").get("KeyCount", 0)
print(f"trail delivered {files} files", file=sys.stderr)
PY
python3 - "${offs[*]}" "${ons[*]}" "$trail" <<'PY'
import statistics, sys
offs = [float(x) for x in sys.argv[1].split()]
ons = [float(x) for x in sys.argv[2].split()]
mode = "recording, no trail" if sys.argv[3] == "none" else f"recording + active trail ({sys.argv[3]})"
off, on = statistics.mean(offs), statistics.mean(ons)
fmt = lambda xs: ", ".join(f"{x:,.0f}" for x in xs)
print(f"GetCallerIdentity, signed, keep-alive: {mode} {on:,.0f} req/s ({fmt(ons)}), "
      f"recording off {off:,.0f} req/s ({fmt(offs)}), ratio {on / off:.2f} (target >= 0.9)")
PY
