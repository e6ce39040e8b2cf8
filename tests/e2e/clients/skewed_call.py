# SPDX-License-Identifier: Apache-2.0
"""Sends sts GetCallerIdentity signed at now + OFFSET seconds (negative: in the past) and prints
the status and body: the server must refuse a request more than 15 minutes off."""
import datetime
import json
import sys
import urllib.error
import urllib.request
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    endpoint, offset = sys.argv[1], int(sys.argv[2])
    body = "Action=GetCallerIdentity&Version=2011-06-15"
    req = AWSRequest(method="POST", url=endpoint + "/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    when = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(seconds=offset)
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        SigV4Auth(Credentials("test", "test"), "sts", "us-east-1").add_auth(req)
    http_req = urllib.request.Request(endpoint + "/", data=body.encode(), method="POST",
                                      headers=dict(req.headers))
    try:
        with urllib.request.urlopen(http_req, timeout=10) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    print(json.dumps({"status": status, "body": raw.decode()}))


if __name__ == "__main__":
    main()
