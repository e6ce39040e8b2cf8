# SPDX-License-Identifier: Apache-2.0
"""CloudWatch Logs subscription filters end to end with the aws CLI v1 and v2 and boto3: put,
describe, replace and delete; AWS's errors (invalid pattern, destination kinds, the limit of 2 per
log group, missing group or filter); and delivery of matching events, which fails because
trailwatch has no Kinesis/Firehose/Lambda and shows up as a warn line in the server log naming the
filter and the destination."""
import json
import time
import uuid

import pytest

from conftest import run_aws, run_boto

ACCOUNT = "000000000000"
KINESIS = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/trail-events"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/CWLtoKinesisRole"


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_subscription_filters_with_the_cli(server, clients, cli):
    aws = clients[cli]
    ep = server.endpoint
    group = f"/e2e/subs/{uuid.uuid4().hex[:10]}"
    code, _, err = run_aws(aws, ep, ["logs", "create-log-group", "--log-group-name", group])
    assert code == 0, err
    code, _, err = run_aws(aws, ep, [
        "logs", "put-subscription-filter", "--log-group-name", group, "--filter-name", "logins",
        "--filter-pattern", '{ $.eventName = "ConsoleLogin" }', "--destination-arn", KINESIS,
        "--role-arn", ROLE])
    assert code == 0, err
    code, _, err = run_aws(aws, ep, [
        "logs", "put-subscription-filter", "--log-group-name", group, "--filter-name", "errors",
        "--filter-pattern", "ERROR", "--destination-arn",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:alerts", "--distribution", "Random"])
    assert code == 0, err
    code, out, err = run_aws(aws, ep, ["logs", "describe-subscription-filters",
                                       "--log-group-name", group])
    assert code == 0, err
    filters = out["subscriptionFilters"]
    assert [f["filterName"] for f in filters] == ["errors", "logins"]
    assert filters[1]["destinationArn"] == KINESIS
    assert filters[1]["roleArn"] == ROLE
    assert filters[1]["distribution"] == "ByLogStream"
    assert filters[1]["logGroupName"] == group
    assert filters[0]["distribution"] == "Random"
    assert isinstance(filters[0]["creationTime"], int)

    # A third filter is over the quota of 2.
    code, _, err = run_aws(aws, ep, [
        "logs", "put-subscription-filter", "--log-group-name", group, "--filter-name", "third",
        "--filter-pattern", "", "--destination-arn", KINESIS, "--role-arn", ROLE])
    assert code != 0 and "LimitExceededException" in err, err
    # Invalid pattern, unsupported destination, missing role for Kinesis.
    for args, code_name in (
            (["--filter-pattern", "{ $.eventName = ", "--destination-arn", KINESIS,
              "--role-arn", ROLE], "InvalidParameterException"),
            (["--filter-pattern", "", "--destination-arn",
              f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue"], "InvalidParameterException"),
            (["--filter-pattern", "", "--destination-arn", KINESIS],
             "InvalidParameterException")):
        code, _, err = run_aws(aws, ep, ["logs", "put-subscription-filter", "--log-group-name",
                                         group, "--filter-name", "logins"] + args)
        assert code != 0 and code_name in err, err
    code, _, err = run_aws(aws, ep, ["logs", "delete-subscription-filter", "--log-group-name",
                                     group, "--filter-name", "errors"])
    assert code == 0, err
    code, _, err = run_aws(aws, ep, ["logs", "delete-subscription-filter", "--log-group-name",
                                     group, "--filter-name", "errors"])
    assert code != 0 and "ResourceNotFoundException" in err
    assert "The specified subscription filter does not exist." in err
    code, _, err = run_aws(aws, ep, ["logs", "describe-subscription-filters",
                                     "--log-group-name", group + "-missing"])
    assert code != 0 and "ResourceNotFoundException" in err


def test_matching_events_report_the_failed_delivery(server, clients):
    py = clients["python_new"]
    ep = server.endpoint
    group = f"/e2e/subs-delivery/{uuid.uuid4().hex[:10]}"
    run_boto(py, ep, "logs", "create_log_group", {"logGroupName": group})
    run_boto(py, ep, "logs", "create_log_stream", {"logGroupName": group, "logStreamName": "s"})
    put = run_boto(py, ep, "logs", "put_subscription_filter", {
        "logGroupName": group, "filterName": "root-usage",
        "filterPattern": '{ $.userIdentity.type = "Root" }', "destinationArn": KINESIS,
        "roleArn": ROLE})
    assert "error" not in put, put
    now = int(time.time() * 1000)
    events = [{"timestamp": now, "message": json.dumps({"userIdentity": {"type": "Root"}})},
              {"timestamp": now + 1, "message": json.dumps({"userIdentity": {"type": "IAMUser"}})},
              {"timestamp": now + 2, "message": json.dumps({"userIdentity": {"type": "Root"}})}]
    out = run_boto(py, ep, "logs", "put_log_events",
                   {"logGroupName": group, "logStreamName": "s", "logEvents": events})
    assert "error" not in out, out
    expected = (f'logs: subscription filter "root-usage" of log group "{group}" could not deliver '
                f"2 matching log event(s) to {KINESIS}: destination type not supported "
                "(trailwatch has no Kinesis Data Streams)")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(expected in line for line in server.output):
        time.sleep(0.05)
    lines = [line for line in server.output if expected in line]
    assert lines, "".join(server.output[-20:])
    assert "warn" in lines[0].lower()
