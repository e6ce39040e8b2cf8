# SPDX-License-Identifier: Apache-2.0
"""Calls one AWS operation with whatever boto3 this interpreter has; prints JSON:
{"boto3": version, "protocol": the wire protocol botocore chose, "result": ...} or
{"boto3": version, "error": {"Code", "Message", "HTTPStatusCode"}}."""
import json
import os
import sys
import tempfile

import boto3
import botocore
import botocore.session
from botocore.config import Config


def session_speaking(service, protocol):
    """A botocore session whose model of `service` lists only `protocol`, so botocore serializes
    with it (botocore 1.43 prefers smithy-rpc-v2-cbor for CloudWatch; this reaches its JSON 1.0
    query-compatible path, which other SDK versions use)."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    api_version = loader.determine_latest_version(service, "service-2")
    model = loader.load_service_model(service, "service-2", api_version)
    model["metadata"]["protocols"] = [protocol]
    model["metadata"]["protocol"] = protocol
    root = tempfile.mkdtemp(prefix="tw-model-")
    os.makedirs(os.path.join(root, service, api_version))
    with open(os.path.join(root, service, api_version, "service-2.json"), "w") as f:
        json.dump(model, f)
    loader.search_paths.insert(0, root)
    return boto3.session.Session(botocore_session=session)


def main():
    endpoint, service, operation, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    protocol = os.environ.get("TW_FORCE_PROTOCOL")
    session = session_speaking(service, protocol) if protocol else boto3.session.Session()
    client = session.client(service, endpoint_url=endpoint,
                            config=Config(retries={"max_attempts": 1}))
    protocol = client.meta.service_model.protocol
    out = {"boto3": boto3.__version__, "protocol": protocol}
    try:
        result = getattr(client, operation)(**params)
        result.pop("ResponseMetadata", None)
        out["result"] = result
    except botocore.exceptions.ClientError as e:
        out["error"] = {
            "Code": e.response["Error"].get("Code"),
            "Message": e.response["Error"].get("Message"),
            "HTTPStatusCode": e.response["ResponseMetadata"].get("HTTPStatusCode"),
        }
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
