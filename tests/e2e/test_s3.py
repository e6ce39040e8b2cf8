# SPDX-License-Identifier: Apache-2.0
"""S3 end to end with real clients: the aws CLI v1 and v2 high-level `s3` commands (including a
multipart upload with streaming chunked signatures) and `s3api`, and boto3 under both interpreters
(presigned GET/PUT URLs fetched with urllib, path-style and virtual-hosted, ranges, conditional
requests, batch delete, copy, and S3's error codes and statuses)."""
import hashlib
import json
import os
import subprocess
import tempfile
import time

import pytest

from conftest import client_env, run_aws

BOTO_SCRIPT = r'''
import datetime, hashlib, json, sys, urllib.error, urllib.parse, urllib.request
import boto3, botocore
from botocore.config import Config

endpoint, bucket = sys.argv[1], sys.argv[2]
# Presigned URLs with SigV4 (botocore still defaults to SigV2 query auth for S3 presigning).
s3 = boto3.client("s3", endpoint_url=endpoint,
                  config=Config(signature_version="s3v4", retries={"max_attempts": 1}))
out = {}

def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return {"Code": e.response["Error"].get("Code"),
                "Message": e.response["Error"].get("Message"),
                "Status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "Error": {k: v for k, v in e.response["Error"].items()}}
    return None

def fetch(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode("latin-1")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("latin-1")

s3.create_bucket(Bucket=bucket)
put = s3.put_object(Bucket=bucket, Key="docs/hello.txt", Body=b"hello world",
                    ContentType="text/plain", Metadata={"Owner": "alice"})
out["put_etag"] = put["ETag"]
got = s3.get_object(Bucket=bucket, Key="docs/hello.txt")
out["get"] = {"body": got["Body"].read().decode(), "etag": got["ETag"],
              "type": got["ContentType"], "meta": got["Metadata"],
              "length": got["ContentLength"]}
ranged = s3.get_object(Bucket=bucket, Key="docs/hello.txt", Range="bytes=6-")
out["range"] = {"body": ranged["Body"].read().decode(), "content_range": ranged["ContentRange"],
                "status": ranged["ResponseMetadata"]["HTTPStatusCode"]}
out["not_modified"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="docs/hello.txt",
                                                     IfNoneMatch=put["ETag"]))
out["if_modified_future"] = error_of(lambda: s3.get_object(
    Bucket=bucket, Key="docs/hello.txt",
    IfModifiedSince=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)))
out["precondition"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="docs/hello.txt",
                                                     IfMatch='"0123"'))
out["head_missing"] = error_of(lambda: s3.head_object(Bucket=bucket, Key="missing"))
out["no_such_key"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="missing"))
out["no_such_bucket"] = error_of(lambda: s3.list_objects_v2(Bucket=bucket + "-missing"))
out["invalid_name"] = error_of(lambda: s3.create_bucket(Bucket="Bad_Name"))
out["not_empty"] = error_of(lambda: s3.delete_bucket(Bucket=bucket))
out["invalid_range"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="docs/hello.txt",
                                                      Range="bytes=100-200"))

url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "docs/hello.txt"},
                                ExpiresIn=300)
out["presigned_get"] = fetch(url)
put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.bin"},
                                    ExpiresIn=300)
out["presigned_put"] = fetch(put_url, method="PUT", data=b"uploaded via presigned url")[0]
out["after_presigned_put"] = s3.get_object(Bucket=bucket, Key="up.bin")["Body"].read().decode()
# Virtual-hosted addressing: the bucket in the Host header; urllib connects to the same socket.
parsed = urllib.parse.urlparse(endpoint)
vhost = boto3.client("s3", endpoint_url="http://s3.localhost:%d" % parsed.port,
                     config=Config(s3={"addressing_style": "virtual"}, signature_version="s3v4",
                                   retries={"max_attempts": 1}))
vurl = vhost.generate_presigned_url("get_object",
                                    Params={"Bucket": bucket, "Key": "docs/hello.txt"})
vparsed = urllib.parse.urlparse(vurl)
out["virtual_host"] = vparsed.netloc
out["virtual_get"] = fetch("http://127.0.0.1:%d%s?%s" % (parsed.port, vparsed.path, vparsed.query),
                           headers={"Host": vparsed.netloc})

copy = s3.copy_object(Bucket=bucket, Key="docs/copy.txt",
                      CopySource={"Bucket": bucket, "Key": "docs/hello.txt"})
out["copy_etag"] = copy["CopyObjectResult"]["ETag"]
out["copy_body"] = s3.get_object(Bucket=bucket, Key="docs/copy.txt")["Body"].read().decode()
listing = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
out["list_root"] = {"keys": [c["Key"] for c in listing.get("Contents", [])],
                    "prefixes": [p["Prefix"] for p in listing.get("CommonPrefixes", [])],
                    "count": listing["KeyCount"]}
listing = s3.list_objects_v2(Bucket=bucket, Prefix="docs/", MaxKeys=1)
out["list_page"] = {"keys": [c["Key"] for c in listing.get("Contents", [])],
                    "truncated": listing["IsTruncated"],
                    "next": "NextContinuationToken" in listing}
owner = s3.list_buckets()["Owner"]
out["owner"] = sorted(owner.keys())
out["acl"] = [g["Permission"] for g in s3.get_bucket_acl(Bucket=bucket)["Grants"]]
policy = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
    "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
    "Resource": "arn:aws:s3:::" + bucket}]})
s3.put_bucket_policy(Bucket=bucket, Policy=policy)
out["policy_roundtrip"] = s3.get_bucket_policy(Bucket=bucket)["Policy"] == policy
out["malformed_policy"] = error_of(lambda: s3.put_bucket_policy(Bucket=bucket, Policy="nope"))
deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
    {"Key": "docs/hello.txt"}, {"Key": "docs/copy.txt"}, {"Key": "up.bin"}]})
out["deleted"] = sorted(d["Key"] for d in deleted.get("Deleted", []))
out["empty_after_delete"] = s3.list_objects_v2(Bucket=bucket)["KeyCount"]
s3.delete_bucket(Bucket=bucket)
out["bucket_gone"] = error_of(lambda: s3.head_bucket(Bucket=bucket))
print(json.dumps(out))
'''


def run_python(python, endpoint, script, *args):
    proc = subprocess.run([python, "-c", script, endpoint, *args], capture_output=True,
                          text=True, env=client_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def aws_text(aws, endpoint, args, cwd=None):
    """Runs an aws CLI command whose output is text (the high-level `s3` commands)."""
    proc = subprocess.run([aws, "--endpoint-url", endpoint] + args, capture_output=True,
                          text=True, env=client_env(), timeout=120, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("python", ["python_new", "python_debian"])
def test_boto3_objects_presigned_urls_and_errors(server, clients, python):
    bucket = "boto-" + python.replace("_", "-")
    out = run_python(clients[python], server.endpoint, BOTO_SCRIPT, bucket)
    etag = '"%s"' % hashlib.md5(b"hello world").hexdigest()
    assert out["put_etag"] == etag
    assert out["get"] == {"body": "hello world", "etag": etag, "type": "text/plain",
                          "meta": {"owner": "alice"}, "length": 11}
    assert out["range"] == {"body": "world", "content_range": "bytes 6-10/11", "status": 206}
    assert out["not_modified"]["Status"] == 304
    assert out["not_modified"]["Code"] == "304"
    assert out["if_modified_future"]["Status"] == 304
    assert out["precondition"]["Code"] == "PreconditionFailed"
    assert out["precondition"]["Status"] == 412
    assert out["precondition"]["Error"]["Condition"] == "If-Match"
    # HEAD errors have no body: clients see the status only.
    assert out["head_missing"]["Code"] == "404"
    assert out["head_missing"]["Status"] == 404
    assert out["no_such_key"]["Code"] == "NoSuchKey"
    assert out["no_such_key"]["Status"] == 404
    assert out["no_such_key"]["Message"] == "The specified key does not exist."
    assert out["no_such_key"]["Error"]["Key"] == "missing"
    assert out["no_such_bucket"]["Code"] == "NoSuchBucket"
    assert out["no_such_bucket"]["Status"] == 404
    assert out["no_such_bucket"]["Error"]["BucketName"] == bucket + "-missing"
    assert out["invalid_name"]["Code"] == "InvalidBucketName"
    assert out["invalid_name"]["Status"] == 400
    assert out["invalid_name"]["Message"] == "The specified bucket is not valid."
    assert out["not_empty"]["Code"] == "BucketNotEmpty"
    assert out["not_empty"]["Status"] == 409
    assert out["invalid_range"]["Code"] == "InvalidRange"
    assert out["invalid_range"]["Status"] == 416
    assert out["presigned_get"] == [200, "hello world"]
    assert out["presigned_put"] == 200
    assert out["after_presigned_put"] == "uploaded via presigned url"
    assert out["virtual_host"].startswith(bucket + ".s3.localhost:")
    assert out["virtual_get"] == [200, "hello world"]
    assert out["copy_etag"] == etag
    assert out["copy_body"] == "hello world"
    assert out["list_root"] == {"keys": ["up.bin"], "prefixes": ["docs/"], "count": 2}
    assert out["list_page"] == {"keys": ["docs/copy.txt"], "truncated": True, "next": True}
    assert out["owner"] == ["DisplayName", "ID"]
    assert out["acl"] == ["FULL_CONTROL"]
    assert out["policy_roundtrip"] is True
    assert out["malformed_policy"]["Code"] == "MalformedPolicy"
    assert out["malformed_policy"]["Message"] == \
        "Policies must be valid JSON and the first byte must be '{'"
    assert out["deleted"] == ["docs/copy.txt", "docs/hello.txt", "up.bin"]
    assert out["empty_after_delete"] == 0
    assert out["bucket_gone"]["Status"] == 404


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_aws_cli_s3_commands_and_multipart(server, clients, cli):
    aws = clients[cli]
    ep = server.endpoint
    bucket = "cli-" + cli.replace("_", "-")
    work = tempfile.mkdtemp(prefix="tw-s3-cli-")
    small = os.path.join(work, "small.txt")
    big = os.path.join(work, "big.bin")
    with open(small, "wb") as f:
        f.write(b"small file\n")
    big_data = os.urandom(10 * 1024 * 1024 + 12345)  # > 8 MiB: the CLI uploads it in parts
    with open(big, "wb") as f:
        f.write(big_data)

    code, out, err = aws_text(aws, ep, ["s3", "mb", "s3://" + bucket])
    assert code == 0, err
    assert "make_bucket: " + bucket in out
    code, out, err = aws_text(aws, ep, ["s3", "cp", small, "s3://%s/small.txt" % bucket])
    assert code == 0, err
    code, out, err = aws_text(aws, ep, ["s3", "cp", big, "s3://%s/dir/big.bin" % bucket])
    assert code == 0, err

    code, out, err = aws_text(aws, ep, ["s3", "ls", "s3://%s/" % bucket])
    assert code == 0, err
    assert "PRE dir/" in out
    assert "small.txt" in out
    code, out, err = aws_text(aws, ep, ["s3", "ls"])
    assert code == 0, err
    assert bucket in out

    code, head, err = run_aws(aws, ep, ["s3api", "head-object", "--bucket", bucket,
                                        "--key", "dir/big.bin"])
    assert code == 0, err
    assert head["ContentLength"] == len(big_data)
    assert head["ETag"].endswith('-2"')  # 8 MiB + the rest: a two-part upload

    downloaded = os.path.join(work, "back.bin")
    code, out, err = aws_text(aws, ep, ["s3", "cp", "s3://%s/dir/big.bin" % bucket, downloaded])
    assert code == 0, err
    with open(downloaded, "rb") as f:
        assert f.read() == big_data

    code, put, err = run_aws(aws, ep, ["s3api", "put-object", "--bucket", bucket,
                                       "--key", "dir/meta.txt", "--body", small,
                                       "--content-type", "text/plain",
                                       "--metadata", "team=security"])
    assert code == 0, err
    assert put["ETag"] == '"%s"' % hashlib.md5(b"small file\n").hexdigest()
    target = os.path.join(work, "meta.out")
    code, got, err = run_aws(aws, ep, ["s3api", "get-object", "--bucket", bucket,
                                       "--key", "dir/meta.txt", target])
    assert code == 0, err
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"team": "security"}
    assert got["ContentLength"] == 11
    with open(target, "rb") as f:
        assert f.read() == b"small file\n"

    code, listing, err = run_aws(aws, ep, ["s3api", "list-objects-v2", "--bucket", bucket,
                                           "--prefix", "dir/", "--delimiter", "/"])
    assert code == 0, err
    assert [c["Key"] for c in listing["Contents"]] == ["dir/big.bin", "dir/meta.txt"]
    code, listing, err = run_aws(aws, ep, ["s3api", "list-objects-v2", "--bucket", bucket,
                                           "--delimiter", "/"])
    assert code == 0, err
    assert [p["Prefix"] for p in listing["CommonPrefixes"]] == ["dir/"]
    assert [c["Key"] for c in listing["Contents"]] == ["small.txt"]

    code, out, err = aws_text(aws, ep, ["s3", "rb", "s3://" + bucket])
    assert code != 0
    assert "BucketNotEmpty" in err
    code, out, err = aws_text(aws, ep, ["s3", "rb", "--force", "s3://" + bucket])
    assert code == 0, err
    code, _, err = run_aws(aws, ep, ["s3api", "head-bucket", "--bucket", bucket])
    assert code != 0
    assert "404" in err


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_aws_cli_errors_and_bucket_configuration(server, clients, cli):
    aws = clients[cli]
    ep = server.endpoint
    bucket = "cfg-" + cli.replace("_", "-")
    code, _, err = run_aws(aws, ep, ["s3api", "create-bucket", "--bucket", bucket])
    assert code == 0, err
    code, _, err = run_aws(aws, ep, ["s3api", "get-object", "--bucket", bucket, "--key", "nope",
                                     os.devnull])
    assert code != 0
    assert "NoSuchKey" in err
    code, _, err = run_aws(aws, ep, ["s3api", "put-bucket-tagging", "--bucket", bucket,
                                     "--tagging", "TagSet=[{Key=team,Value=sec}]"])
    assert code == 0, err
    code, tags, err = run_aws(aws, ep, ["s3api", "get-bucket-tagging", "--bucket", bucket])
    assert code == 0, err
    assert tags["TagSet"] == [{"Key": "team", "Value": "sec"}]
    code, _, err = run_aws(aws, ep, ["s3api", "put-bucket-versioning", "--bucket", bucket,
                                     "--versioning-configuration", "Status=Enabled"])
    assert code == 0, err
    code, versioning, err = run_aws(aws, ep, ["s3api", "get-bucket-versioning",
                                              "--bucket", bucket])
    assert code == 0, err
    assert versioning["Status"] == "Enabled"
    code, location, err = run_aws(aws, ep, ["s3api", "get-bucket-location", "--bucket", bucket])
    assert code == 0, err
    assert location["LocationConstraint"] is None
    code, _, err = run_aws(aws, ep, ["s3api", "delete-bucket", "--bucket", bucket])
    assert code == 0, err
    code, _, err = run_aws(aws, ep, ["s3api", "delete-bucket", "--bucket", bucket])
    assert code != 0
    assert "NoSuchBucket" in err


def _tree(root):
    """{relative path: bytes} of every file under root."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_aws_cli_large_copy_and_sync_both_ways(server, clients, cli):
    """A 50 MiB file through `aws s3 cp` (multipart with streaming chunked signatures: the CLI
    uses 8 MiB parts) up and down, `aws s3 sync` up and down (only changed files move),
    `aws s3 ls --recursive` and `aws s3 rb --force`."""
    aws = clients[cli]
    ep = server.endpoint
    bucket = "big-" + cli.replace("_", "-")
    work = tempfile.mkdtemp(prefix="tw-s3-sync-")
    big = os.path.join(work, "big.bin")
    data = os.urandom(50 * 1024 * 1024)
    with open(big, "wb") as f:
        f.write(data)

    code, out, err = aws_text(aws, ep, ["s3", "mb", "s3://" + bucket])
    assert code == 0, err
    code, out, err = aws_text(aws, ep, ["s3", "cp", big, "s3://%s/big.bin" % bucket])
    assert code == 0, err
    code, head, err = run_aws(aws, ep, ["s3api", "head-object", "--bucket", bucket,
                                        "--key", "big.bin"])
    assert code == 0, err
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-7"')  # 6 parts of 8 MiB and the 2 MiB rest
    back = os.path.join(work, "big.back")
    code, out, err = aws_text(aws, ep, ["s3", "cp", "s3://%s/big.bin" % bucket, back])
    assert code == 0, err
    with open(back, "rb") as f:
        assert hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest()

    src = os.path.join(work, "src")
    os.makedirs(os.path.join(src, "logs", "2026"))
    files = {"a.txt": b"alpha\n", "logs/2026/b.json": b'{"b": 1}\n',
             "logs/c.bin": os.urandom(70000), "empty.txt": b""}
    # The files were written a minute before the sync, as files being synced usually are: S3 keeps
    # LastModified to whole seconds, so a file written in the same second as its upload would look
    # newer than its copy to `aws s3 sync` (on AWS too) and be sent again.
    written = time.time() - 60
    for rel, body in files.items():
        with open(os.path.join(src, rel), "wb") as f:
            f.write(body)
        os.utime(os.path.join(src, rel), (written, written))
    code, out, err = aws_text(aws, ep, ["s3", "sync", src, "s3://%s/tree" % bucket])
    assert code == 0, err
    assert out.count("upload: ") == len(files), out
    code, out, err = aws_text(aws, ep, ["s3", "ls", "--recursive", "s3://%s/tree/" % bucket])
    assert code == 0, err
    listed = sorted(line.split()[-1] for line in out.splitlines() if line.strip())
    assert listed == sorted("tree/" + k for k in files)
    # A second sync with nothing changed moves nothing; a changed file moves alone.
    code, out, err = aws_text(aws, ep, ["s3", "sync", src, "s3://%s/tree" % bucket])
    assert code == 0, err
    assert "upload: " not in out, out
    with open(os.path.join(src, "a.txt"), "wb") as f:
        f.write(b"alpha, changed and longer\n")
    code, out, err = aws_text(aws, ep, ["s3", "sync", src, "s3://%s/tree" % bucket])
    assert code == 0, err
    assert out.count("upload: ") == 1 and "a.txt" in out, out
    files["a.txt"] = b"alpha, changed and longer\n"

    dst = os.path.join(work, "dst")
    code, out, err = aws_text(aws, ep, ["s3", "sync", "s3://%s/tree" % bucket, dst])
    assert code == 0, err
    assert _tree(dst) == {k.replace("/", os.sep): v for k, v in files.items()}
    code, out, err = aws_text(aws, ep, ["s3", "sync", "s3://%s/tree" % bucket, dst])
    assert code == 0, err
    assert "download: " not in out, out

    code, out, err = aws_text(aws, ep, ["s3", "rb", "--force", "s3://" + bucket])
    assert code == 0, err
    assert "remove_bucket: " + bucket in out
    code, _, err = run_aws(aws, ep, ["s3api", "head-bucket", "--bucket", bucket])
    assert code != 0 and "404" in err


PRESIGN_SCRIPT = r'''
import json, sys
import boto3
from botocore.config import Config
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint,
                  config=Config(signature_version="s3v4", retries={"max_attempts": 1}))
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello from s3\n")
print(json.dumps({
    "get": s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "hello.txt"},
                                     ExpiresIn=300),
    "put": s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.bin"},
                                     ExpiresIn=300),
    "expired": s3.generate_presigned_url("get_object",
                                         Params={"Bucket": bucket, "Key": "hello.txt"},
                                         ExpiresIn=1),
}))
'''


@pytest.mark.parametrize("python", ["python_new", "python_debian"])
def test_presigned_urls_with_curl(server, clients, python):
    bucket = "curl-" + python.replace("_", "-")
    urls = run_python(clients[python], server.endpoint, PRESIGN_SCRIPT, bucket)
    work = tempfile.mkdtemp(prefix="tw-s3-curl-")

    def curl(*args):
        proc = subprocess.run(["curl", "-sS", "-o", os.path.join(work, "out"), "-w",
                               "%{http_code}", *args], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        with open(os.path.join(work, "out"), "rb") as f:
            return int(proc.stdout), f.read()

    assert curl(urls["get"]) == (200, b"hello from s3\n")
    payload = os.urandom(300000)
    with open(os.path.join(work, "payload"), "wb") as f:
        f.write(payload)
    status, _ = curl("-X", "PUT", "--data-binary", "@" + os.path.join(work, "payload"),
                     urls["put"])
    assert status == 200
    # Read it back through a presigned GET of the uploaded key.
    get_up = urls["get"].replace("/hello.txt?", "/up.bin?")
    status, body = curl(get_up)
    assert status == 403  # the signature covers the path: a different key is refused
    code, out, err = run_aws(clients["aws_v2"], server.endpoint,
                             ["s3api", "head-object", "--bucket", bucket, "--key", "up.bin"])
    assert code == 0, err
    assert out["ContentLength"] == len(payload)
    assert out["ETag"] == '"%s"' % hashlib.md5(payload).hexdigest()
    # A tampered signature is SignatureDoesNotMatch.
    status, body = curl(urls["get"][:-4] + ("0000" if not urls["get"].endswith("0000")
                                             else "1111"))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


def test_user_without_create_bucket_gets_s3s_access_denied(server, clients):
    """A user with no policies: `aws s3 mb` and s3api create-bucket get S3's AccessDenied (403)
    with the detailed same-account message, quoting the resource ARN."""
    aws = clients["aws_v2"]
    ep = server.endpoint
    name = "no-create-user"
    code, _, err = run_aws(aws, ep, ["iam", "create-user", "--user-name", name])
    assert code == 0, err
    code, key, err = run_aws(aws, ep, ["iam", "create-access-key", "--user-name", name])
    assert code == 0, err
    creds = {"access_key": key["AccessKey"]["AccessKeyId"],
             "secret": key["AccessKey"]["SecretAccessKey"]}
    for cli in ("aws_v1", "aws_v2"):
        code, _, err = run_aws(clients[cli], ep, ["s3api", "create-bucket", "--bucket",
                                                  "denied-" + cli.replace("_", "-")], **creds)
        assert code != 0
        # aws CLI v2 inserts "(reached max retries: 0)" before the colon.
        assert "An error occurred (AccessDenied) when calling the CreateBucket operation" in err
        assert (f"User: arn:aws:iam::000000000000:user/{name} is not authorized to perform: "
                f's3:CreateBucket on resource: "arn:aws:s3:::denied-{cli.replace("_", "-")}" '
                "because no identity-based policy allows the s3:CreateBucket action") in err, err
    proc = subprocess.run([aws, "--endpoint-url", ep, "s3", "mb", "s3://denied-mb"],
                          capture_output=True, text=True, timeout=60,
                          env=client_env(access_key=creds["access_key"], secret=creds["secret"]))
    assert proc.returncode != 0
    assert "AccessDenied" in proc.stderr
    code, _, err = run_aws(aws, ep, ["s3api", "head-bucket", "--bucket", "denied-mb"])
    assert code != 0 and "404" in err


@pytest.mark.parametrize("python", ["python_new", "python_debian"])
def test_write_operations_answer_s3s_status_codes(server, clients, python):
    """PutBucketPolicy, PutBucketTagging and the deletes answer 204 No Content as S3 does."""
    script = r'''
import json, sys
import boto3
from botocore.config import Config
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}))
st = lambda r: r["ResponseMetadata"]["HTTPStatusCode"]
out = {}
out["CreateBucket"] = st(s3.create_bucket(Bucket=bucket))
out["PutObject"] = st(s3.put_object(Bucket=bucket, Key="k", Body=b"x"))
policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
    "Resource": "arn:aws:s3:::" + bucket}]})
out["PutBucketPolicy"] = st(s3.put_bucket_policy(Bucket=bucket, Policy=policy))
out["DeleteBucketPolicy"] = st(s3.delete_bucket_policy(Bucket=bucket))
out["PutBucketTagging"] = st(s3.put_bucket_tagging(
    Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "b"}]}))
out["DeleteBucketTagging"] = st(s3.delete_bucket_tagging(Bucket=bucket))
out["PutBucketVersioning"] = st(s3.put_bucket_versioning(
    Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}))
out["DeleteObject"] = st(s3.delete_object(Bucket=bucket, Key="k"))
out["DeleteObjectMissing"] = st(s3.delete_object(Bucket=bucket, Key="never"))
out["DeleteBucket"] = st(s3.delete_bucket(Bucket=bucket))
print(json.dumps(out))
'''
    out = run_python(clients[python], server.endpoint, script,
                     "status-" + python.replace("_", "-"))
    assert out == {"CreateBucket": 200, "PutObject": 200, "PutBucketPolicy": 204,
                   "DeleteBucketPolicy": 204, "PutBucketTagging": 204,
                   "DeleteBucketTagging": 204, "PutBucketVersioning": 200, "DeleteObject": 204,
                   "DeleteObjectMissing": 204, "DeleteBucket": 204}
