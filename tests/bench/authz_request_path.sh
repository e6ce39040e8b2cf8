#!/usr/bin/env bash
# What policy evaluation costs on the request path: wrk replays one signed iam:GetUser request
# made by an IAM user (authorized by the policy engine against the user's policies) and the same
# request made by the account's root user (allowed without evaluation), against one trailwatch in
# the same run, alternating rounds (three by default). Prints both rates and user/root: the share of
# throughput that policy evaluation leaves (issue 4's target: evaluation adds < 5%, ratio ≥ 0.95);
# and the server's CPU time per request of both, whose ratio root/user is the same share measured
# in CPU rather than wall-clock rate (less swayed by other load on a shared machine).
#
# Usage: tests/bench/authz_request_path.sh [build/trailwatch] [seconds=5] [connections=32] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-build/trailwatch}"
seconds="${2:-5}"
connections="${3:-32}"
rounds="${4:-3}"
source tests/bench/lib.sh
bench_init

start_trailwatch port data "$binary"
pid="${bench_pids[-1]}"
wait_up "http://127.0.0.1:$port/health"

# The user, with a policy of ten statements (the last allows iam:GetUser on itself), and one
# signed request per principal.
python3 - "$port" "$workdir" <<'PY'
import json, sys
import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
port, workdir = sys.argv[1], sys.argv[2]
url = f"http://127.0.0.1:{port}/"
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
iam.create_user(UserName="bench")
statements = [{"Effect": "Allow", "Action": [f"s3:Get{n}", f"logs:Describe{n}"],
               "Resource": f"arn:aws:s3:::bucket-{n}/*"} for n in range(9)]
statements.append({"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListAccessKeys"],
                   "Resource": "arn:aws:iam::000000000000:user/${aws:username}"})
iam.put_user_policy(UserName="bench", PolicyName="bench",
                    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
key = iam.create_access_key(UserName="bench")["AccessKey"]
body = "Action=GetUser&UserName=bench&Version=2010-05-08"
for name, creds in (("user", Credentials(key["AccessKeyId"], key["SecretAccessKey"])),
                    ("root", Credentials("test", "test"))):
    req = AWSRequest(method="POST", url=url, data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(creds, "iam", "us-east-1").add_auth(req)
    with open(f"{workdir}/{name}.lua", "w") as f:
        print('wrk.method = "POST"', file=f)
        print(f'wrk.body = "{body}"', file=f)
        for k, v in req.headers.items():
            print(f'wrk.headers["{k}"] = "{v}"', file=f)
    import urllib.request
    with urllib.request.urlopen(urllib.request.Request(url, data=body.encode(),
                                                       headers=dict(req.headers))) as r:
        assert b"<UserName>bench</UserName>" in r.read(), name
PY

# The server's CPU time (user + system, clock ticks) from /proc: on a shared machine the rate
# follows whatever else runs, while CPU time per request follows mostly the request path.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
run() {
  local before after
  before="$(cpu_ticks)"
  wrk -t2 -c"$connections" -d"${seconds}s" -s "$workdir/$1.lua" "http://127.0.0.1:$port/" \
    >"$workdir/$1.out"
  after="$(cpu_ticks)"
  if grep -q "Non-2xx" "$workdir/$1.out"; then echo "non-2xx answers for $1" >&2; exit 1; fi
  # rate, and server CPU microseconds per request
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    '/requests in/ {n = $1} /Requests\/sec/ {r = $2} END {printf "%s:%.2f\n", r, ticks / hz * 1e6 / n}' \
    "$workdir/$1.out"
}
user=()
root=()
# Which principal goes first alternates, so neither always meets the larger event history (the
# CloudTrail recorder's inserts grow dearer as it fills).
for round in $(seq "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then
    user+=("$(run user)")
    root+=("$(run root)")
  else
    root+=("$(run root)")
    user+=("$(run user)")
  fi
done
python3 - "$rounds" "${user[@]}" "${root[@]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
values = [tuple(float(x) for x in v.split(":")) for v in sys.argv[2:]]
user, root = values[:n], values[n:]
u, r = statistics.median(v[0] for v in user), statistics.median(v[0] for v in root)
print(f"iam GetUser, signed, keep-alive, medians of {n} rounds: IAM user (policy evaluated) {u:,.0f} req/s, "
      f"root (no evaluation) {r:,.0f} req/s, user/root {u / r:.3f}")
uc, rc = statistics.median(v[1] for v in user), statistics.median(v[1] for v in root)
print(f"server CPU per request, medians of {n} rounds: IAM user {uc:.1f} us, root {rc:.1f} us, "
      f"root/user {rc / uc:.3f} (the throughput ratio a CPU-bound server would show)")
PY
