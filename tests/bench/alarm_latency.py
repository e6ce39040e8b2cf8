#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Alarm latency: the time from a watched user's CreateBucket call to the alarm email accepted by
an SMTP server on loopback, through the whole chain the AWS tutorial builds:

  CreateBucket → CloudTrail record → trail's CloudWatch Logs delivery → metric filter →
  CloudWatch metric → alarm evaluation → SNS → SMTP

The chain is set up once with real API calls (a user with a least-privilege policy, a trail with
its S3 bucket, bucket policy, CloudWatch Logs group and role, a metric filter, an SNS topic with a
confirmed email subscription). Each run then creates one alarm watching the metric for one new
bucket name (a dimension of the metric filter, so runs never see each other's datapoints), calls
CreateBucket as the user, and waits for that alarm's email. The clock starts just before the call
and stops when the SMTP server (aiosmtpd, in this process) accepts the message.

Usage: tests/bench/alarm_latency.py [--binary build/trailwatch] [--runs 20]
Needs Debian's python3-boto3 and python3-aiosmtpd (scripts/setup.sh installs both).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
from botocore.config import Config

ACCOUNT = "000000000000"
REGION = "us-east-1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from smtp_sink import SmtpSink, free_port  # noqa: E402  (the SMTP server the e2e tests use)


def client(service, endpoint, key="test", secret="test"):
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


def set_up_chain(endpoint, sink):
    iam, logs, s3 = client("iam", endpoint), client("logs", endpoint), client("s3", endpoint)
    trail, sns = client("cloudtrail", endpoint), client("sns", endpoint)

    iam.create_user(UserName="watched")
    iam.put_user_policy(UserName="watched", PolicyName="buckets", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:CreateBucket", "s3:DeleteBucket"],
                       "Resource": "*"}]}))
    key = iam.create_access_key(UserName="watched")["AccessKey"]

    group = "CloudTrail/latency"
    logs.create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*"
    iam.create_role(RoleName="CloudTrailToLogs", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="CloudTrailToLogs", PolicyName="logs", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                       "Resource": group_arn}]}))

    s3.create_bucket(Bucket="latency-trail")
    s3.put_bucket_policy(Bucket="latency-trail", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::latency-trail"},
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject",
             "Resource": f"arn:aws:s3:::latency-trail/AWSLogs/{ACCOUNT}/*",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}))
    trail.create_trail(Name="latency", S3BucketName="latency-trail",
                       CloudWatchLogsLogGroupArn=group_arn,
                       CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/CloudTrailToLogs")
    trail.start_logging(Name="latency")

    logs.put_metric_filter(
        logGroupName=group, filterName="BucketActivity",
        filterPattern="{ ($.eventSource = s3.amazonaws.com) && (($.eventName = CreateBucket) || "
                      "($.eventName = DeleteBucket)) }",
        metricTransformations=[{
            "metricName": "S3BucketActivity", "metricNamespace": "CloudTrailMetrics",
            "metricValue": "1", "dimensions": {"BucketName": "$.requestParameters.bucketName"}}])

    topic = sns.create_topic(Name="latency-alarms")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="watcher@example.com")
    confirmation = sink.wait(lambda mail: "Confirm subscription" in mail.body, timeout=30).body
    url = re.search(r"Confirm subscription\s+->\s+(\S+)", confirmation)
    if not url:
        raise RuntimeError("no confirmation link in:\n" + confirmation)
    urllib.request.urlopen(url.group(1), timeout=10).read()
    return key, topic


def run_once(endpoint, sink, watched, topic, i):
    cw = client("cloudwatch", endpoint)
    bucket = f"latency-bench-{i:03d}"
    alarm = f"latency-{i:03d}"
    cw.put_metric_alarm(
        AlarmName=alarm, Namespace="CloudTrailMetrics", MetricName="S3BucketActivity",
        Dimensions=[{"Name": "BucketName", "Value": bucket}], Statistic="Sum", Period=30,
        EvaluationPeriods=1, DatapointsToAlarm=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching",
        AlarmActions=[topic])
    started = time.monotonic()
    watched.create_bucket(Bucket=bucket)
    try:
        accepted = sink.wait(lambda mail: mail.subject.startswith(f'ALARM: "{alarm}"'),
                             timeout=30).accepted
    except TimeoutError:
        state = cw.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]
        raise RuntimeError(f"no email for {alarm}; it is {state['StateValue']}: "
                           f"{state['StateReason']}") from None
    return accepted - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "trailwatch"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    sink = SmtpSink()
    data = tempfile.mkdtemp(prefix="tw-latency-")
    port = free_port()
    proc = subprocess.Popen([args.binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir",
                             data, "--log-level", os.environ.get("TW_LATENCY_LOG_LEVEL", "warn"), "--smtp-url",
                             f"smtp://127.0.0.1:{sink.port}"],
                            stdout=subprocess.DEVNULL, stderr=open(os.environ.get("TW_LATENCY_LOG", os.devnull), "w"))
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(endpoint + "/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        key, topic = set_up_chain(endpoint, sink)
        watched = client("s3", endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        times = []
        for i in range(args.runs):
            seconds = run_once(endpoint, sink, watched, topic, i)
            times.append(seconds)
            print(f"run {i + 1:2d}: {seconds * 1000:7.1f} ms", flush=True)
        print(f"CreateBucket → alarm email accepted by SMTP, {len(times)} runs: "
              f"median {statistics.median(times) * 1000:.1f} ms, "
              f"worst {max(times) * 1000:.1f} ms, best {min(times) * 1000:.1f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        sink.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
