# SPDX-License-Identifier: Apache-2.0
"""The CIS AWS Foundations Benchmark monitoring filters over real CloudTrail records, end to end.

Every record of the shared CloudTrail corpus (TW_SHARED_DIR/data/cloudtrail, 4,162 records written
by AWS and by third parties, never copied into the repository) goes into one log group with
PutLogEvents, in corpus order; their timestamps are rewritten to consecutive milliseconds of the
last half hour (PutLogEvents refuses events older than 14 days) so their order is kept. The 15 CIS
metric filters (CIS v3.0.0 text, shared/reference/cis-metric-filters.md §4) are created first, and
the sum of each metric read back with GetMetricStatistics must equal a count computed here, in
Python, from what each CIS item means (the fields and event names of §5, with the comparison rules
of filter-patterns.md §4: exact, case-sensitive string equality; `*` only as prefix or suffix; a
missing field, null, object or array never compares, with `=` or `!=`). The count does not use
trailwatch's filter-pattern engine or its patterns."""
import glob
import gzip
import json
import os
import subprocess
import time
import uuid

from conftest import ROOT, client_env

SHARED = os.environ.get("TW_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
CORPUS = os.path.join(SHARED, "data", "cloudtrail")

# CIS v3.0.0 filter patterns (cis-metric-filters.md §4, the benchmark's remediation text).
CIS_PATTERNS = {
    "UnauthorizedAPICalls":
        '{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && '
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
    "ConsoleSigninWithoutMFA":
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    "RootAccountUsage":
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }',
    "IAMPolicyChanges":
        '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||'
        '($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||'
        '($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||'
        '($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||'
        '($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||'
        '($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||'
        '($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||'
        '($.eventName=DetachGroupPolicy)}',
    "CloudTrailChanges":
        '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || '
        '($.eventName = DeleteTrail) || ($.eventName = StartLogging) || '
        '($.eventName = StopLogging) }',
    "ConsoleAuthenticationFailures":
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "DisableOrDeleteCMK":
        '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||'
        '($.eventName=ScheduleKeyDeletion)) }',
    "S3BucketPolicyChanges":
        '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || '
        '($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || '
        '($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || '
        '($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || '
        '($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
    "AWSConfigChanges":
        '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||'
        '($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||'
        '($.eventName=PutConfigurationRecorder)) }',
    "SecurityGroupChanges":
        '{ ($.eventName = AuthorizeSecurityGroupIngress) || '
        '($.eventName = AuthorizeSecurityGroupEgress) || '
        '($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || '
        '($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
    "NACLChanges":
        '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || '
        '($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || '
        '($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
    "NetworkGatewayChanges":
        '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || '
        '($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || '
        '($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
    "RouteTableChanges":
        '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || '
        '($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || '
        '($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || '
        '($.eventName = DisassociateRouteTable) }',
    "VPCChanges":
        '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || '
        '($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || '
        '($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || '
        '($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || '
        '($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || '
        '($.eventName = EnableVpcClassicLink) }',
    "OrganizationsChanges":
        '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || '
        '($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || '
        '($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || '
        '($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || '
        '($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || '
        '($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || '
        '($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || '
        '($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || '
        '($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || '
        '($.eventName = "UpdateOrganizationalUnit")) }',
}

# ---- the independent count: what each CIS item means, over the parsed record ----

MISSING = object()


def field(record, path):
    """The value at a dotted path, or MISSING."""
    node = record
    for name in path.split("."):
        if not isinstance(node, dict) or name not in node:
            return MISSING
        node = node[name]
    return node


def scalar_text(value):
    """The text a string comparison sees, or None when the value never compares (missing, null,
    object, array)."""
    if value is MISSING or value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def equals(record, path, expected):
    return scalar_text(field(record, path)) == expected


def differs(record, path, expected):
    text = scalar_text(field(record, path))
    return text is not None and text != expected


def name_in(record, names):
    return scalar_text(field(record, "eventName")) in names


def from_source(record, source):
    return equals(record, "eventSource", source)


def unauthorized(r):
    code = scalar_text(field(r, "errorCode"))
    if code is None:
        return False
    # A || (B && C && D): the exclusions bind to the AccessDenied alternative only.
    return code.endswith("UnauthorizedOperation") or (
        code.startswith("AccessDenied") and differs(r, "sourceIPAddress",
                                                    "delivery.logs.amazonaws.com")
        and differs(r, "eventName", "HeadBucket"))


MEANINGS = {
    "UnauthorizedAPICalls": unauthorized,
    "ConsoleSigninWithoutMFA": lambda r: equals(r, "eventName", "ConsoleLogin") and differs(
        r, "additionalEventData.MFAUsed", "Yes"),
    "RootAccountUsage": lambda r: equals(r, "userIdentity.type", "Root") and field(
        r, "userIdentity.invokedBy") is MISSING and differs(r, "eventType", "AwsServiceEvent"),
    "IAMPolicyChanges": lambda r: name_in(r, {
        "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
        "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion",
        "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy",
        "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"}),
    "CloudTrailChanges": lambda r: name_in(r, {
        "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"}),
    "ConsoleAuthenticationFailures": lambda r: equals(r, "eventName", "ConsoleLogin") and equals(
        r, "errorMessage", "Failed authentication"),
    "DisableOrDeleteCMK": lambda r: from_source(r, "kms.amazonaws.com") and name_in(
        r, {"DisableKey", "ScheduleKeyDeletion"}),
    "S3BucketPolicyChanges": lambda r: from_source(r, "s3.amazonaws.com") and name_in(r, {
        "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
        "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors",
        "DeleteBucketLifecycle", "DeleteBucketReplication"}),
    "AWSConfigChanges": lambda r: from_source(r, "config.amazonaws.com") and name_in(r, {
        "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
        "PutConfigurationRecorder"}),
    "SecurityGroupChanges": lambda r: name_in(r, {
        "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup",
        "DeleteSecurityGroup"}),
    "NACLChanges": lambda r: name_in(r, {
        "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"}),
    "NetworkGatewayChanges": lambda r: name_in(r, {
        "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
        "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"}),
    "RouteTableChanges": lambda r: name_in(r, {
        "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
        "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"}),
    "VPCChanges": lambda r: name_in(r, {
        "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
        "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
        "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink",
        "EnableVpcClassicLink"}),
    "OrganizationsChanges": lambda r: from_source(r, "organizations.amazonaws.com") and name_in(
        r, {"AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit",
            "CreatePolicy", "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit",
            "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnablePolicyType",
            "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
            "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit"}),
}


def load_corpus():
    messages = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "**", "*.json.gz"), recursive=True)):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for record in json.load(f)["Records"]:
                messages.append(json.dumps(record, separators=(",", ":"), ensure_ascii=False))
    return messages


# Runs under boto3 1.43: creates the group, stream and filters, puts the events in batches within
# PutLogEvents' limits, then reads every metric's Sum back.
DRIVER = r'''
import datetime, json, sys, time
import boto3
from botocore.config import Config
endpoint, spec_path = sys.argv[1], sys.argv[2]
with open(spec_path) as f:
    spec = json.load(f)
cfg = Config(retries={"max_attempts": 1})
logs = boto3.client("logs", endpoint_url=endpoint, config=cfg)
cw = boto3.client("cloudwatch", endpoint_url=endpoint, config=cfg)
group, stream, namespace = spec["group"], spec["stream"], spec["namespace"]
logs.create_log_group(logGroupName=group)
logs.create_log_stream(logGroupName=group, logStreamName=stream)
for name, pattern in spec["patterns"].items():
    logs.put_metric_filter(logGroupName=group, filterName=name + "_metric", filterPattern=pattern,
                           metricTransformations=[{"metricName": name + "_metric",
                                                   "metricNamespace": namespace,
                                                   "metricValue": "1"}])
described = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
out = {"filters": len(described), "rejected": [], "batches": 0}
base = spec["base"]
batch, size = [], 0
def flush():
    global batch, size
    if batch:
        r = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
        if r.get("rejectedLogEventsInfo"):
            out["rejected"].append(r["rejectedLogEventsInfo"])
        out["batches"] += 1
    batch, size = [], 0
for i, message in enumerate(spec["messages"]):
    cost = len(message.encode("utf-8")) + 26
    if batch and (size + cost > 1048576 or len(batch) == 10000):
        flush()
    batch.append({"timestamp": base + i, "message": message})
    size += cost
flush()
start = datetime.datetime.fromtimestamp(base / 1000 - 3600, datetime.timezone.utc)
end = datetime.datetime.fromtimestamp(time.time() + 3600, datetime.timezone.utc)
sums = {}
for name in spec["patterns"]:
    points = cw.get_metric_statistics(Namespace=namespace, MetricName=name + "_metric",
                                      StartTime=start, EndTime=end, Period=300,
                                      Statistics=["Sum", "SampleCount"])["Datapoints"]
    sums[name] = {"sum": sum(p["Sum"] for p in points),
                  "samples": sum(p["SampleCount"] for p in points)}
out["sums"] = sums
stored = logs.describe_log_streams(logGroupName=group)["logStreams"][0]
out["stream_first"] = stored.get("firstEventTimestamp")
out["stream_last"] = stored.get("lastEventTimestamp")
print(json.dumps(out))
'''


def test_cis_metric_filters_over_the_real_cloudtrail_corpus(server, clients, tmp_path):
    messages = load_corpus()
    assert len(messages) >= 4000, f"CloudTrail corpus not found under {CORPUS}"
    assert set(CIS_PATTERNS) == set(MEANINGS) and len(CIS_PATTERNS) == 15
    expected = {name: 0 for name in MEANINGS}
    for message in messages:
        record = json.loads(message)
        for name, meaning in MEANINGS.items():
            if meaning(record):
                expected[name] += 1

    base = int(time.time() * 1000) - 30 * 60 * 1000
    spec = {"group": "CloudTrail/cis-" + uuid.uuid4().hex[:8],
            "stream": "000000000000_CloudTrail_us-east-1",
            "namespace": "CISBenchmark-" + uuid.uuid4().hex[:8],
            "patterns": CIS_PATTERNS, "messages": messages, "base": base}
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec))
    proc = subprocess.run([clients["python_new"], "-c", DRIVER, server.endpoint, str(spec_path)],
                          capture_output=True, text=True, env=client_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["filters"] == 15
    assert out["rejected"] == []
    assert out["stream_first"] == base and out["stream_last"] == base + len(messages) - 1

    got = {name: int(v["sum"]) for name, v in out["sums"].items()}
    samples = {name: int(v["samples"]) for name, v in out["sums"].items()}
    assert got == expected, {n: (got[n], expected[n]) for n in expected if got[n] != expected[n]}
    # metricValue 1 per matching event: as many samples as the sum.
    assert samples == expected
    # The corpus exercises the filters: most items have real matches.
    assert sum(1 for v in expected.values() if v > 0) >= 10, expected
