# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the end-to-end suite: the real trailwatch binary on a free loopback port with a
temporary data dir, and the real AWS clients installed on the machine (aws CLI v1 and boto3 1.43
from the Python 3.11 install, aws CLI v2 and boto3 1.26 from Debian's packages)."""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")


def pytest_addoption(parser):
    parser.addoption("--trailwatch", default=os.path.join(ROOT, "build", "trailwatch"),
                     help="path of the trailwatch binary under test")


class Server:
    """One trailwatch process. start() waits for the 'listening on' line and /health."""

    def __init__(self, binary, data_dir, extra_args=()):
        self.binary = binary
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.proc = None
        self.endpoint = None
        self.output = []

    def start(self, timeout=20):
        args = [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
                "--log-level", "warn"] + self.extra_args
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            if "listening on " in line:
                self.endpoint = line.split("listening on ", 1)[1].strip()
                break
        if not self.endpoint:
            self.stop()
            raise RuntimeError("trailwatch did not start:\n" + "".join(self.output))
        # Drain the rest of the output in the background so the pipe never fills.
        import threading
        threading.Thread(target=self._drain, daemon=True).start()
        with urllib.request.urlopen(self.endpoint + "/health", timeout=5) as r:
            assert r.status == 200
        return self

    def _drain(self):
        for line in self.proc.stdout:
            self.output.append(line)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None


@pytest.fixture(scope="session")
def binary(request):
    path = request.config.getoption("--trailwatch")
    assert os.path.exists(path), f"{path} is not built"
    return path


@pytest.fixture
def data_dir():
    d = tempfile.mkdtemp(prefix="tw-e2e-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def server(binary):
    d = tempfile.mkdtemp(prefix="tw-e2e-")
    s = Server(binary, d).start()
    yield s
    s.stop()
    shutil.rmtree(d, ignore_errors=True)


def _python_new():
    """The Python 3.11 install that carries boto3 1.43 and aws CLI v1 (not Debian's)."""
    candidates = [os.environ.get("TW_PYTHON_NEW"), shutil.which("python3.11")]
    candidates += sorted(glob.glob("/root/.pyenv/versions/3.11*/bin/python3"))
    for c in candidates:
        if c and os.path.exists(c) and os.path.realpath(c) != os.path.realpath("/usr/bin/python3"):
            return c
    raise RuntimeError("the Python 3.11 with boto3 1.43 was not found; set TW_PYTHON_NEW")


@pytest.fixture(scope="session")
def clients():
    new_python = _python_new()
    pyenv_bin = os.path.dirname(new_python)
    real = subprocess.run([new_python, "-c", "import sys; print(sys.prefix)"],
                          capture_output=True, text=True, check=True).stdout.strip()
    aws_v1 = os.path.join(real, "bin", "aws")
    if not os.path.exists(aws_v1):
        aws_v1 = os.path.join(pyenv_bin, "aws")
    return {
        "python_new": new_python,           # boto3 1.43
        "python_debian": "/usr/bin/python3",  # boto3 1.26
        "aws_v1": aws_v1,
        "aws_v2": "/usr/bin/aws",
    }


def client_env(access_key="test", secret="test", region="us-east-1"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    return env


def run_aws(aws, endpoint, args, **creds):
    """Runs an aws CLI; returns (exit code, parsed JSON stdout or None, stderr)."""
    proc = subprocess.run([aws, "--endpoint-url", endpoint, "--output", "json"] + args,
                          capture_output=True, text=True, env=client_env(**creds), timeout=60)
    out = json.loads(proc.stdout) if proc.stdout.strip() else None
    return proc.returncode, out, proc.stderr


def run_boto(python, endpoint, service, operation, params=None, protocol=None, **creds):
    """Calls one operation with boto3 under the given interpreter (clients/boto_call.py);
    `protocol` makes botocore use that wire protocol of the service's model."""
    env = client_env(**creds)
    if protocol:
        env["TW_FORCE_PROTOCOL"] = protocol
    proc = subprocess.run(
        [python, os.path.join(CLIENTS, "boto_call.py"), endpoint, service, operation,
         json.dumps(params or {})],
        capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
