# SPDX-License-Identifier: Apache-2.0
"""CloudWatch Logs end to end with real clients (aws CLI v1 and v2, boto3 old and new): log groups
and streams, PutLogEvents / GetLogEvents / FilterLogEvents with term, JSON and space-delimited
patterns, pagination, retention, tags, metric filters, and AWS's error codes and statuses."""
import json
import time
import uuid

import pytest

from conftest import run_aws, run_boto

CLIS = ["aws_v1", "aws_v2"]
PYTHONS = ["python_new", "python_debian"]

CIS_CONSOLE_FAILURES = ('{ ($.eventName = ConsoleLogin) && '
                        '($.errorMessage = "Failed authentication") }')
APACHE = ('127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534')


def unique(prefix):
    return f"/e2e/{prefix}/{uuid.uuid4().hex[:10]}"


def now_ms():
    return int(time.time() * 1000)


def console_login(error):
    record = {
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "accountId": "000000000000", "userName": "alice"},
        "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.10",
        "responseElements": {"ConsoleLogin": "Failure"},
        "additionalEventData": {"MFAUsed": "No"}, "eventType": "AwsConsoleSignIn",
    }
    if error:
        record["errorMessage"] = error
    return json.dumps(record)


def aws_ok(clients, cli, server, args):
    code, out, err = run_aws(clients[cli], server.endpoint, ["logs"] + args)
    assert code == 0, err
    return out


def aws_error(clients, cli, server, args):
    code, _, err = run_aws(clients[cli], server.endpoint, ["logs"] + args)
    assert code != 0
    return err


def boto(clients, python, server, operation, **params):
    return run_boto(clients[python], server.endpoint, "logs", operation, params)


def boto_ok(clients, python, server, operation, **params):
    out = boto(clients, python, server, operation, **params)
    assert "result" in out, out
    return out["result"]


def make_group_with_stream(clients, cli, server, prefix):
    group = unique(prefix)
    aws_ok(clients, cli, server, ["create-log-group", "--log-group-name", group])
    aws_ok(clients, cli, server, ["create-log-stream", "--log-group-name", group,
                                  "--log-stream-name", "s1"])
    return group


def put_events(clients, cli, server, group, stream, messages, start=None):
    start = start if start is not None else now_ms() - 60_000
    events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
    return aws_ok(clients, cli, server, ["put-log-events", "--log-group-name", group,
                                         "--log-stream-name", stream,
                                         "--log-events", json.dumps(events)])


@pytest.mark.parametrize("cli", CLIS)
def test_groups_streams_and_events_with_cli(server, clients, cli):
    group = make_group_with_stream(clients, cli, server, "cli")
    out = aws_ok(clients, cli, server, ["describe-log-groups", "--log-group-name-prefix", group])
    assert [g["logGroupName"] for g in out["logGroups"]] == [group]
    g = out["logGroups"][0]
    assert g["arn"] == f"arn:aws:logs:us-east-1:000000000000:log-group:{group}:*"
    # Older client models (aws CLI v2 here) do not know logGroupArn and drop it.
    arn = f"arn:aws:logs:us-east-1:000000000000:log-group:{group}"
    assert g.get("logGroupArn", arn) == arn
    assert g["metricFilterCount"] == 0 and g["storedBytes"] == 0

    put = put_events(clients, cli, server, group, "s1",
                     ["INFO start", "ERROR boom", '{"status": 500, "path": "/x"}', APACHE])
    assert len(put["nextSequenceToken"]) == 56
    assert "rejectedLogEventsInfo" not in put

    got = aws_ok(clients, cli, server, ["get-log-events", "--log-group-name", group,
                                        "--log-stream-name", "s1", "--start-from-head"])
    assert [e["message"] for e in got["events"]][:2] == ["INFO start", "ERROR boom"]
    assert got["nextForwardToken"].startswith("f/")
    assert got["nextBackwardToken"].startswith("b/")

    streams = aws_ok(clients, cli, server, ["describe-log-streams", "--log-group-name", group])
    s = streams["logStreams"][0]
    assert s["logStreamName"] == "s1"
    assert s["arn"].endswith(f"log-group:{group}:log-stream:s1")
    assert s["firstEventTimestamp"] <= s["lastEventTimestamp"]
    assert "lastIngestionTime" in s and s["storedBytes"] == 0

    def filtered(pattern):
        out = aws_ok(clients, cli, server, ["filter-log-events", "--log-group-name", group,
                                            "--filter-pattern", pattern])
        return [e["message"] for e in out["events"]]

    assert filtered("ERROR") == ["ERROR boom"]
    assert filtered("{ $.status >= 500 }") == ['{"status": 500, "path": "/x"}']
    assert filtered("[ip, id, user, timestamp, request, status_code = 404, bytes]") == [APACHE]
    assert filtered(" ") == ["INFO start", "ERROR boom", '{"status": 500, "path": "/x"}', APACHE]


@pytest.mark.parametrize("cli", CLIS)
def test_describe_pagination_with_cli(server, clients, cli):
    prefix = unique("page")
    names = [f"{prefix}/{i:02d}" for i in range(7)]
    for name in reversed(names):
        aws_ok(clients, cli, server, ["create-log-group", "--log-group-name", name])
    # The CLI follows nextToken by itself; page size 2 takes four requests.
    out = aws_ok(clients, cli, server, ["describe-log-groups", "--log-group-name-prefix", prefix,
                                        "--page-size", "2"])
    assert [g["logGroupName"] for g in out["logGroups"]] == names
    first = aws_ok(clients, cli, server, ["describe-log-groups", "--log-group-name-prefix",
                                          prefix, "--max-items", "3"])
    assert [g["logGroupName"] for g in first["logGroups"]] == names[:3]
    rest = aws_ok(clients, cli, server, ["describe-log-groups", "--log-group-name-prefix",
                                         prefix, "--starting-token", first["NextToken"]])
    assert [g["logGroupName"] for g in rest["logGroups"]] == names[3:]

    group = names[0]
    for i in range(5):
        aws_ok(clients, cli, server, ["create-log-stream", "--log-group-name", group,
                                      "--log-stream-name", f"stream-{i}"])
    streams = aws_ok(clients, cli, server, ["describe-log-streams", "--log-group-name", group,
                                            "--page-size", "2", "--descending"])
    assert [s["logStreamName"] for s in streams["logStreams"]] == [
        f"stream-{i}" for i in reversed(range(5))]


@pytest.mark.parametrize("cli", CLIS)
def test_metric_filters_with_cli(server, clients, cli):
    group = make_group_with_stream(clients, cli, server, "mf")
    aws_ok(clients, cli, server, [
        "put-metric-filter", "--log-group-name", group, "--filter-name", "ConsoleSigninFailures",
        "--filter-pattern", CIS_CONSOLE_FAILURES, "--metric-transformations",
        "metricName=ConsoleSigninFailureCount,metricNamespace=CISBenchmark,metricValue=1"])
    out = aws_ok(clients, cli, server, ["describe-metric-filters", "--log-group-name", group])
    assert len(out["metricFilters"]) == 1
    f = out["metricFilters"][0]
    assert f["filterName"] == "ConsoleSigninFailures"
    assert f["filterPattern"] == CIS_CONSOLE_FAILURES
    assert f["logGroupName"] == group
    assert f["metricTransformations"] == [{"metricName": "ConsoleSigninFailureCount",
                                           "metricNamespace": "CISBenchmark",
                                           "metricValue": "1"}]
    by_metric = aws_ok(clients, cli, server, ["describe-metric-filters", "--metric-name",
                                              "ConsoleSigninFailureCount", "--metric-namespace",
                                              "CISBenchmark"])
    assert group in [m["logGroupName"] for m in by_metric["metricFilters"]]
    groups = aws_ok(clients, cli, server, ["describe-log-groups", "--log-group-name-prefix", group])
    assert groups["logGroups"][0]["metricFilterCount"] == 1

    tested = aws_ok(clients, cli, server, [
        "test-metric-filter", "--filter-pattern", CIS_CONSOLE_FAILURES, "--log-event-messages",
        console_login("Failed authentication"), console_login(None)])
    assert [m["eventNumber"] for m in tested["matches"]] == [0]
    assert tested["matches"][0]["eventMessage"] == console_login("Failed authentication")

    sd = aws_ok(clients, cli, server, [
        "test-metric-filter", "--filter-pattern",
        "[ip, id, user, timestamp, request, status_code, bytes]", "--log-event-messages", APACHE])
    assert sd["matches"][0]["extractedValues"]["$user"] == "frank"
    assert sd["matches"][0]["extractedValues"]["$request"] == "GET /index.html HTTP/1.0"

    err = aws_error(clients, cli, server, [
        "put-metric-filter", "--log-group-name", group, "--filter-name", "bad",
        "--filter-pattern", "{ $.eventName = ", "--metric-transformations",
        "metricName=m,metricNamespace=n,metricValue=1"])
    assert "InvalidParameterException" in err and "Invalid metric filter pattern" in err

    aws_ok(clients, cli, server, ["delete-metric-filter", "--log-group-name", group,
                                  "--filter-name", "ConsoleSigninFailures"])
    err = aws_error(clients, cli, server, ["delete-metric-filter", "--log-group-name", group,
                                           "--filter-name", "ConsoleSigninFailures"])
    assert "ResourceNotFoundException" in err


@pytest.mark.parametrize("cli", CLIS)
def test_retention_and_errors_with_cli(server, clients, cli, tmp_path):
    group = make_group_with_stream(clients, cli, server, "ret")
    aws_ok(clients, cli, server, ["put-retention-policy", "--log-group-name", group,
                                  "--retention-in-days", "7"])
    out = aws_ok(clients, cli, server, ["describe-log-groups", "--log-group-name-prefix", group])
    assert out["logGroups"][0]["retentionInDays"] == 7
    err = aws_error(clients, cli, server, ["put-retention-policy", "--log-group-name", group,
                                           "--retention-in-days", "2"])
    assert "InvalidParameterException" in err
    aws_ok(clients, cli, server, ["delete-retention-policy", "--log-group-name", group])
    out = aws_ok(clients, cli, server, ["describe-log-groups", "--log-group-name-prefix", group])
    assert "retentionInDays" not in out["logGroups"][0]

    err = aws_error(clients, cli, server, ["create-log-group", "--log-group-name", group])
    assert "ResourceAlreadyExistsException" in err
    assert "The specified log group already exists" in err
    err = aws_error(clients, cli, server, ["delete-log-group", "--log-group-name", group + "-x"])
    assert "ResourceNotFoundException" in err
    assert "The specified log group does not exist." in err
    err = aws_error(clients, cli, server, ["create-log-stream", "--log-group-name", group,
                                           "--log-stream-name", "s1"])
    assert "ResourceAlreadyExistsException" in err

    # 1,048,576 bytes counting 26 per event (too big for argv: through a file).
    big = tmp_path / "events.json"
    big.write_text(json.dumps([{"timestamp": now_ms(), "message": "x" * 600_000},
                               {"timestamp": now_ms(), "message": "y" * 600_000}]))
    err = aws_error(clients, cli, server, ["put-log-events", "--log-group-name", group,
                                           "--log-stream-name", "s1", "--log-events",
                                           f"file://{big}"])
    assert "InvalidParameterException" in err
    assert "Upload too large: 1200052 bytes exceeds limit of 1048576" in err

    aws_ok(clients, cli, server, ["delete-log-stream", "--log-group-name", group,
                                  "--log-stream-name", "s1"])
    aws_ok(clients, cli, server, ["delete-log-group", "--log-group-name", group])


@pytest.mark.parametrize("python", PYTHONS)
def test_events_and_patterns_with_boto3(server, clients, python):
    group = unique("boto")
    boto_ok(clients, python, server, "create_log_group", logGroupName=group,
            tags={"team": "security"})
    for stream in ["web-1", "web-2"]:
        boto_ok(clients, python, server, "create_log_stream", logGroupName=group,
                logStreamName=stream)
    t0 = now_ms() - 120_000
    boto_ok(clients, python, server, "put_log_events", logGroupName=group, logStreamName="web-1",
            logEvents=[{"timestamp": t0, "message": "ERROR first"},
                       {"timestamp": t0 + 20, "message": '{"latency": 50, "path": "/a"}'}])
    boto_ok(clients, python, server, "put_log_events", logGroupName=group, logStreamName="web-2",
            logEvents=[{"timestamp": t0 + 10, "message": "WARN second"},
                       {"timestamp": t0 + 30, "message": "ERROR third"}],
            sequenceToken="ignored-since-2023")

    out = boto_ok(clients, python, server, "filter_log_events", logGroupName=group)
    assert [(e["logStreamName"], e["message"]) for e in out["events"]] == [
        ("web-1", "ERROR first"), ("web-2", "WARN second"),
        ("web-1", '{"latency": 50, "path": "/a"}'), ("web-2", "ERROR third")]
    assert all(len(e["eventId"]) == 56 and e["ingestionTime"] >= t0 for e in out["events"])

    # Pages of one, following nextToken to the end (no token on the last page).
    messages, token = [], None
    for _ in range(10):
        params = {"logGroupName": group, "filterPattern": "?ERROR ?WARN", "limit": 1}
        if token:
            params["nextToken"] = token
        page = boto_ok(clients, python, server, "filter_log_events", **params)
        messages += [e["message"] for e in page["events"]]
        token = page.get("nextToken")
        if not token:
            break
    assert messages == ["ERROR first", "WARN second", "ERROR third"]

    json_match = boto_ok(clients, python, server, "filter_log_events", logGroupName=group,
                         filterPattern="{ $.latency > 10 }", logStreamNames=["web-1"])
    assert [e["message"] for e in json_match["events"]] == ['{"latency": 50, "path": "/a"}']

    tags = boto_ok(clients, python, server, "list_tags_for_resource",
                   resourceArn=f"arn:aws:logs:us-east-1:000000000000:log-group:{group}")
    assert tags["tags"] == {"team": "security"}


@pytest.mark.parametrize("python", PYTHONS)
def test_get_log_events_tokens_with_boto3(server, clients, python):
    group = unique("tokens")
    boto_ok(clients, python, server, "create_log_group", logGroupName=group)
    boto_ok(clients, python, server, "create_log_stream", logGroupName=group, logStreamName="s")
    t0 = now_ms() - 60_000
    boto_ok(clients, python, server, "put_log_events", logGroupName=group, logStreamName="s",
            logEvents=[{"timestamp": t0 + i, "message": f"m{i}"} for i in range(5)])
    seen, token = [], None
    for _ in range(10):
        params = {"logGroupName": group, "logStreamName": "s", "startFromHead": True, "limit": 2}
        if token:
            params["nextToken"] = token
        page = boto_ok(clients, python, server, "get_log_events", **params)
        seen += [e["message"] for e in page["events"]]
        if page["nextForwardToken"] == token:
            break  # AWS's end of stream: the same token comes back
        token = page["nextForwardToken"]
    assert seen == [f"m{i}" for i in range(5)]


@pytest.mark.parametrize("python", PYTHONS)
def test_errors_with_boto3(server, clients, python):
    group = unique("errors")
    out = boto(clients, python, server, "describe_log_streams", logGroupName=group)
    assert out["error"] == {"Code": "ResourceNotFoundException",
                            "Message": "The specified log group does not exist.",
                            "HTTPStatusCode": 400}
    boto_ok(clients, python, server, "create_log_group", logGroupName=group)
    boto_ok(clients, python, server, "create_log_stream", logGroupName=group, logStreamName="s")
    t0 = now_ms()
    out = boto(clients, python, server, "put_log_events", logGroupName=group, logStreamName="s",
               logEvents=[{"timestamp": t0, "message": "b"}, {"timestamp": t0 - 5, "message": "a"}])
    assert out["error"]["Code"] == "InvalidParameterException"
    assert out["error"]["HTTPStatusCode"] == 400
    assert out["error"]["Message"] == (
        "Log events in a single PutLogEvents request must be in chronological order.")
    out = boto(clients, python, server, "put_log_events", logGroupName=group, logStreamName="s",
               logEvents=[{"timestamp": t0 - 15 * 86_400_000, "message": "old"}])
    assert out["result"]["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    out = boto(clients, python, server, "put_metric_filter", logGroupName=group,
               filterName="f", filterPattern="{ $.a = ",
               metricTransformations=[{"metricName": "m", "metricNamespace": "n",
                                       "metricValue": "1"}])
    assert out["error"]["Code"] == "InvalidParameterException"
    out = boto(clients, python, server, "describe_log_groups", limit=51)
    assert out.get("error", {}).get("Code") in ("InvalidParameterException", "ParamValidation"), out
