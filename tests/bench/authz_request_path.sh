#!/usr/bin/env bash
# What policy evaluation costs on the request path: wrk replays one signed iam:GetUser request
# made by an IAM user (authorized by the policy engine against the user's policies) and the same
# request made by the account's root user (allowed without evaluation), against one trailwatch in
# the same run, alternating three rounds each. Prints both rates and user/root: the share of
# throughput that policy evaluation leaves (issue 4's target: evaluation adds < 5%, ratio ≥ 0.95).
#
# Usage: tests/bench/authz_request_path.sh [build/trailwatch] [seconds=5] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-build/trailwatch}"
seconds="${2:-5}"
connections="${3:-32}"
source tests/bench/lib.sh
bench_init

start_trailwatch port data "$binary"
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

run() {
  wrk -t2 -c"$connections" -d"${seconds}s" -s "$workdir/$1.lua" "http://127.0.0.1:$port/" \
    >"$workdir/$1.out"
  if grep -q "Non-2xx" "$workdir/$1.out"; then echo "non-2xx answers for $1" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$workdir/$1.out"
}
user=()
root=()
for _ in 1 2 3; do
  user+=("$(run user)")
  root+=("$(run root)")
done
python3 - "${user[@]}" "${root[@]}" <<'PY'
import statistics, sys
values = [float(v) for v in sys.argv[1:]]
user, root = values[:3], values[3:]
u, r = statistics.median(user), statistics.median(root)
print(f"iam GetUser, signed, keep-alive, medians of 3 rounds: IAM user (policy evaluated) {u:,.0f} req/s, "
      f"root (no evaluation) {r:,.0f} req/s, user/root {u / r:.3f}")
PY
