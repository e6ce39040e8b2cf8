# SPDX-License-Identifier: Apache-2.0
"""docs/quickstart.md, run exactly as written with aws CLI v2 against a real trailwatch whose SNS
email goes to a real SMTP server on loopback (aiosmtpd).

Each ```sh block of the document runs in bash after the prelude block (marked
`<!-- test: prelude -->`), in one working directory, with TRAILWATCH set to this test's server.
Markers tell the test what a reader does between blocks: `server` is the start command (the test
starts the same binary itself, on a free port and with --smtp-url pointing at the sink),
`confirm-subscription` is the reader clicking the link in the confirmation email, and
`expect-alarm-email` is the reader finding the alarm email in the mailbox."""
import os
import re
import shutil
import subprocess
import tempfile
import urllib.request

import pytest

from conftest import ROOT, Server
from smtp_sink import SmtpSink

QUICKSTART = os.path.join(ROOT, "docs", "quickstart.md")


def blocks():
    """(marker or None, code) for every ```sh block, in order."""
    text = open(QUICKSTART).read()
    out = []
    for m in re.finditer(r"(?:<!-- test: ([a-z-]+) -->\n)?```sh\n(.*?)```", text, re.S):
        out.append((m.group(1), m.group(2)))
    return out


@pytest.fixture
def sink():
    with SmtpSink() as s:
        yield s


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
                mail = sink.wait(lambda m: "Confirm subscription" in m.body)
                assert mail.to == ["security@example.com"]
                link = re.search(r"Confirm subscription\s+->\s+(\S+)", mail.body).group(1)
                with urllib.request.urlopen(link, timeout=10) as r:
                    assert r.status == 200
            elif marker == "expect-alarm-email":
                mail = sink.wait(lambda m: m.subject.startswith("ALARM: "))
                assert mail.subject == 'ALARM: "S3BucketActivity" in US East (N. Virginia)'
                # The readable text AWS sends email subscribers (email-json would get the JSON).
                assert mail.body.startswith(
                    'You are receiving this email because your Amazon CloudWatch Alarm '
                    '"S3BucketActivity" in the US East (N. Virginia) region has entered the ALARM '
                    'state'), mail.body
                assert re.search(r"\n- State Change: +(OK|INSUFFICIENT_DATA) -> ALARM\r?\n",
                                 mail.body), mail.body
                assert f"{server.endpoint}/console#/cloudwatch/alarms/S3BucketActivity" in mail.body
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
