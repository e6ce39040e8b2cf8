# SPDX-License-Identifier: Apache-2.0
"""Streamed S3 bodies (issue 5) with real clients and raw sockets: a 320 MiB `aws s3 cp` up
(single PutObject and multipart) and down with aws CLI v1 and v2, content hashes compared and the
server's peak RSS (VmHWM) kept under 150 MiB; a denied or unsigned upload answered 403 before its
body is sent (Expect: 100-continue); a wrong x-amz-checksum-crc32 refused with BadDigest; and a
connection dropped or a server killed mid-upload leaving no object and no temporary file."""
import datetime
import hashlib
import hmac
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import zlib
import base64

import pytest

from conftest import Server, client_env, run_aws

SIZE = 320 * 1024 * 1024
RSS_LIMIT_KIB = 150 * 1024


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def blob_temp_files(data_dir):
    found = []
    for root, _, files in os.walk(os.path.join(data_dir, "s3")):
        found += [os.path.join(root, f) for f in files if f.startswith(".tmp-")]
    return found


@pytest.fixture(scope="module")
def big_file():
    """A 320 MiB file of pseudo-random bytes (incompressible) and its SHA-256."""
    fd, path = tempfile.mkstemp(prefix="tw-big-")
    digest = hashlib.sha256()
    block = os.urandom(1024 * 1024)
    with os.fdopen(fd, "wb") as f:
        for i in range(SIZE // len(block)):
            chunk = hashlib.sha256(i.to_bytes(8, "big")).digest() + block[32:]
            f.write(chunk)
            digest.update(chunk)
    yield path, digest.hexdigest()
    os.unlink(path)


@pytest.fixture
def own_server(binary, data_dir):
    s = Server(binary, data_dir).start()
    yield s
    s.stop()


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run_cli(aws, endpoint, args, config=None, timeout=600):
    env = client_env()
    if config:
        env["AWS_CONFIG_FILE"] = config
    return subprocess.run([aws, "--endpoint-url", endpoint] + args, capture_output=True,
                          text=True, env=env, timeout=timeout)


@pytest.mark.parametrize("cli", ["aws_v2", "aws_v1"])
def test_large_copy_up_and_down_in_bounded_memory(clients, own_server, big_file, cli):
    aws = clients[cli]
    path, digest = big_file
    ep = own_server.endpoint
    code, _, err = run_aws(aws, ep, ["s3api", "create-bucket", "--bucket", "stream"])
    assert code == 0, err
    with tempfile.TemporaryDirectory() as tmp:
        # One PutObject for the whole file, then the CLI's default multipart upload.
        config = os.path.join(tmp, "config")
        with open(config, "w") as f:
            f.write("[default]\ns3 =\n  multipart_threshold = 2GB\n")
        for key, cfg in (("single.bin", config), ("multi.bin", None)):
            proc = run_cli(aws, ep, ["s3", "cp", "--no-progress", path, f"s3://stream/{key}"],
                           config=cfg)
            assert proc.returncode == 0, proc.stderr
            code, head, err = run_aws(aws, ep, ["s3api", "head-object", "--bucket", "stream",
                                                "--key", key])
            assert code == 0, err
            assert head["ContentLength"] == SIZE
        assert blob_temp_files(own_server.data_dir) == []
        for key in ("single.bin", "multi.bin"):
            out = os.path.join(tmp, key)
            proc = run_cli(aws, ep, ["s3", "cp", "--no-progress", f"s3://stream/{key}", out])
            assert proc.returncode == 0, proc.stderr
            assert file_sha256(out) == digest
            os.unlink(out)
    peak = vm_hwm_kib(own_server.proc.pid)
    assert peak < RSS_LIMIT_KIB, f"server peak RSS {peak} KiB for a {SIZE >> 20} MiB object"


# --- raw SigV4 requests -------------------------------------------------------------------

def _sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signed_put_headers(endpoint, path, length, access_key="test", secret="test",
                       payload_hash="UNSIGNED-PAYLOAD", extra=None):
    """Headers of a SigV4-signed S3 PUT (path-style) sent with Expect: 100-continue."""
    host = urllib.parse.urlparse(endpoint).netloc
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    headers = {"host": host, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
    headers.update(extra or {})
    names = sorted(headers)
    canonical = "\n".join(["PUT", path, "", "".join(f"{n}:{headers[n]}\n" for n in names),
                           ";".join(names), payload_hash])
    scope = f"{day}/us-east-1/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    k = _sign(("AWS4" + secret).encode(), day)
    for part in ("us-east-1", "s3", "aws4_request"):
        k = _sign(k, part)
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
                                f"SignedHeaders={';'.join(names)}, Signature={signature}")
    headers["content-length"] = str(length)
    headers["expect"] = "100-continue"
    return headers


def open_put(endpoint, path, headers):
    u = urllib.parse.urlparse(endpoint)
    sock = socket.create_connection((u.hostname, u.port), timeout=10)
    head = f"PUT {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall((head + "\r\n").encode())
    return sock


def read_response_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def read_response(sock):
    """One response after its head: the head plus Content-Length bytes of body."""
    data = read_response_head(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def read_all(sock):
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def make_bucket(clients, server, bucket):
    code, _, err = run_aws(clients["aws_v2"], server.endpoint,
                           ["s3api", "create-bucket", "--bucket", bucket])
    assert code == 0, err


def test_denied_and_unsigned_uploads_are_refused_before_the_body(clients, own_server):
    ep = own_server.endpoint
    make_bucket(clients, own_server, "guarded")
    aws = clients["aws_v2"]
    assert run_aws(aws, ep, ["iam", "create-user", "--user-name", "nobody"])[0] == 0
    code, key, err = run_aws(aws, ep, ["iam", "create-access-key", "--user-name", "nobody"])
    assert code == 0, err
    key = key["AccessKey"]
    one_gib = 1 << 30
    cases = {
        "denied": signed_put_headers(ep, "/guarded/big.bin", one_gib, key["AccessKeyId"],
                                     key["SecretAccessKey"]),
        "unsigned": {"host": urllib.parse.urlparse(ep).netloc,
                     "content-length": str(one_gib), "expect": "100-continue"},
    }
    for name, headers in cases.items():
        sock = open_put(ep, "/guarded/big.bin", headers)
        # No body byte is sent: the answer must come without a 100 Continue.
        answer = read_response_head(sock) + read_all(sock)
        sock.close()
        assert answer.startswith(b"HTTP/1.1 403"), (name, answer[:200])
        assert b"100 Continue" not in answer, name
        assert b"<Code>AccessDenied</Code>" in answer, (name, answer)
    code, _, err = run_aws(aws, ep, ["s3api", "head-object", "--bucket", "guarded",
                                     "--key", "big.bin"])
    assert code != 0 and "404" in err


def test_wrong_checksum_and_sha256_are_refused(clients, own_server):
    ep = own_server.endpoint
    make_bucket(clients, own_server, "sums")
    body = b"streamed body " * 1000
    good_crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    bad_crc = base64.b64encode((zlib.crc32(body) ^ 1).to_bytes(4, "big")).decode()
    cases = [
        ("good", {"x-amz-checksum-crc32": good_crc}, "UNSIGNED-PAYLOAD", b"HTTP/1.1 200", None),
        ("bad crc", {"x-amz-checksum-crc32": bad_crc}, "UNSIGNED-PAYLOAD", b"HTTP/1.1 400",
         b"<Code>BadDigest</Code><Message>The CRC32 you specified did not match the calculated "
         b"checksum.</Message>"),
        ("bad sha256", {}, hashlib.sha256(b"other").hexdigest(), b"HTTP/1.1 400",
         b"<Code>XAmzContentSHA256Mismatch</Code>"),
    ]
    for name, extra, payload_hash, status, code in cases:
        key = "/sums/" + name.replace(" ", "-")
        headers = signed_put_headers(ep, key, len(body), payload_hash=payload_hash, extra=extra)
        sock = open_put(ep, key, headers)
        assert read_response_head(sock).startswith(b"HTTP/1.1 100"), name
        sock.sendall(body)
        answer = read_response(sock)
        sock.close()
        assert answer.startswith(status), (name, answer[:300])
        if code:
            assert code in answer, (name, answer)
    for name, _, _, status, _ in cases:
        code, _, err = run_aws(clients["aws_v2"], ep, ["s3api", "head-object", "--bucket",
                                                       "sums", "--key", name.replace(" ", "-")])
        assert (code == 0) == (name == "good"), (name, err)
    assert blob_temp_files(own_server.data_dir) == []


def test_dropped_connection_and_crash_leave_no_object_or_temp_file(clients, binary, data_dir):
    server = Server(binary, data_dir).start()
    try:
        ep = server.endpoint
        make_bucket(clients, server, "drops")
        # A client that goes away mid-body.
        sock = open_put(ep, "/drops/dropped.bin", signed_put_headers(ep, "/drops/dropped.bin",
                                                                      100 << 20))
        assert read_response_head(sock).startswith(b"HTTP/1.1 100")
        sock.sendall(b"x" * (8 << 20))
        time.sleep(0.5)
        assert len(blob_temp_files(data_dir)) == 1  # the upload is being written
        sock.close()
        deadline = time.monotonic() + 10
        while blob_temp_files(data_dir) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert blob_temp_files(data_dir) == []
        code, _, err = run_aws(clients["aws_v2"], ep, ["s3api", "head-object", "--bucket",
                                                       "drops", "--key", "dropped.bin"])
        assert code != 0 and "404" in err

        # A server killed mid-upload leaves its temporary file; the next start removes it.
        sock = open_put(ep, "/drops/crash.bin", signed_put_headers(ep, "/drops/crash.bin",
                                                                    100 << 20))
        assert read_response_head(sock).startswith(b"HTTP/1.1 100")
        sock.sendall(b"y" * (8 << 20))
        time.sleep(0.5)
        server.stop(sig=signal.SIGKILL)
        sock.close()
        assert len(blob_temp_files(data_dir)) == 1
    finally:
        server.stop()
    server = Server(binary, data_dir).start()
    try:
        assert blob_temp_files(data_dir) == []
        code, _, err = run_aws(clients["aws_v2"], server.endpoint,
                               ["s3api", "head-object", "--bucket", "drops", "--key", "crash.bin"])
        assert code != 0 and "404" in err
    finally:
        server.stop()
