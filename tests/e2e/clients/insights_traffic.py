# SPDX-License-Identifier: Apache-2.0
"""Drives the API traffic of the CloudTrail Insights end-to-end test with boto3, in one process
so a burst fits in one Insights "minute" (the server runs with --insights-minute-millis):
a steady baseline of one IAM TagUser a minute, then one minute with a burst of TagUser calls and
of GetUser calls that fail (NoSuchEntity), then quiet minutes again. Prints what it did as JSON.
Usage: insights_traffic.py ENDPOINT MINUTE_SECONDS BASELINE_MINUTES QUIET_MINUTES"""
import json
import sys
import time

import boto3
import botocore
from botocore.config import Config


def main():
    endpoint = sys.argv[1]
    minute, baseline, quiet = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    iam = boto3.session.Session().client("iam", endpoint_url=endpoint,
                                         config=Config(retries={"max_attempts": 1}))
    user = "insights-subject"
    try:
        iam.create_user(UserName=user)
    except iam.exceptions.EntityAlreadyExistsException:
        pass  # a second run, after the server restarted

    def next_minute():
        # A little after the start of the next minute, so each phase stays inside one.
        now = time.time()
        time.sleep((int(now / minute) + 1) * minute - now + minute * 0.05)
        return time.time()

    def tag(i):
        iam.tag_user(UserName=user, Tags=[{"Key": "round", "Value": str(i)}])

    for i in range(baseline):
        next_minute()
        tag(i)
    burst_at = next_minute()
    calls = errors = 0
    for i in range(30):
        tag(1000 + i)
        calls += 1
    for i in range(15):
        try:
            iam.get_user(UserName="no-such-user")
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "NoSuchEntity", e.response
            errors += 1
    burst_end = time.time()
    for i in range(quiet):
        next_minute()
        tag(2000 + i)
    print(json.dumps({"burst_at": burst_at, "burst_seconds": burst_end - burst_at,
                      "burst_calls": calls, "burst_errors": errors}))


if __name__ == "__main__":
    main()
