# SPDX-License-Identifier: Apache-2.0
"""Sends one signed smithy-rpc-v2-cbor request to CloudWatch, as the AWS SDK for JavaScript v3
does, and prints the status, headers and the decoded CBOR body as JSON. Uses botocore only for
SigV4 signing and CBOR (its rpc-v2-cbor support), so the request bytes are built here by hand."""
import json
import sys
import urllib.error
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.parsers import RpcV2CBORParser


def main():
    endpoint, operation = sys.argv[1], sys.argv[2]
    url = f"{endpoint}/service/GraniteServiceVersion20100801/operation/{operation}"
    body = bytes([0xA0])  # an empty CBOR map: ListMetrics needs no input
    req = AWSRequest(method="POST", url=url, data=body, headers={
        "smithy-protocol": "rpc-v2-cbor",
        "Content-Type": "application/cbor",
        "Accept": "application/cbor",
    })
    SigV4Auth(Credentials("test", "test"), "monitoring", "us-east-1").add_auth(req)
    http_req = urllib.request.Request(url, data=body, method="POST", headers=dict(req.headers))
    try:
        with urllib.request.urlopen(http_req, timeout=10) as r:
            status, headers, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, headers, raw = e.code, e.headers, e.read()
    decoded = RpcV2CBORParser()._initial_body_parse(raw) if raw else None  # noqa: SLF001 (test helper)
    print(json.dumps({"status": status,
                      "headers": {k.lower(): v for k, v in headers.items()},
                      "body": decoded}, default=str))


if __name__ == "__main__":
    main()
