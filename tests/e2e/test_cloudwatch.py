# SPDX-License-Identifier: Apache-2.0
"""CloudWatch metrics and alarms end to end, over all three wire protocols: aws CLI v2 and boto3
1.26 (query), boto3 1.43 (smithy-rpc-v2-cbor, its default) and JSON 1.0 query-compatible; and an
alarm (Sum, 30 s, >= 1) that reaches ALARM the moment a breaching datapoint is stored."""
import datetime
import time
import uuid

import pytest

from conftest import run_aws, run_boto

CLIENTS = [("python_new", None), ("python_new", "json"), ("python_new", "query"),
           ("python_debian", None)]


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("python,protocol", CLIENTS)
def test_put_and_get_statistics(server, clients, python, protocol):
    namespace = "E2E/" + uuid.uuid4().hex[:8]
    put = run_boto(clients[python], server.endpoint, "cloudwatch", "put_metric_data", {
        "Namespace": namespace,
        "MetricData": [{"MetricName": "Latency", "Value": v, "Unit": "Milliseconds",
                        "Dimensions": [{"Name": "Api", "Value": "GetUser"}]}
                       for v in (10.0, 20.0, 30.0)]}, protocol=protocol)
    assert "error" not in put, put
    end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
    start = end - datetime.timedelta(minutes=10)
    stats = run_boto(clients[python], server.endpoint, "cloudwatch", "get_metric_statistics", {
        "Namespace": namespace, "MetricName": "Latency",
        "Dimensions": [{"Name": "Api", "Value": "GetUser"}],
        "StartTime": start.isoformat(), "EndTime": end.isoformat(), "Period": 600,
        "Statistics": ["Sum", "Average", "Maximum", "SampleCount"]}, protocol=protocol)
    assert "error" not in stats, stats
    points = stats["result"]["Datapoints"]
    assert sum(p["SampleCount"] for p in points) == 3
    assert sum(p["Sum"] for p in points) == 60.0
    listed = run_boto(clients[python], server.endpoint, "cloudwatch", "list_metrics",
                      {"Namespace": namespace}, protocol=protocol)
    assert [m["MetricName"] for m in listed["result"]["Metrics"]] == ["Latency"]


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_cli_put_metric_data_and_list(server, clients, cli):
    namespace = "E2ECli/" + uuid.uuid4().hex[:8]
    code, _, err = run_aws(clients[cli], server.endpoint, [
        "cloudwatch", "put-metric-data", "--namespace", namespace, "--metric-name", "Count",
        "--value", "1", "--unit", "Count"])
    assert code == 0, err
    code, out, err = run_aws(clients[cli], server.endpoint, [
        "cloudwatch", "list-metrics", "--namespace", namespace])
    assert code == 0, err
    assert out["Metrics"][0]["MetricName"] == "Count"


@pytest.mark.parametrize("python,protocol", [("python_new", None), ("python_debian", None)])
def test_alarm_fires_within_a_second(server, clients, python, protocol):
    namespace = "CloudTrailMetrics"
    metric = "BucketChanges" + uuid.uuid4().hex[:6]
    alarm = "bucket-alarm-" + uuid.uuid4().hex[:6]
    out = run_boto(clients[python], server.endpoint, "cloudwatch", "put_metric_alarm", {
        "AlarmName": alarm, "Namespace": namespace, "MetricName": metric, "Statistic": "Sum",
        "Period": 30, "EvaluationPeriods": 1, "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching"}, protocol=protocol)
    assert "error" not in out, out
    put_at = time.monotonic()
    out = run_boto(clients[python], server.endpoint, "cloudwatch", "put_metric_data", {
        "Namespace": namespace, "MetricData": [{"MetricName": metric, "Value": 1.0}]},
        protocol=protocol)
    assert "error" not in out, out
    described = run_boto(clients[python], server.endpoint, "cloudwatch", "describe_alarms",
                         {"AlarmNames": [alarm]}, protocol=protocol)
    state = described["result"]["MetricAlarms"][0]
    assert state["StateValue"] == "ALARM", state
    # The state changed when the datapoint was stored, not on a later tick.
    assert time.monotonic() - put_at < 5
    assert "Threshold Crossed" in state["StateReason"]
    history = run_boto(clients[python], server.endpoint, "cloudwatch", "describe_alarm_history",
                       {"AlarmName": alarm, "HistoryItemType": "StateUpdate"}, protocol=protocol)
    summaries = [h["HistorySummary"] for h in history["result"]["AlarmHistoryItems"]]
    assert any("to ALARM" in s for s in summaries), summaries


def test_errors_have_cloudwatch_codes(server, clients):
    too_old = (datetime.datetime.now(datetime.timezone.utc) -
               datetime.timedelta(days=20)).isoformat()
    for python, protocol in CLIENTS:
        out = run_boto(clients[python], server.endpoint, "cloudwatch", "put_metric_data", {
            "Namespace": "E2E/errors",
            "MetricData": [{"MetricName": "x", "Value": 1.0, "Timestamp": too_old}]},
            protocol=protocol)
        assert out["error"]["Code"] == "InvalidParameterValue", (python, protocol, out)
        assert out["error"]["HTTPStatusCode"] == 400
        out = run_boto(clients[python], server.endpoint, "cloudwatch", "set_alarm_state", {
            "AlarmName": "no-such-alarm", "StateValue": "OK", "StateReason": "test"},
            protocol=protocol)
        assert out["error"]["Code"] == "ResourceNotFound", (python, protocol, out)
