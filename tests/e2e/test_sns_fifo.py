# SPDX-License-Identifier: Apache-2.0
"""SNS follow-ups end to end with boto3 (1.43 and 1.26): FIFO topics (names, MessageGroupId,
deduplication ids and content-based deduplication, SequenceNumber, the protocols a FIFO topic
refuses), the signed UnsubscribeConfirmation an HTTP endpoint receives on Unsubscribe,
RedrivePolicy refused for want of SQS, filter policy limits, and the default topic policy."""
import json
import urllib.request
import uuid

import pytest

from conftest import run_boto
from test_sns import HttpSubscriber, verify_signature

PYTHONS = ["python_new", "python_debian"]


def ok(out):
    assert "error" not in out, out
    return out.get("result")


@pytest.mark.parametrize("python", PYTHONS)
def test_fifo_topics(server, clients, python):
    py = clients[python]
    suffix = uuid.uuid4().hex[:8]
    out = run_boto(py, server.endpoint, "sns", "create_topic",
                   {"Name": f"orders-{suffix}", "Attributes": {"FifoTopic": "true"}})
    assert out["error"]["Code"] == "InvalidParameter"
    assert out["error"]["Message"].startswith("Invalid parameter: Fifo Topic names must end with")
    topic = ok(run_boto(py, server.endpoint, "sns", "create_topic",
                        {"Name": f"orders-{suffix}.fifo",
                         "Attributes": {"FifoTopic": "true"}}))["TopicArn"]
    assert topic.endswith(".fifo")
    for protocol, endpoint in [("email", "ops@example.com"), ("http", "http://127.0.0.1:9/")]:
        out = run_boto(py, server.endpoint, "sns", "subscribe",
                       {"TopicArn": topic, "Protocol": protocol, "Endpoint": endpoint})
        assert out["error"]["Code"] == "InvalidParameter"
        assert out["error"]["Message"] == f"Invalid parameter: Invalid protocol type: {protocol}"

    out = run_boto(py, server.endpoint, "sns", "publish", {"TopicArn": topic, "Message": "m"})
    assert out["error"]["Message"] == (
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
    out = run_boto(py, server.endpoint, "sns", "publish",
                   {"TopicArn": topic, "Message": "m", "MessageGroupId": "g"})
    assert "ContentBasedDeduplication" in out["error"]["Message"]
    first = ok(run_boto(py, server.endpoint, "sns", "publish", {
        "TopicArn": topic, "Message": "m", "MessageGroupId": "g",
        "MessageDeduplicationId": "d1"}))
    assert len(first["SequenceNumber"]) == 20
    again = ok(run_boto(py, server.endpoint, "sns", "publish", {
        "TopicArn": topic, "Message": "m", "MessageGroupId": "g",
        "MessageDeduplicationId": "d1"}))
    assert again["MessageId"] == first["MessageId"]
    second = ok(run_boto(py, server.endpoint, "sns", "publish", {
        "TopicArn": topic, "Message": "m", "MessageGroupId": "g",
        "MessageDeduplicationId": "d2"}))
    assert second["MessageId"] != first["MessageId"]
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])

    ok(run_boto(py, server.endpoint, "sns", "set_topic_attributes", {
        "TopicArn": topic, "AttributeName": "ContentBasedDeduplication", "AttributeValue": "true"}))
    a = ok(run_boto(py, server.endpoint, "sns", "publish",
                    {"TopicArn": topic, "Message": "same", "MessageGroupId": "g"}))
    b = ok(run_boto(py, server.endpoint, "sns", "publish",
                    {"TopicArn": topic, "Message": "same", "MessageGroupId": "g"}))
    assert a["MessageId"] == b["MessageId"]

    standard = ok(run_boto(py, server.endpoint, "sns", "create_topic",
                           {"Name": f"plain-{suffix}"}))["TopicArn"]
    out = run_boto(py, server.endpoint, "sns", "publish", {
        "TopicArn": standard, "Message": "m", "MessageDeduplicationId": "d"})
    assert out["error"]["Code"] == "InvalidParameter"
    attributes = ok(run_boto(py, server.endpoint, "sns", "get_topic_attributes",
                             {"TopicArn": standard}))["Attributes"]
    policy = json.loads(attributes["Policy"])
    assert policy["Id"] == "__default_policy_ID"
    assert policy["Statement"][0]["Condition"] == {
        "StringEquals": {"AWS:SourceOwner": "000000000000"}}


def test_unsubscribe_confirmation_redrive_and_filter_limits(server, clients):
    pytest.importorskip("cryptography")
    py = clients["python_new"]
    subscriber = HttpSubscriber()
    try:
        topic = ok(run_boto(py, server.endpoint, "sns", "create_topic",
                            {"Name": f"unsub-{uuid.uuid4().hex[:8]}"}))["TopicArn"]
        out = run_boto(py, server.endpoint, "sns", "subscribe", {
            "TopicArn": topic, "Protocol": "http", "Endpoint": subscriber.url,
            "Attributes": {"RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"})}})
        assert out["error"]["Code"] == "InvalidParameter" and "RedrivePolicy" in \
            out["error"]["Message"]
        out = run_boto(py, server.endpoint, "sns", "subscribe", {
            "TopicArn": topic, "Protocol": "http", "Endpoint": subscriber.url,
            "Attributes": {"FilterPolicy": json.dumps({k: ["v"] for k in "abcdef"})}})
        assert out["error"]["Message"] == (
            "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys")

        ok(run_boto(py, server.endpoint, "sns", "subscribe",
                    {"TopicArn": topic, "Protocol": "http", "Endpoint": subscriber.url}))
        _, body = subscriber.received.get(timeout=20)
        with urllib.request.urlopen(json.loads(body)["SubscribeURL"], timeout=10) as r:
            sub_arn = r.read().decode().split("<SubscriptionArn>")[1].split("<")[0]
        ok(run_boto(py, server.endpoint, "sns", "unsubscribe", {"SubscriptionArn": sub_arn}))
        headers, body = subscriber.received.get(timeout=20)
        doc = json.loads(body)
        assert headers["x-amz-sns-message-type"] == "UnsubscribeConfirmation"
        assert doc["Type"] == "UnsubscribeConfirmation" and doc["TopicArn"] == topic
        assert doc["Message"].startswith(f"You have chosen to deactivate subscription {sub_arn}.")
        assert "Action=ConfirmSubscription" in doc["SubscribeURL"]
        verify_signature(doc)
    finally:
        subscriber.shutdown()
