# SPDX-License-Identifier: Apache-2.0
"""CloudTrail Insights end to end with real clients: a trail delivering to S3 gets both insight
selectors (put with aws CLI v1 and v2, read back with both), learns a steady baseline of IAM
TagUser calls, then sees a burst of TagUser calls and of failing GetUser calls. Both insights
must start and end: Start and End events in LookupEvents with EventCategory=insight (aws CLI v1
and v2, boto3 1.26) and as gzip files under the trail's CloudTrail-Insight prefix, with AWS's
record fields. A restarted server keeps the learned baseline (cloudtrail.db): a burst right
after the restart, well inside the learning period a fresh analyzer would need, starts an
insight judged against the baseline learned before. AWS learns over days; the server runs with
the hidden testing flags --insights-minute-millis 1000 (an Insights "minute" of one second) and
--insights-learning-minutes 6, so the whole run takes seconds."""
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest

from conftest import CLIENTS, Server, client_env, run_aws, run_boto

ACCOUNT = "000000000000"
REGION = "us-east-1"
TRAIL = "insights-trail"
BUCKET = "insights-logs-" + uuid.uuid4().hex[:8]
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"
MINUTE_MS = 1000
LEARNING = 6
SERVER_ARGS = ["--trail-delivery-seconds", "1", "--insights-minute-millis", str(MINUTE_MS),
               "--insights-learning-minutes", str(LEARNING)]
BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{BUCKET}"},
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/AWSLogs/{ACCOUNT}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
    ],
}
INSIGHT_KEY = re.compile(
    rf"^AWSLogs/{ACCOUNT}/CloudTrail-Insight/{REGION}/\d{{4}}/\d{{2}}/\d{{2}}/"
    rf"{ACCOUNT}_CloudTrail-Insight_{REGION}_\d{{8}}T\d{{4}}Z_[A-Za-z0-9]{{16}}\.json\.gz$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
RECORD_FIELDS = ["eventVersion", "eventTime", "awsRegion", "eventID", "eventType",
                 "recipientAccountId", "sharedEventID", "insightDetails", "eventCategory"]
SELECTORS = [{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}]


def ok(result):
    code, out, err = result
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def insights_server(binary):
    d = tempfile.mkdtemp(prefix="tw-e2e-insights-")
    s = Server(binary, d, SERVER_ARGS).start()
    yield s
    s.stop()
    shutil.rmtree(d, ignore_errors=True)


def lookup_insights(cli, ep, *extra):
    events, token = [], None
    while True:
        args = ["cloudtrail", "lookup-events", "--event-category", "insight", *extra]
        if token:
            args += ["--next-token", token]
        out = ok(run_aws(cli, ep, args))
        events += out["Events"]
        token = out.get("NextToken")
        if not token:
            return events


def drive(clients, ep, baseline_minutes, quiet_minutes):
    proc = subprocess.run(
        [clients["python_new"], os.path.join(CLIENTS, "insights_traffic.py"), ep,
         str(MINUTE_MS / 1000), str(baseline_minutes), str(quiet_minutes)],
        capture_output=True, text=True, env=client_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def traffic(insights_server, clients):
    ep = insights_server.endpoint
    v1, v2 = clients["aws_v1"], clients["aws_v2"]
    ok(run_aws(v2, ep, ["s3api", "create-bucket", "--bucket", BUCKET]))
    ok(run_aws(v2, ep, ["s3api", "put-bucket-policy", "--bucket", BUCKET,
                        "--policy", json.dumps(BUCKET_POLICY)]))
    ok(run_aws(v1, ep, ["cloudtrail", "create-trail", "--name", TRAIL,
                        "--s3-bucket-name", BUCKET]))
    ok(run_aws(v1, ep, ["cloudtrail", "start-logging", "--name", TRAIL]))
    code, _, err = run_aws(v2, ep, ["cloudtrail", "get-insight-selectors", "--trail-name", TRAIL])
    assert code != 0 and "InsightNotEnabledException" in err, err
    assert f"Trail {TRAIL_ARN} does not have Insights enabled" in err, err
    # Both CLIs accept the selectors; the second put (same types) keeps what the first started.
    for cli in (v1, v2):
        put = ok(run_aws(cli, ep, ["cloudtrail", "put-insight-selectors", "--trail-name", TRAIL,
                                   "--insight-selectors", json.dumps(SELECTORS)]))
        assert put["TrailARN"] == TRAIL_ARN and put["InsightSelectors"] == SELECTORS, put

    done = drive(clients, ep, LEARNING + 3, 3)
    assert done["burst_calls"] == 30 and done["burst_errors"] == 15, done

    # Wait until both insights have ended (the quiet minutes were already sent).
    deadline = time.monotonic() + 20
    while True:
        events = lookup_insights(v2, ep)
        records = [json.loads(e["CloudTrailEvent"]) for e in events]
        states = {(r["insightDetails"]["insightType"], r["insightDetails"]["state"])
                  for r in records}
        if len(states) == 4 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    return {"events": events, "records": records, "burst": done}


def test_get_insight_selectors_returns_what_was_put(insights_server, clients, traffic):
    for cli in ("aws_v1", "aws_v2"):
        got = ok(run_aws(clients[cli], insights_server.endpoint,
                         ["cloudtrail", "get-insight-selectors", "--trail-name", TRAIL]))
        assert got == {"TrailARN": TRAIL_ARN, "InsightSelectors": SELECTORS}, got
    trail = ok(run_aws(clients["aws_v1"], insights_server.endpoint,
                       ["cloudtrail", "get-trail", "--name", TRAIL]))["Trail"]
    assert trail["HasInsightSelectors"] is True


def by_type(records, insight_type):
    return {r["insightDetails"]["state"]: r for r in records
            if r["insightDetails"]["insightType"] == insight_type}


def check_record(r, state):
    assert list(r) == RECORD_FIELDS, list(r)
    assert r["eventVersion"] == "1.09"
    assert ISO.match(r["eventTime"]), r["eventTime"]
    assert r["awsRegion"] == REGION and r["recipientAccountId"] == ACCOUNT
    assert r["eventType"] == "AwsCloudTrailInsight" and r["eventCategory"] == "Insight"
    assert re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                    r["eventID"])
    d = r["insightDetails"]
    assert d["state"] == state and d["eventSource"] == "iam.amazonaws.com"
    assert d["sourceEventCategory"] == "Management"
    stats = d["insightContext"]["statistics"]
    assert list(stats) == ["baseline", "insight", "insightDuration", "baselineDuration"]
    assert stats["insight"]["average"] > stats["baseline"]["average"] >= 0
    assert stats["insightDuration"] >= 1
    # The baseline spans at least the learning period, counted in (test-length) minutes.
    assert stats["baselineDuration"] >= LEARNING
    for attribution in d["insightContext"]["attributions"]:
        assert list(attribution) == ["attribute", "insight", "baseline"]
        assert 1 <= len(attribution["insight"]) <= 5
        averages = [v["average"] for v in attribution["insight"]]
        assert averages == sorted(averages, reverse=True)
    return d


def test_call_rate_insight_starts_and_ends(traffic):
    pair = by_type(traffic["records"], "ApiCallRateInsight")
    assert set(pair) == {"Start", "End"}, [r["insightDetails"] for r in traffic["records"]]
    start, end = pair["Start"], pair["End"]
    assert start["sharedEventID"] == end["sharedEventID"]
    assert start["eventID"] != end["eventID"]
    assert start["eventTime"] < end["eventTime"]
    for r, state in ((start, "Start"), (end, "End")):
        d = check_record(r, state)
        assert d["eventName"] == "TagUser" and "errorCode" not in d
        attributions = d["insightContext"]["attributions"]
        assert [a["attribute"] for a in attributions] == ["userIdentityArn", "userAgent",
                                                          "errorCode"]
        assert attributions[0]["insight"][0]["value"].startswith(f"arn:aws:iam::{ACCOUNT}:")
        assert "Boto3" in attributions[1]["insight"][0]["value"]
        # TagUser never failed: its error code is "null".
        assert attributions[2]["insight"] == [
            {"value": "null", "average": d["insightContext"]["statistics"]["insight"]["average"]}]
    # The start minute held most of the burst of 30 against a baseline of about one a minute.
    stats = start["insightDetails"]["insightContext"]["statistics"]
    # (At least the threshold: a slow machine may split the burst over two minutes.)
    assert stats["insight"]["average"] >= 5 and stats["baseline"]["average"] <= 2, stats
    assert stats["insightDuration"] == 1
    assert end["insightDetails"]["insightContext"]["statistics"]["baseline"] == stats["baseline"]


def test_error_rate_insight_names_the_error(insights_server, clients, traffic):
    pair = by_type(traffic["records"], "ApiErrorRateInsight")
    assert set(pair) == {"Start", "End"}, [r["insightDetails"] for r in traffic["records"]]
    # The error code as CloudTrail recorded the failing GetUser calls.
    failed = ok(run_aws(clients["aws_v1"], insights_server.endpoint,
                        ["cloudtrail", "lookup-events", "--lookup-attributes",
                         "AttributeKey=EventName,AttributeValue=GetUser"]))["Events"]
    codes = {json.loads(e["CloudTrailEvent"]).get("errorCode") for e in failed}
    assert len(codes) == 1 and None not in codes, codes
    code = codes.pop()
    for state, r in pair.items():
        d = check_record(r, state)
        assert d["eventName"] == "GetUser" and d["errorCode"] == code
        assert list(d)[:6] == ["state", "eventSource", "eventName", "insightType", "errorCode",
                               "sourceEventCategory"]
        attributions = d["insightContext"]["attributions"]
        assert [a["attribute"] for a in attributions] == ["userIdentityArn", "userAgent"]
        # No errors before the burst: an empty baseline.
        assert all(a["baseline"] == [] for a in attributions)
    assert pair["Start"]["sharedEventID"] == pair["End"]["sharedEventID"]


def test_lookup_events_lists_insights_like_aws(insights_server, clients, traffic):
    ep = insights_server.endpoint
    events = traffic["events"]
    assert len(events) == 4
    times = [e["EventTime"] for e in events]
    assert times == sorted(times, reverse=True)  # newest first
    for e in events:
        r = json.loads(e["CloudTrailEvent"])
        assert e["EventId"] == r["eventID"]
        assert e["EventName"] == r["insightDetails"]["eventName"]
        assert e["EventSource"] == "iam.amazonaws.com"
    # aws CLI v1 and boto3 1.26 see the same events; an attribute narrows them.
    assert [e["EventId"] for e in lookup_insights(clients["aws_v1"], ep)] == \
        [e["EventId"] for e in events]
    tagged = lookup_insights(clients["aws_v1"], ep, "--lookup-attributes",
                             "AttributeKey=EventName,AttributeValue=TagUser")
    assert sorted(e["EventId"] for e in tagged) == sorted(
        e["EventId"] for e in events if e["EventName"] == "TagUser")
    boto = run_boto(clients["python_debian"], ep, "cloudtrail", "lookup_events",
                    {"EventCategory": "insight", "MaxResults": 2})
    assert [e["EventId"] for e in boto["result"]["Events"]] == [e["EventId"] for e in events[:2]]
    assert "NextToken" in boto["result"]
    # Management event history does not list Insights events.
    management = ok(run_aws(clients["aws_v2"], ep, ["cloudtrail", "lookup-events",
                                                    "--max-results", "50"]))["Events"]
    assert not {e["EventId"] for e in management} & {e["EventId"] for e in events}


def test_insights_files_are_delivered_to_s3(insights_server, clients, traffic, tmp_path):
    ep = insights_server.endpoint
    prefix = f"AWSLogs/{ACCOUNT}/CloudTrail-Insight/"
    deadline = time.monotonic() + 10
    attempt = 0
    while True:
        # One aws CLI call copies every Insights file (s3 cp --recursive lists, then gets each).
        attempt += 1
        target = tmp_path / str(attempt)
        ok(run_aws(clients["aws_v2"], ep, ["s3", "cp", "--recursive", "--only-show-errors",
                                           f"s3://{BUCKET}/{prefix}", str(target)]))
        keys = sorted(prefix + str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
        records = []
        for key in keys:
            assert INSIGHT_KEY.match(key), key
            doc = json.loads(gzip.decompress((target / key[len(prefix):]).read_bytes()))
            assert list(doc) == ["Records"]
            records += doc["Records"]
        if len(records) >= 4 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert sorted(r["eventID"] for r in records) == sorted(r["eventID"] for r in traffic["records"])
    by_id = {r["eventID"]: r for r in traffic["records"]}
    for r in records:
        assert r == by_id[r["eventID"]]  # the same record as LookupEvents' CloudTrailEvent
    # The trail's own log files are under CloudTrail/ and hold no Insights events.
    listed = ok(run_aws(clients["aws_v1"], ep, ["s3api", "list-objects-v2", "--bucket", BUCKET,
                                                "--prefix", f"AWSLogs/{ACCOUNT}/"]))
    log_keys = [o["Key"] for o in listed["Contents"]]
    assert any(k.startswith(f"AWSLogs/{ACCOUNT}/CloudTrail/") for k in log_keys), log_keys
    assert sorted(k for k in log_keys if k.startswith(prefix)) == keys


def test_a_restarted_server_keeps_the_baseline(insights_server, binary, clients, traffic):
    """Last in this module: it restarts the server."""
    before = {e["EventId"] for e in traffic["events"]}
    old_start = by_type(traffic["records"], "ApiCallRateInsight")["Start"]
    insights_server.stop()  # SIGTERM: the deliverer saves every analyzer's state
    restarted = Server(binary, insights_server.data_dir, SERVER_ARGS).start()
    try:
        ep = restarted.endpoint
        # A burst at once: a fresh analyzer would still be learning (6 minutes).
        drive(clients, ep, 0, 2)
        deadline = time.monotonic() + 15
        while True:
            new = [json.loads(e["CloudTrailEvent"])
                   for e in lookup_insights(clients["aws_v2"], ep) if e["EventId"] not in before]
            starts = [r for r in new if r["insightDetails"]["state"] == "Start"
                      and r["insightDetails"]["insightType"] == "ApiCallRateInsight"]
            if starts or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert len(starts) == 1, new
        stats = check_record(starts[0], "Start")["insightContext"]["statistics"]
        old_stats = old_start["insightDetails"]["insightContext"]["statistics"]
        # The baseline reaches back before the restart: longer than the one of the first
        # insight, and it has counted that first burst.
        assert stats["baselineDuration"] > old_stats["baselineDuration"], (stats, old_stats)
        assert stats["baseline"]["average"] > old_stats["baseline"]["average"], (stats, old_stats)
        assert starts[0]["sharedEventID"] != old_start["sharedEventID"]
    finally:
        restarted.stop()
