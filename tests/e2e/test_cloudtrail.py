# SPDX-License-Identifier: Apache-2.0
"""CloudTrail event history end to end: calls made with real clients (successful, denied, and
refused for a bad signature) are found by `aws cloudtrail lookup-events` with AWS's fields."""
import json
import uuid

import pytest

from conftest import run_aws, run_boto


def lookup(clients, cli, endpoint, key, value):
    code, out, err = run_aws(clients[cli], endpoint, [
        "cloudtrail", "lookup-events", "--lookup-attributes",
        f"AttributeKey={key},AttributeValue={value}"])
    assert code == 0, err
    return [dict(e, CloudTrailEvent=json.loads(e["CloudTrailEvent"])) for e in out["Events"]]


@pytest.fixture(scope="module")
def activity(server, clients):
    """A user is created and given a key; root creates and deletes a bucket; the user is denied
    an action; and a call signed with a wrong secret is refused."""
    user = "ct-" + uuid.uuid4().hex[:8]
    bucket = "ct-bucket-" + uuid.uuid4().hex[:8]
    v2 = clients["aws_v2"]
    assert run_aws(v2, server.endpoint, ["iam", "create-user", "--user-name", user])[0] == 0
    code, out, err = run_aws(v2, server.endpoint, ["iam", "create-access-key", "--user-name", user])
    assert code == 0, err
    key = out["AccessKey"]
    assert run_aws(v2, server.endpoint, ["s3api", "create-bucket", "--bucket", bucket])[0] == 0
    assert run_aws(v2, server.endpoint, ["s3api", "delete-bucket", "--bucket", bucket])[0] == 0
    denied = run_boto(clients["python_new"], server.endpoint, "sns", "create_topic",
                      {"Name": "not-allowed"}, access_key=key["AccessKeyId"],
                      secret=key["SecretAccessKey"])
    assert denied["error"]["Code"] == "AuthorizationError" or \
        denied["error"]["Code"] == "AccessDenied", denied
    bad = run_boto(clients["python_new"], server.endpoint, "iam", "list_users",
                   access_key=key["AccessKeyId"], secret="wrong-secret")
    assert bad["error"]["Code"] == "SignatureDoesNotMatch"
    return {"user": user, "bucket": bucket, "key": key}


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_created_user_is_in_event_history(server, clients, activity, cli):
    events = lookup(clients, cli, server.endpoint, "ResourceName", activity["user"])
    names = [e["EventName"] for e in events]
    assert "CreateUser" in names and "CreateAccessKey" in names
    create = next(e for e in events if e["EventName"] == "CreateUser")
    assert create["EventSource"] == "iam.amazonaws.com"
    assert create["Username"] == "root"
    assert create["ReadOnly"] == "false"
    assert {"ResourceType": "AWS::IAM::User", "ResourceName": activity["user"]} in \
        create["Resources"]
    record = create["CloudTrailEvent"]
    assert record["eventName"] == "CreateUser"
    assert record["awsRegion"] == "us-east-1"
    assert record["userIdentity"]["type"] == "Root"
    assert record["userIdentity"]["arn"] == "arn:aws:iam::000000000000:root"
    assert record["requestParameters"] == {"userName": activity["user"]}
    assert record["responseElements"]["user"]["userName"] == activity["user"]
    assert record["eventType"] == "AwsApiCall"
    assert record["recipientAccountId"] == "000000000000"
    assert record["sourceIPAddress"] == "127.0.0.1"
    assert record["userAgent"].startswith("aws-cli/")
    # The new key's secret never reaches a record.
    key_event = next(e for e in events if e["EventName"] == "CreateAccessKey")
    assert activity["key"]["SecretAccessKey"] not in json.dumps(key_event)


def test_bucket_calls_are_recorded(server, clients, activity):
    events = lookup(clients, "aws_v2", server.endpoint, "ResourceName", activity["bucket"])
    assert {"CreateBucket", "DeleteBucket"} <= {e["EventName"] for e in events}
    assert all(e["EventSource"] == "s3.amazonaws.com" for e in events)


def test_denied_and_refused_calls_are_recorded(server, clients, activity):
    events = lookup(clients, "aws_v2", server.endpoint, "Username", activity["user"])
    by_name = {e["EventName"]: e["CloudTrailEvent"] for e in events}
    denied = by_name["CreateTopic"]
    assert denied["errorCode"] in ("AuthorizationError", "AccessDenied")
    # SNS writes its action prefix in capitals ("SNS:CreateTopic") in its denial messages.
    assert "is not authorized to perform: sns:createtopic" in denied["errorMessage"].lower()
    assert denied["userIdentity"]["type"] == "IAMUser"
    assert denied["userIdentity"]["userName"] == activity["user"]
    assert denied["responseElements"] is None
    refused = by_name["ListUsers"]
    assert refused["errorCode"] == "SignatureDoesNotMatch"
    assert refused["userIdentity"]["accessKeyId"] == activity["key"]["AccessKeyId"]


def test_lookup_errors(server, clients):
    out = run_boto(clients["python_new"], server.endpoint, "cloudtrail", "lookup_events", {
        "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "A"},
                             {"AttributeKey": "EventName", "AttributeValue": "B"}]})
    assert out["error"]["Code"] == "InvalidLookupAttributesException"
    assert out["error"]["HTTPStatusCode"] == 400
    out = run_boto(clients["python_debian"], server.endpoint, "cloudtrail", "lookup_events", {
        "StartTime": "2026-01-02T00:00:00Z", "EndTime": "2026-01-01T00:00:00Z"})
    assert out["error"]["Code"] == "InvalidTimeRangeException"


def test_pagination_with_the_cli(server, clients, activity):
    code, out, err = run_aws(clients["aws_v1"], server.endpoint, [
        "cloudtrail", "lookup-events", "--page-size", "2", "--max-items", "5"])
    assert code == 0, err
    assert len(out["Events"]) == 5
    times = [e["EventTime"] for e in out["Events"]]
    assert times == sorted(times, reverse=True)
