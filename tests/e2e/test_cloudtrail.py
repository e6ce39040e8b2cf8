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
    # SNS answers AuthorizationError; the record names its model shape, as for other modeled
    # errors of query services.
    assert denied["errorCode"] == "AuthorizationErrorException"
    # SNS writes its action prefix in capitals ("SNS:CreateTopic") in its denial messages.
    assert "is not authorized to perform: sns:createtopic" in denied["errorMessage"].lower()
    assert denied["userIdentity"]["type"] == "IAMUser"
    assert denied["userIdentity"]["userName"] == activity["user"]
    assert denied["responseElements"] is None
    refused = by_name["ListUsers"]
    assert refused["errorCode"] == "SignatureDoesNotMatch"
    assert refused["userIdentity"]["accessKeyId"] == activity["key"]["AccessKeyId"]


def test_failed_calls_record_the_error_as_cloudtrail_names_it(server, clients):
    """The client gets the wire code (NoSuchEntity); the record names the model's exception
    shape (NoSuchEntityException), as real IAM records do. Codes the model does not rename
    (S3's REST codes) are recorded as sent."""
    v2 = clients["aws_v2"]
    ep = server.endpoint
    tag = uuid.uuid4().hex[:8]
    missing_user = "ct-missing-" + tag
    existing_user = "ct-exists-" + tag
    assert run_aws(v2, ep, ["iam", "create-user", "--user-name", existing_user])[0] == 0
    # (operation, boto call, expected client code, expected recorded code, record message)
    cases = [
        ("GetUser", ("iam", "get_user", {"UserName": missing_user}), "NoSuchEntity",
         "NoSuchEntityException", f"The user with name {missing_user} cannot be found."),
        ("CreateUser", ("iam", "create_user", {"UserName": existing_user}),
         "EntityAlreadyExists", "EntityAlreadyExistsException", None),
        ("GetTopicAttributes", ("sns", "get_topic_attributes",
                                {"TopicArn": f"arn:aws:sns:us-east-1:000000000000:none-{tag}"}),
         "NotFound", "NotFoundException", None),
        ("PutMetricAlarm", ("cloudwatch", "put_metric_alarm", {
            "AlarmName": "ct-alarm-" + tag, "MetricName": "m", "Namespace": "ct/" + tag,
            "Statistic": "Average", "Period": 7, "EvaluationPeriods": 1, "Threshold": 1.0,
            "ComparisonOperator": "GreaterThanThreshold"}),
         "InvalidParameterValue", "InvalidParameterValueException", None),
        ("DeleteBucket", ("s3", "delete_bucket", {"Bucket": "ct-none-" + tag}),
         "NoSuchBucket", "NoSuchBucket", "The specified bucket does not exist"),
    ]
    for operation, (service, method, params), client_code, recorded, message in cases:
        out = run_boto(clients["python_new"], ep, service, method, params)
        assert out["error"]["Code"] == client_code, (operation, out)
        events = lookup(clients, "aws_v2", ep, "EventName", operation)
        failed = [e["CloudTrailEvent"] for e in events
                  if e["CloudTrailEvent"].get("errorMessage") == out["error"]["Message"]]
        assert failed, (operation, out, [e["CloudTrailEvent"].get("errorCode") for e in events])
        assert failed[0]["errorCode"] == recorded, (operation, failed[0])
        if message is not None:
            assert failed[0]["errorMessage"] == message


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
