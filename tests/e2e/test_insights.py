# SPDX-License-Identifier: Apache-2.0
"""Logs Insights end to end with real clients: StartQuery / GetQueryResults / StopQuery /
DescribeQueries / GetLogRecord and saved query definitions, over a log group holding the real
CloudTrail records of shared/data/cloudtrail, put with PutLogEvents the way CloudTrail delivery
writes them (one JSON record per event). Results are checked against counts computed here with
plain Python json, and the tutorial's user-and-bucket query must give the same rows in CWLI and
SQL. aws CLI v2 (2.9) and boto3 1.26 predate queryLanguage, so SQL runs through aws CLI v1 and
boto3 1.43."""
import collections
import glob
import gzip
import json
import os
import subprocess
import tempfile
import time
import uuid

import pytest

from conftest import client_env, run_aws, run_boto

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("TW_SHARED_DIR") or os.path.join(HERE, "..", "..", "..", "shared")
TUTORIAL_USER = "bert-jan"
TUTORIAL_BUCKET = "stratus-red-team-ctlr-bucket-zqfsvooxqj"

FEEDER = r"""
import json, sys, boto3
from botocore.config import Config
endpoint, group, stream, path = sys.argv[1:5]
client = boto3.client("logs", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}))
client.create_log_group(logGroupName=group)
client.create_log_stream(logGroupName=group, logStreamName=stream)
events = json.load(open(path))
batch, size = [], 0
def flush():
    global batch, size
    if batch:
        out = client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
        assert "rejectedLogEventsInfo" not in out, out
    batch, size = [], 0
for e in events:
    cost = len(e["message"].encode()) + 26
    if size + cost > 900_000 or len(batch) == 10_000:
        flush()
    batch.append(e)
    size += cost
flush()
print(len(events))
"""


def load_records():
    records = []
    for path in sorted(glob.glob(os.path.join(SHARED, "data", "cloudtrail", "*", "*.json.gz"))):
        with gzip.open(path) as f:
            records.extend(json.load(f)["Records"])
    assert len(records) > 4000, f"CloudTrail corpus not found under {SHARED}"
    return records


@pytest.fixture(scope="module")
def trail_group(server, clients):
    """A log group fed like CloudTrail delivery: <account>_CloudTrail_<region> stream, one record
    per event, timestamps in record order over the last hour."""
    records = load_records()
    group = f"/e2e/insights/CloudTrail/{uuid.uuid4().hex[:8]}"
    start = int(time.time() * 1000) - 3_600_000
    events = [{"timestamp": start + i, "message": json.dumps(r, separators=(",", ":"))}
              for i, r in enumerate(records)]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(events, f)
        path = f.name
    try:
        proc = subprocess.run([clients["python_new"], "-c", FEEDER, server.endpoint, group,
                               "000000000000_CloudTrail_us-east-1", path],
                              capture_output=True, text=True, env=client_env(), timeout=300)
        assert proc.returncode == 0, proc.stderr
    finally:
        os.unlink(path)
    return {"name": group, "records": records, "events": events}


def aws(clients, cli, server, args):
    code, out, err = run_aws(clients[cli], server.endpoint, ["logs"] + args)
    assert code == 0, err
    return out


def time_args():
    now = int(time.time())
    return ["--start-time", str(now - 7200), "--end-time", str(now + 3600)]


def wait_cli(clients, cli, server, query_id):
    for _ in range(600):
        out = aws(clients, cli, server, ["get-query-results", "--query-id", query_id])
        if out["status"] not in ("Scheduled", "Running"):
            return out
        time.sleep(0.1)
    raise AssertionError("query did not finish")


def wait_boto(clients, python, server, query_id):
    for _ in range(600):
        out = run_boto(clients[python], server.endpoint, "logs", "get_query_results",
                       {"queryId": query_id})
        assert "result" in out, out
        if out["result"]["status"] not in ("Scheduled", "Running"):
            return out["result"]
        time.sleep(0.1)
    raise AssertionError("query did not finish")


def rows_as_dicts(results):
    return [{f["field"]: f["value"] for f in row} for row in results]


def cli_query(clients, cli, server, group, query, language=None, extra=()):
    args = ["start-query", "--query-string", query] + time_args() + list(extra)
    if group is not None:
        args += ["--log-group-name", group]
    if language:
        args += ["--query-language", language]
    started = aws(clients, cli, server, args)
    return wait_cli(clients, cli, server, started["queryId"])


def expected_event_names(records):
    return collections.Counter(r.get("eventName") for r in records)


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_stats_count_by_event_name_matches_python(server, clients, trail_group, cli):
    out = cli_query(clients, cli, server, trail_group["name"],
                    "stats count(*) by eventName | sort eventName")
    assert out["status"] == "Complete"
    got = {}
    for row in rows_as_dicts(out["results"]):
        assert "@ptr" not in row  # aggregated rows carry no pointer
        got[row.get("eventName")] = int(row["count(*)"])
    assert got == dict(expected_event_names(trail_group["records"]))
    stats = out["statistics"]
    assert stats["recordsScanned"] == len(trail_group["records"])
    assert stats["recordsMatched"] == len(trail_group["records"])
    assert stats["bytesScanned"] == sum(len(e["message"].encode()) for e in trail_group["events"])


def tutorial_expected(trail_group):
    out = []
    for e, r in zip(trail_group["events"], trail_group["records"]):
        rp = r.get("requestParameters") or {}
        if ((r.get("userIdentity") or {}).get("userName") == TUTORIAL_USER
                and isinstance(rp, dict) and rp.get("bucketName") == TUTORIAL_BUCKET):
            out.append((e["timestamp"], r["eventName"]))
    return out


def test_tutorial_query_same_rows_in_cwli_and_sql(server, clients, trail_group):
    cwli = (f'filter userIdentity.userName = "{TUTORIAL_USER}" and '
            f'requestParameters.bucketName = "{TUTORIAL_BUCKET}" '
            "| fields @timestamp, eventName, requestParameters.bucketName | sort @timestamp asc")
    sql = ("SELECT `@timestamp`, eventName, `requestParameters.bucketName` "
           f"FROM `{trail_group['name']}` WHERE `userIdentity.userName` = '{TUTORIAL_USER}' "
           f"AND `requestParameters.bucketName` = '{TUTORIAL_BUCKET}' ORDER BY `@timestamp` ASC")
    by_cwli = cli_query(clients, "aws_v1", server, trail_group["name"], cwli)
    by_sql = cli_query(clients, "aws_v1", server, None, sql, language="SQL")
    assert by_cwli["status"] == by_sql["status"] == "Complete"
    assert by_sql["queryLanguage"] == "SQL" and by_cwli["queryLanguage"] == "CWLI"
    expected = tutorial_expected(trail_group)
    assert len(expected) == 34
    cwli_rows = rows_as_dicts(by_cwli["results"])
    assert cwli_rows == rows_as_dicts(by_sql["results"])
    assert [r["eventName"] for r in cwli_rows] == [name for _, name in expected]
    for row in cwli_rows:
        assert row["requestParameters.bucketName"] == TUTORIAL_BUCKET
        assert len(row["@timestamp"]) == len("2024-05-01 12:00:00.000")
        assert row["@ptr"]
    assert by_cwli["statistics"]["recordsMatched"] == 34


def test_get_log_record_from_ptr(server, clients, trail_group):
    out = cli_query(clients, "aws_v2", server, trail_group["name"],
                    'filter eventName = "ConsoleLogin" | fields @timestamp | sort @timestamp asc '
                    "| limit 1")
    row = rows_as_dicts(out["results"])[0]
    record = aws(clients, "aws_v2", server, ["get-log-record", "--log-record-pointer",
                                             row["@ptr"]])["logRecord"]
    first = next(r for r in trail_group["records"] if r.get("eventName") == "ConsoleLogin")
    assert json.loads(record["@message"]) == first
    assert record["eventName"] == "ConsoleLogin"
    assert record["@log"] == "000000000000:" + trail_group["name"]
    assert record["@logStream"] == "000000000000_CloudTrail_us-east-1"
    code, _, err = run_aws(clients["aws_v2"], server.endpoint,
                           ["logs", "get-log-record", "--log-record-pointer", "bm9wZQ=="])
    assert code != 0 and "InvalidParameterException" in err


def test_stats_by_bin_and_filter_with_boto3_new_and_sql(server, clients, trail_group):
    now = int(time.time())
    base = {"startTime": now - 7200, "endTime": now + 3600}
    started = run_boto(clients["python_new"], server.endpoint, "logs", "start_query",
                       dict(base, logGroupName=trail_group["name"],
                            queryString='filter eventSource = "s3.amazonaws.com" '
                                        "| stats count(*) as n by bin(1h)"))["result"]
    out = wait_boto(clients, "python_new", server, started["queryId"])
    total = sum(int(r["n"]) for r in rows_as_dicts(out["results"]))
    assert total == sum(1 for r in trail_group["records"]
                        if r.get("eventSource") == "s3.amazonaws.com")
    started = run_boto(clients["python_new"], server.endpoint, "logs", "start_query",
                       dict(base, queryLanguage="SQL",
                            queryString="SELECT eventSource, COUNT(*) AS n FROM "
                                        f"`{trail_group['name']}` GROUP BY eventSource "
                                        "ORDER BY n DESC LIMIT 5"))["result"]
    out = wait_boto(clients, "python_new", server, started["queryId"])
    counts = collections.Counter(r.get("eventSource") for r in trail_group["records"])
    got = [(r["eventSource"], int(r["n"])) for r in rows_as_dicts(out["results"])]
    assert [n for _, n in got] == sorted(counts.values(), reverse=True)[:5]
    for source, n in got:
        assert counts[source] == n
    started = run_boto(clients["python_new"], server.endpoint, "logs", "start_query",
                       dict(base, queryLanguage="PPL",
                            queryString=f"source=`{trail_group['name']}` "
                                        "| where eventName = 'ConsoleLogin' | stats count()"))
    out = wait_boto(clients, "python_new", server, started["result"]["queryId"])
    assert rows_as_dicts(out["results"]) == [
        {"count()": str(sum(1 for r in trail_group["records"]
                            if r.get("eventName") == "ConsoleLogin"))}]


def test_boto3_old_cwli_and_describe_queries(server, clients, trail_group):
    now = int(time.time())
    started = run_boto(clients["python_debian"], server.endpoint, "logs", "start_query",
                       {"logGroupNames": [trail_group["name"]], "startTime": now - 7200,
                        "endTime": now + 3600, "limit": 3,
                        "queryString": "fields eventName, awsRegion"})["result"]
    out = wait_boto(clients, "python_debian", server, started["queryId"])
    rows = rows_as_dicts(out["results"])
    # Newest first, three rows (the limit parameter).
    assert [r["eventName"] for r in rows] == [
        r.get("eventName") for r in reversed(trail_group["records"][-3:])]
    described = run_boto(clients["python_debian"], server.endpoint, "logs", "describe_queries",
                         {"logGroupName": trail_group["name"], "status": "Complete"})["result"]
    mine = [q for q in described["queries"] if q["queryId"] == started["queryId"]]
    assert len(mine) == 1
    assert mine[0]["queryString"] == "fields eventName, awsRegion"
    assert mine[0]["logGroupName"] == trail_group["name"]
    stop = run_boto(clients["python_debian"], server.endpoint, "logs", "stop_query",
                    {"queryId": started["queryId"]})["result"]
    assert stop["success"] is False  # already complete


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_errors(server, clients, trail_group, cli):
    def error(args):
        code, _, err = run_aws(clients[cli], server.endpoint, ["logs"] + args)
        assert code != 0
        return err

    err = error(["start-query", "--log-group-name", trail_group["name"],
                 "--query-string", "fields @message | pattern @message"] + time_args())
    assert "MalformedQueryException" in err and '"pattern" command is not supported' in err
    err = error(["start-query", "--log-group-name", "/no/such/group",
                 "--query-string", "fields @message"] + time_args())
    assert "ResourceNotFoundException" in err
    err = error(["start-query", "--query-string", "fields @message"] + time_args())
    assert "InvalidParameterException" in err
    err = error(["get-query-results", "--query-id", str(uuid.uuid4())])
    assert "ResourceNotFoundException" in err


def test_stop_query_and_query_definitions(server, clients, trail_group):
    now = int(time.time())
    # A query over the whole group; stopping it right away ends Cancelled, or it already
    # completed (then success is false).
    started = aws(clients, "aws_v2", server, [
        "start-query", "--log-group-name", trail_group["name"], "--start-time", str(now - 7200),
        "--end-time", str(now + 3600), "--query-string",
        "filter @message like /Object/ | sort @timestamp desc"])
    stop = aws(clients, "aws_v2", server, ["stop-query", "--query-id", started["queryId"]])
    final = wait_cli(clients, "aws_v2", server, started["queryId"])
    assert final["status"] == ("Cancelled" if stop["success"] else "Complete")

    name = f"e2e/{uuid.uuid4().hex[:8]}"
    put = aws(clients, "aws_v2", server, [
        "put-query-definition", "--name", name, "--query-string",
        "stats count(*) by eventName", "--log-group-names", trail_group["name"]])
    qid = put["queryDefinitionId"]
    listed = aws(clients, "aws_v2", server, ["describe-query-definitions",
                                             "--query-definition-name-prefix", name])
    assert [(d["queryDefinitionId"], d["name"], d["queryString"], d["logGroupNames"])
            for d in listed["queryDefinitions"]] == [
                (qid, name, "stats count(*) by eventName", [trail_group["name"]])]
    aws(clients, "aws_v2", server, ["put-query-definition", "--query-definition-id", qid,
                                    "--name", name, "--query-string", "fields @message"])
    listed = aws(clients, "aws_v2", server, ["describe-query-definitions",
                                             "--query-definition-name-prefix", name])
    assert listed["queryDefinitions"][0]["queryString"] == "fields @message"
    deleted = aws(clients, "aws_v2", server, ["delete-query-definition",
                                              "--query-definition-id", qid])
    assert deleted["success"] is True
    code, _, err = run_aws(clients["aws_v2"], server.endpoint,
                           ["logs", "delete-query-definition", "--query-definition-id", qid])
    assert code != 0 and "ResourceNotFoundException" in err


def test_start_query_is_authorized_per_log_group(server, clients, trail_group):
    """logs:StartQuery is checked on every log group a query reads, for SQL the groups in FROM."""
    other = f"/e2e/insights/other/{uuid.uuid4().hex[:8]}"
    aws(clients, "aws_v2", server, ["create-log-group", "--log-group-name", other])
    name = f"insights-user-{uuid.uuid4().hex[:8]}"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["logs:StartQuery", "logs:GetQueryResults"],
        "Resource": f"arn:aws:logs:us-east-1:000000000000:log-group:{trail_group['name']}:*"}]}

    def iam(args, **creds):
        code, out, err = run_aws(clients["aws_v2"], server.endpoint, ["iam"] + args, **creds)
        assert code == 0, err
        return out

    iam(["create-user", "--user-name", name])
    iam(["put-user-policy", "--user-name", name, "--policy-name", "insights",
         "--policy-document", json.dumps(policy)])
    key = iam(["create-access-key", "--user-name", name])["AccessKey"]
    creds = {"access_key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}

    def start(extra, cli="aws_v2"):
        return run_aws(clients[cli], server.endpoint,
                       ["logs", "start-query"] + time_args() + extra, **creds)

    code, out, err = start(["--log-group-name", trail_group["name"],
                            "--query-string", "stats count(*)"])
    assert code == 0, err
    code, _, err = start(["--log-group-names", trail_group["name"], other,
                          "--query-string", "stats count(*)"])
    assert code != 0 and "AccessDeniedException" in err and other in err
    code, _, err = start(["--query-language", "SQL", "--query-string",
                          f"SELECT COUNT(*) FROM `{other}`"], cli="aws_v1")
    assert code != 0 and "AccessDeniedException" in err
    code, _, err = start(["--query-language", "SQL", "--query-string",
                          f"SELECT COUNT(*) FROM `{trail_group['name']}`"], cli="aws_v1")
    assert code == 0, err


MALFORMED = r"""
import json, sys, time, boto3, botocore
from botocore.config import Config
client = boto3.client("logs", endpoint_url=sys.argv[1], config=Config(retries={"max_attempts": 1}))
now = int(time.time())
try:
    client.start_query(logGroupName=sys.argv[2], startTime=now - 60, endTime=now,
                       queryString="fields a | frobnicate b")
    print(json.dumps({}))
except client.exceptions.MalformedQueryException as e:
    print(json.dumps({"code": e.response["Error"]["Code"],
                      "compile": e.response.get("queryCompileError")}))
"""


def test_malformed_query_carries_the_compile_error_location(server, clients, trail_group):
    proc = subprocess.run([clients["python_new"], "-c", MALFORMED, server.endpoint,
                           trail_group["name"]],
                          capture_output=True, text=True, env=client_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["code"] == "MalformedQueryException"
    assert out["compile"] == {"location": {"startCharOffset": 11, "endCharOffset": 21},
                              "message": 'Unrecognized command "frobnicate"'}
