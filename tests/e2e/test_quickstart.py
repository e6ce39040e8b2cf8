# SPDX-License-Identifier: Apache-2.0
"""docs/quickstart.md, run exactly as written with aws CLI v2 against a real trailwatch whose SNS
email goes to a real SMTP server on loopback (aiosmtpd).

Each ```sh block of the document runs in bash after the prelude block (marked
`<!-- test: prelude -->`), in one working directory, with TRAILWATCH set to this test's server.
Markers tell the test what a reader does between blocks: `server` is the start command (the test
starts the same binary itself, on a free port and with --smtp-url pointing at the sink),
`confirm-subscription` is the reader clicking the link in the confirmation email, and
`expect-alarm-email` is the reader finding the alarm email in the mailbox."""
import email
import os
import queue
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import ROOT, Server

QUICKSTART = os.path.join(ROOT, "docs", "quickstart.md")


def blocks():
    """(marker or None, code) for every ```sh block, in order."""
    text = open(QUICKSTART).read()
    out = []
    for m in re.finditer(r"(?:<!-- test: ([a-z-]+) -->\n)?```sh\n(.*?)```", text, re.S):
        out.append((m.group(1), m.group(2)))
    return out


class Sink:
    def __init__(self):
        from aiosmtpd.controller import Controller
        self.mails = queue.Queue()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.controller.start()
        self.port = port

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        body = (message.get_payload(decode=True) or b"").decode("utf-8", "replace")
        self.mails.put((message["Subject"] or "", body, envelope.rcpt_tos))
        return "250 OK"

    def wait(self, predicate, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                mail = self.mails.get(timeout=0.2)
            except queue.Empty:
                continue
            if predicate(mail):
                return mail
        raise AssertionError("no matching email arrived")


@pytest.fixture
def sink():
    s = Sink()
    yield s
    s.controller.stop()


def test_quickstart_runs_as_written(binary, data_dir, sink):
    aws_v2 = shutil.which("aws", path="/usr/bin")
    assert aws_v2, "aws CLI v2 (/usr/bin/aws) is needed"
    for tool in ("jq", "oathtool", "curl"):
        assert shutil.which(tool), f"{tool} is needed (scripts/setup.sh installs it)"
    server = Server(binary, data_dir, ["--smtp-url", f"smtp://127.0.0.1:{sink.port}",
                                       "--trail-delivery-seconds", "1"]).start()
    work = tempfile.mkdtemp(prefix="tw-quickstart-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"TRAILWATCH": server.endpoint, "PATH": "/usr/bin:" + env.get("PATH", ""),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_EC2_METADATA_DISABLED": "true"})
    outputs = []
    try:
        prelude = None
        for marker, code in blocks():
            if marker == "server":
                continue  # started above, the same binary scripts/run.sh builds and serves
            if marker == "prelude":
                prelude = code
            elif marker == "confirm-subscription":
                subject, body, to = sink.wait(lambda m: "Confirm subscription" in m[1])
                assert to == ["security@example.com"]
                link = re.search(r"Confirm subscription\s+->\s+(\S+)", body).group(1)
                with urllib.request.urlopen(link, timeout=10) as r:
                    assert r.status == 200
            elif marker == "expect-alarm-email":
                subject, body, _ = sink.wait(lambda m: m[0].startswith("ALARM: "))
                assert subject == 'ALARM: "S3BucketActivity" in US East (N. Virginia)'
                assert '"NewStateValue":"ALARM"' in body.replace(" ", "")
            assert prelude is not None, "the prelude block must come first"
            script = "set -euo pipefail\n" + prelude + ("" if code is prelude else code)
            proc = subprocess.run(["bash", "-c", script], cwd=work, env=env, text=True,
                                  capture_output=True, timeout=120)
            assert proc.returncode == 0, f"block failed:\n{code}\n--- stderr:\n{proc.stderr}"
            outputs.append((code, proc.stdout))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    def output_of(fragment):
        return next(out for code, out in outputs if fragment in code)

    assert '"Arn": "arn:aws:iam::000000000000:root"' in output_of("get-caller-identity")
    assert "PendingConfirmation" not in output_of("list-subscriptions-by-topic")
    assert "FailedAuthentication" in output_of("console/api/signin")
    assert output_of("aws s3 mb").strip().endswith("ALARM")
    assert "tutorial-user-bucket" in output_of("get-query-results")
    assert "S3BucketActivityCount" in output_of("list-metrics")
    assert ".json.gz" in output_of("aws s3 ls")
