# Steps the tests/bench/*.sh load benchmarks share; sourced (`source "$(dirname "$0")/lib.sh"`),
# never run. After bench_init:
#   $workdir                      a temporary directory, removed at exit with every server started
#   free_port                     prints a free loopback port
#   wait_up URL                   waits up to 10 s for URL to answer
#   start_trailwatch VAR NAME BIN [serve options...]
#                                 starts `BIN serve` on a free loopback port, data dir
#                                 $workdir/NAME, log $workdir/NAME.log; sets VAR to the port
#   start_moto VAR                starts moto_server likewise (log $workdir/moto.log)
#   signed_query_lua PORT SERVICE BODY
#                                 prints a wrk Lua script that replays one SigV4-signed (key
#                                 test/test, us-east-1) form POST of BODY to 127.0.0.1:PORT; a
#                                 signature stays valid for 15 minutes, so one request can be
#                                 replayed for a whole run

bench_init() {
  workdir="$(mktemp -d)"
  bench_pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$workdir"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_up() {
  for _ in $(seq 100); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "server at $1 did not start" >&2
  return 1
}

# Locals carry a prefix so that the caller's VAR (often "port") is not shadowed.
start_trailwatch() {
  local _bench_var="$1" _bench_name="$2" _bench_binary="$3" _bench_port
  shift 3
  _bench_port="$(free_port)"
  "$_bench_binary" serve --listen "127.0.0.1:$_bench_port" --data-dir "$workdir/$_bench_name" \
    --log-level warn "$@" >"$workdir/$_bench_name.log" 2>&1 &
  bench_pids+=($!)
  printf -v "$_bench_var" '%s' "$_bench_port"
}

start_moto() {
  local _bench_port
  _bench_port="$(free_port)"
  moto_server -H 127.0.0.1 -p "$_bench_port" >"$workdir/moto.log" 2>&1 &
  bench_pids+=($!)
  printf -v "$1" '%s' "$_bench_port"
}

signed_query_lua() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
port, service, body = sys.argv[1], sys.argv[2], sys.argv[3]
req = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials("test", "test"), service, "us-east-1").add_auth(req)
print('wrk.method = "POST"')
print(f'wrk.body = "{body}"')
for k, v in req.headers.items():
    print(f'wrk.headers["{k}"] = "{v}"')
PY
}
