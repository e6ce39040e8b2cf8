# SPDX-License-Identifier: Apache-2.0
"""Composite alarms end to end with boto3 (1.43 over CBOR, 1.26 over query) and the aws CLI v2:
PutCompositeAlarm over two metric alarms, a breaching datapoint moving a child and, at once, the
composite, whose SNS notification (AlarmRule, TriggeringChildren) reaches an HTTP subscriber
signed; DescribeAlarms with AlarmTypes, the AWS errors for unknown children and for deleting a
referenced child."""
import json
import re
import urllib.request
import uuid

import pytest

from conftest import run_aws, run_boto
from test_sns import HttpSubscriber, verify_signature

ACCOUNT = "000000000000"
ARN = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:"


def ok(out):
    assert "error" not in out, out
    return out.get("result")


def child(py, endpoint, name, metric, protocol=None):
    ok(run_boto(py, endpoint, "cloudwatch", "put_metric_alarm", {
        "AlarmName": name, "Namespace": "E2E/Composite", "MetricName": metric,
        "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching"}, protocol=protocol))


@pytest.mark.parametrize("python", ["python_new", "python_debian"])
def test_composite_alarm_notifies_through_sns(server, clients, python):
    pytest.importorskip("cryptography")
    py = clients[python]
    suffix = uuid.uuid4().hex[:8]
    errors, deploy, composite = f"errors-{suffix}", f"deploy-{suffix}", f"service-{suffix}"
    subscriber = HttpSubscriber()
    try:
        topic = ok(run_boto(py, server.endpoint, "sns", "create_topic",
                            {"Name": f"composite-{suffix}"}))["TopicArn"]
        ok(run_boto(py, server.endpoint, "sns", "subscribe",
                    {"TopicArn": topic, "Protocol": "http", "Endpoint": subscriber.url}))
        _, body = subscriber.received.get(timeout=20)
        with urllib.request.urlopen(json.loads(body)["SubscribeURL"], timeout=10) as r:
            assert r.status == 200

        child(py, server.endpoint, errors, f"Errors-{suffix}")
        child(py, server.endpoint, deploy, f"Deploy-{suffix}")
        rule = f'ALARM("{errors}") AND NOT ALARM({ARN}{deploy})'
        ok(run_boto(py, server.endpoint, "cloudwatch", "put_composite_alarm", {
            "AlarmName": composite, "AlarmRule": rule, "AlarmActions": [topic],
            "AlarmDescription": "errors outside deployments"}))
        described = ok(run_boto(py, server.endpoint, "cloudwatch", "describe_alarms",
                                {"AlarmNames": [composite], "AlarmTypes": ["CompositeAlarm"]}))
        assert described["MetricAlarms"] == []
        alarm = described["CompositeAlarms"][0]
        assert alarm["AlarmRule"] == rule and alarm["AlarmArn"] == ARN + composite
        assert alarm["StateValue"] == "OK"
        # Without AlarmTypes only metric alarms come back.
        plain = ok(run_boto(py, server.endpoint, "cloudwatch", "describe_alarms",
                            {"AlarmNames": [composite]}))
        assert plain["CompositeAlarms"] == []

        ok(run_boto(py, server.endpoint, "cloudwatch", "put_metric_data", {
            "Namespace": "E2E/Composite",
            "MetricData": [{"MetricName": f"Errors-{suffix}", "Value": 5.0}]}))
        alarm = ok(run_boto(py, server.endpoint, "cloudwatch", "describe_alarms",
                            {"AlarmNames": [composite], "AlarmTypes": ["CompositeAlarm"]}
                            ))["CompositeAlarms"][0]
        assert alarm["StateValue"] == "ALARM"
        assert re.fullmatch(re.escape(ARN + errors) + r" transitioned to ALARM at \w+day \d\d "
                            r"\w+, \d{4} \d\d:\d\d:\d\d UTC", alarm["StateReason"]), alarm
        reason_data = json.loads(alarm["StateReasonData"])
        assert reason_data["triggeringAlarms"][0]["arn"] == ARN + errors

        headers, body = subscriber.received.get(timeout=20)
        doc = json.loads(body)
        assert headers["x-amz-sns-message-type"] == "Notification"
        assert doc["Subject"] == f'ALARM: "{composite}" in US East (N. Virginia)'
        verify_signature(doc)
        message = json.loads(doc["Message"])
        assert message["AlarmName"] == composite
        assert message["NewStateValue"] == "ALARM" and message["OldStateValue"] == "OK"
        assert message["AlarmRule"] == rule
        assert message["TriggeringChildren"][0]["Arn"] == ARN + errors
        assert message["TriggeringChildren"][0]["State"]["Value"] == "ALARM"
        assert "Trigger" not in message

        history = ok(run_boto(py, server.endpoint, "cloudwatch", "describe_alarm_history", {
            "AlarmName": composite, "AlarmTypes": ["CompositeAlarm"],
            "HistoryItemType": "StateUpdate"}))
        assert {h["AlarmType"] for h in history["AlarmHistoryItems"]} == {"CompositeAlarm"}

        out = run_boto(py, server.endpoint, "cloudwatch", "delete_alarms",
                       {"AlarmNames": [errors]})
        assert out["error"]["Code"] == "ValidationError", out
        assert out["error"]["Message"] == (
            f"Cannot delete {errors} as there are composite alarm(s) depending on it.")
        out = run_boto(py, server.endpoint, "cloudwatch", "put_composite_alarm", {
            "AlarmName": f"bad-{suffix}", "AlarmRule": f"ALARM({errors}) OR ALARM(nope-{suffix})"})
        assert out["error"]["Code"] == "ValidationError", out
        assert out["error"]["Message"] == (
            f"Could not save the composite alarm as alarms [nope-{suffix}] in the alarm rule do "
            "not exist")
        out = run_boto(py, server.endpoint, "cloudwatch", "put_composite_alarm", {
            "AlarmName": f"bad-{suffix}", "AlarmRule": f"ALARM({errors}) AND"})
        assert out["error"]["Code"] == "ValidationError", out
        ok(run_boto(py, server.endpoint, "cloudwatch", "delete_alarms",
                    {"AlarmNames": [composite]}))
        ok(run_boto(py, server.endpoint, "cloudwatch", "delete_alarms",
                    {"AlarmNames": [errors, deploy]}))
    finally:
        subscriber.shutdown()


def test_cli_put_composite_alarm(server, clients):
    suffix = uuid.uuid4().hex[:8]
    a = f"cli-child-{suffix}"
    child(clients["python_new"], server.endpoint, a, f"Cli-{suffix}")
    code, _, err = run_aws(clients["aws_v2"], server.endpoint, [
        "cloudwatch", "put-composite-alarm", "--alarm-name", f"cli-comp-{suffix}",
        "--alarm-rule", f"OK({a}) OR TRUE"])
    assert code == 0, err
    code, out, err = run_aws(clients["aws_v2"], server.endpoint, [
        "cloudwatch", "describe-alarms", "--alarm-types", "CompositeAlarm",
        "--alarm-names", f"cli-comp-{suffix}"])
    assert code == 0, err
    assert out["CompositeAlarms"][0]["StateValue"] == "ALARM"
    code, out, err = run_aws(clients["aws_v2"], server.endpoint, [
        "cloudwatch", "describe-alarms", "--parents-of-alarm-name", a])
    assert code == 0, err
    assert [c["AlarmName"] for c in out["CompositeAlarms"]] == [f"cli-comp-{suffix}"]
