# SPDX-License-Identifier: Apache-2.0
"""Trails end to end with real clients: a trail validated against its bucket policy and its
CloudWatch Logs role, delivering gzip log files and signed digests to S3 (read back and checked
by `aws cloudtrail validate-logs` of aws CLI v1 and v2, which do the real RSA and SHA-256 work)
and every record to its log group, where a metric filter fires."""
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

from conftest import Server, client_env, run_aws, run_boto

ACCOUNT = "000000000000"
REGION = "us-east-1"
TRAIL = "audit-trail"
BUCKET = "trail-logs-" + uuid.uuid4().hex[:8]
GROUP = "cloudtrail/audit"
ROLE = "CloudTrail_CloudWatchLogs_Role"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}:*"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"

BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
         "Resource": f"arn:aws:s3:::{BUCKET}",
         "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{BUCKET}/AWSLogs/{ACCOUNT}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                        "aws:SourceArn": TRAIL_ARN}}},
    ],
}
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "sts:AssumeRole"}]}
ROLE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}:log-stream:"
                 f"{ACCOUNT}_CloudTrail_{REGION}*"}]}
USER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:CreateBucket", "s3:DeleteBucket"], "Resource": "*"}]}

LOG_KEY = re.compile(
    rf"^AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/\d{{4}}/\d{{2}}/\d{{2}}/"
    rf"{ACCOUNT}_CloudTrail_{REGION}_\d{{8}}T\d{{4}}Z_[A-Za-z0-9]{{16}}\.json\.gz$")
DIGEST_KEY = re.compile(
    rf"^AWSLogs/{ACCOUNT}/CloudTrail-Digest/{REGION}/\d{{4}}/\d{{2}}/\d{{2}}/"
    rf"{ACCOUNT}_CloudTrail-Digest_{REGION}_{TRAIL}_{REGION}_\d{{8}}T\d{{6}}Z\.json\.gz$")


def ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def aws_error(result):
    code, out, err = result
    assert code != 0, out
    return err


@pytest.fixture(scope="module")
def trail_server(binary):
    d = tempfile.mkdtemp(prefix="tw-e2e-trails-")
    s = Server(binary, d, ["--trail-delivery-seconds", "1", "--trail-digest-seconds", "2"]).start()
    yield s
    s.stop()
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def setup(trail_server, clients):
    """Root prepares the bucket, log group and role and creates the trail (first refused for an
    insufficient bucket policy and an under-privileged role); a user then creates and deletes a
    bucket and is denied an IAM call."""
    ep = trail_server.endpoint
    v1, v2 = clients["aws_v1"], clients["aws_v2"]
    ok(run_aws(v2, ep, ["s3api", "create-bucket", "--bucket", BUCKET]))
    ok(run_aws(v1, ep, ["logs", "create-log-group", "--log-group-name", GROUP]))
    ok(run_aws(v1, ep, ["logs", "put-metric-filter", "--log-group-name", GROUP,
                        "--filter-name", "denied", "--filter-pattern",
                        '{ ($.errorCode = "AccessDenied*") }', "--metric-transformations",
                        "metricName=DeniedCalls,metricNamespace=Trail,metricValue=1"]))
    ok(run_aws(v1, ep, ["iam", "create-role", "--role-name", ROLE,
                        "--assume-role-policy-document", json.dumps(TRUST)]))

    # No bucket policy yet: CloudTrail may not write.
    err = aws_error(run_aws(v2, ep, ["cloudtrail", "create-trail", "--name", TRAIL,
                                     "--s3-bucket-name", BUCKET]))
    assert "InsufficientS3BucketPolicyException" in err
    ok(run_aws(v2, ep, ["s3api", "put-bucket-policy", "--bucket", BUCKET,
                        "--policy", json.dumps(BUCKET_POLICY)]))
    # The role trusts CloudTrail but may not write to the group yet.
    err = aws_error(run_aws(v1, ep, ["cloudtrail", "create-trail", "--name", TRAIL,
                                     "--s3-bucket-name", BUCKET,
                                     "--cloud-watch-logs-log-group-arn", GROUP_ARN,
                                     "--cloud-watch-logs-role-arn", ROLE_ARN]))
    assert "InvalidCloudWatchLogsRoleArnException" in err
    ok(run_aws(v1, ep, ["iam", "put-role-policy", "--role-name", ROLE, "--policy-name", "cwl",
                        "--policy-document", json.dumps(ROLE_POLICY)]))

    created = run_boto(clients["python_debian"], ep, "cloudtrail", "create_trail", {
        "Name": TRAIL, "S3BucketName": BUCKET, "EnableLogFileValidation": True,
        "CloudWatchLogsLogGroupArn": GROUP_ARN, "CloudWatchLogsRoleArn": ROLE_ARN})
    assert "result" in created, created
    assert created["result"]["TrailARN"] == TRAIL_ARN
    assert created["result"]["LogFileValidationEnabled"] is True
    again = run_boto(clients["python_new"], ep, "cloudtrail", "create_trail",
                     {"Name": TRAIL, "S3BucketName": BUCKET})
    assert again["error"]["Code"] == "TrailAlreadyExistsException"
    ok(run_aws(v2, ep, ["cloudtrail", "start-logging", "--name", TRAIL]))

    user = "trail-user-" + uuid.uuid4().hex[:6]
    ok(run_aws(v2, ep, ["iam", "create-user", "--user-name", user]))
    ok(run_aws(v2, ep, ["iam", "put-user-policy", "--user-name", user, "--policy-name", "s3",
                        "--policy-document", json.dumps(USER_POLICY)]))
    key = ok(run_aws(v2, ep, ["iam", "create-access-key", "--user-name", user]))["AccessKey"]
    creds = {"access_key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    user_bucket = "user-bucket-" + uuid.uuid4().hex[:6]
    ok(run_aws(v1, ep, ["s3api", "create-bucket", "--bucket", user_bucket], **creds))
    ok(run_aws(v1, ep, ["s3api", "delete-bucket", "--bucket", user_bucket], **creds))
    err = aws_error(run_aws(v1, ep, ["iam", "list-users"], **creds))
    assert "AccessDenied" in err
    time.sleep(4)  # two deliveries and two digests
    return {"user": user, "user_bucket": user_bucket}


def objects(clients, ep, prefix):
    out = ok(run_aws(clients["aws_v1"], ep, ["s3api", "list-objects-v2", "--bucket", BUCKET,
                                             "--prefix", prefix]))
    return [o["Key"] for o in (out or {}).get("Contents", [])]


def download(clients, ep, key, path):
    ok(run_aws(clients["aws_v2"], ep, ["s3api", "get-object", "--bucket", BUCKET, "--key", key,
                                       path]))
    with open(path, "rb") as f:
        return f.read()


def test_status_reports_deliveries(trail_server, clients, setup):
    for cli in ("aws_v1", "aws_v2"):
        status = ok(run_aws(clients[cli], trail_server.endpoint,
                            ["cloudtrail", "get-trail-status", "--name", TRAIL]))
        assert status["IsLogging"] is True
        for field in ("LatestDeliveryTime", "LatestDigestDeliveryTime",
                      "LatestCloudWatchLogsDeliveryTime", "StartLoggingTime"):
            assert field in status, status
        for field in ("LatestDeliveryError", "LatestDigestDeliveryError",
                      "LatestCloudWatchLogsDeliveryError"):
            assert field not in status, status
    trail = ok(run_aws(clients["aws_v1"], trail_server.endpoint,
                       ["cloudtrail", "get-trail", "--name", TRAIL]))["Trail"]
    assert trail["HomeRegion"] == REGION and trail["LogFileValidationEnabled"] is True
    listed = ok(run_aws(clients["aws_v2"], trail_server.endpoint, ["cloudtrail", "list-trails"]))
    assert {"TrailARN": TRAIL_ARN, "Name": TRAIL, "HomeRegion": REGION} in listed["Trails"]


def test_log_files_hold_the_users_calls(trail_server, clients, setup, tmp_path):
    keys = objects(clients, trail_server.endpoint, f"AWSLogs/{ACCOUNT}/CloudTrail/")
    assert keys
    records = []
    for i, key in enumerate(keys):
        assert LOG_KEY.match(key), key
        body = gzip.decompress(download(clients, trail_server.endpoint, key, tmp_path / f"{i}.gz"))
        doc = json.loads(body)
        assert list(doc) == ["Records"]
        records += doc["Records"]
    mine = [r for r in records if r["userIdentity"].get("userName") == setup["user"]]
    names = {r["eventName"]: r for r in mine}
    assert {"CreateBucket", "DeleteBucket", "ListUsers"} <= set(names), sorted(names)
    assert setup["user_bucket"] in json.dumps(names["CreateBucket"]["requestParameters"])
    assert names["ListUsers"]["errorCode"] == "AccessDenied"
    assert "is not authorized to perform: iam:ListUsers" in names["ListUsers"]["errorMessage"]
    for r in mine:
        assert r["eventCategory"] == "Management" and r["recipientAccountId"] == ACCOUNT
    # Each record is delivered once.
    ids = [r["eventID"] for r in records]
    assert len(ids) == len(set(ids))


def test_digests_chain_and_sign(trail_server, clients, setup, tmp_path):
    keys = sorted(objects(clients, trail_server.endpoint, f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/"))
    assert len(keys) >= 2
    previous = None
    for i, key in enumerate(keys):
        assert DIGEST_KEY.match(key), key
        head = ok(run_aws(clients["aws_v1"], trail_server.endpoint,
                          ["s3api", "head-object", "--bucket", BUCKET, "--key", key]))
        assert head["Metadata"]["signature-algorithm"] == "SHA256withRSA"
        assert re.fullmatch(r"[0-9a-f]{512}", head["Metadata"]["signature"])
        digest = json.loads(gzip.decompress(download(clients, trail_server.endpoint, key,
                                                     tmp_path / f"{i}.gz")))
        assert digest["digestS3Object"] == key and digest["digestS3Bucket"] == BUCKET
        assert digest["digestSignatureAlgorithm"] == "SHA256withRSA"
        if previous:
            assert digest["previousDigestS3Object"] == previous["key"]
            assert digest["previousDigestSignature"] == previous["signature"]
            assert digest["digestStartTime"] == previous["end"]
        else:
            assert digest["previousDigestSignature"] is None
        previous = {"key": key, "signature": head["Metadata"]["signature"],
                    "end": digest["digestEndTime"]}
    keys_out = ok(run_aws(clients["aws_v2"], trail_server.endpoint,
                          ["cloudtrail", "list-public-keys"]))["PublicKeyList"]
    assert len(keys_out) == 1 and re.fullmatch(r"[0-9a-f]{32}", keys_out[0]["Fingerprint"])


def s3_endpoint_data_path(endpoint):
    """aws CLI v2 2.9 sends validate-logs' S3 calls to AWS (--endpoint-url is CloudTrail's only,
    and this version has no AWS_ENDPOINT_URL_S3): an S3 endpoint rule set in AWS_DATA_PATH
    points its S3 client at trailwatch instead."""
    import botocore  # noqa: F401  (Debian's botocore, the one aws CLI v2 uses)
    root = tempfile.mkdtemp(prefix="tw-awsdata-")
    src = "/usr/lib/python3/dist-packages/botocore/data/s3/2006-03-01/endpoint-rule-set-1.json"
    with open(src) as f:
        params = json.load(f)["parameters"]
    rules = {"version": "1.0", "parameters": params, "rules": [
        {"conditions": [{"fn": "isSet", "argv": [{"ref": "Bucket"}]}],
         "endpoint": {"url": endpoint + "/{Bucket}", "properties": {}, "headers": {}},
         "type": "endpoint"},
        {"conditions": [], "endpoint": {"url": endpoint, "properties": {}, "headers": {}},
         "type": "endpoint"}]}
    os.makedirs(os.path.join(root, "s3", "2006-03-01"))
    with open(os.path.join(root, "s3", "2006-03-01", "endpoint-rule-set-1.json"), "w") as f:
        json.dump(rules, f)
    return root


def validate_logs(clients, cli, endpoint):
    env = client_env()
    if cli == "aws_v1":
        env["AWS_ENDPOINT_URL_S3"] = endpoint
    else:
        env["AWS_DATA_PATH"] = s3_endpoint_data_path(endpoint)
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600))
    proc = subprocess.run([clients[cli], "--endpoint-url", endpoint, "cloudtrail",
                           "validate-logs", "--trail-arn", TRAIL_ARN, "--start-time", start,
                           "--verbose"], capture_output=True, text=True, env=env, timeout=120)
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_validate_logs_reports_every_file_valid(trail_server, clients, setup, cli):
    out = validate_logs(clients, cli, trail_server.endpoint)
    assert "INVALID" not in out, out
    digests = re.search(r"(\d+)/(\d+) digest files valid", out)
    logs = re.search(r"(\d+)/(\d+) log files valid", out)
    assert digests and logs, out
    assert digests.group(1) == digests.group(2) and int(digests.group(1)) >= 2
    assert logs.group(1) == logs.group(2) and int(logs.group(1)) >= 1


def test_cloudwatch_logs_receive_every_record(trail_server, clients, setup):
    ep = trail_server.endpoint
    streams = ok(run_aws(clients["aws_v2"], ep, ["logs", "describe-log-streams",
                                                 "--log-group-name", GROUP]))["logStreams"]
    assert [s["logStreamName"] for s in streams] == [f"{ACCOUNT}_CloudTrail_{REGION}"]
    events = run_boto(clients["python_new"], ep, "logs", "filter_log_events",
                      {"logGroupName": GROUP, "filterPattern": f'{{ $.userIdentity.userName = '
                                                               f'"{setup["user"]}" }}'})
    names = {json.loads(e["message"])["eventName"] for e in events["result"]["events"]}
    assert {"CreateBucket", "DeleteBucket", "ListUsers"} <= names
    metrics = ok(run_aws(clients["aws_v1"], ep, ["cloudwatch", "list-metrics", "--namespace",
                                                 "Trail"]))["Metrics"]
    assert any(m["MetricName"] == "DeniedCalls" for m in metrics), metrics


def test_tampering_is_reported(trail_server, clients, setup, tmp_path):
    """Runs last in this module: it changes one log file and deletes another."""
    ep = trail_server.endpoint
    keys = objects(clients, ep, f"AWSLogs/{ACCOUNT}/CloudTrail/")
    assert len(keys) >= 2
    changed, deleted = keys[0], keys[1]
    doc = json.loads(gzip.decompress(download(clients, ep, changed, tmp_path / "c.gz")))
    doc["Records"][0]["sourceIPAddress"] = "203.0.113.9"
    (tmp_path / "forged.gz").write_bytes(gzip.compress(json.dumps(doc).encode()))
    ok(run_aws(clients["aws_v1"], ep, ["s3api", "put-object", "--bucket", BUCKET, "--key",
                                       changed, "--body", str(tmp_path / "forged.gz")]))
    ok(run_aws(clients["aws_v1"], ep, ["s3api", "delete-object", "--bucket", BUCKET, "--key",
                                       deleted]))
    for cli in ("aws_v1", "aws_v2"):
        out = validate_logs(clients, cli, ep)
        assert re.search(rf"{re.escape(changed)}\s+INVALID: hash value doesn't match", out), out
        assert re.search(rf"{re.escape(deleted)}\s+INVALID: not found", out), out
        assert re.search(r"\d+/\d+ log files valid, 2/\d+ log files INVALID", out), out


def test_delete_trail(trail_server, clients, setup):
    ep = trail_server.endpoint
    ok(run_aws(clients["aws_v2"], ep, ["cloudtrail", "delete-trail", "--name", TRAIL]))
    err = aws_error(run_aws(clients["aws_v1"], ep, ["cloudtrail", "get-trail", "--name", TRAIL]))
    assert "TrailNotFoundException" in err
