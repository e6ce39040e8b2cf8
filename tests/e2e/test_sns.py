# SPDX-License-Identifier: Apache-2.0
"""SNS end to end with real clients (aws CLI v1 and v2, boto3 old and new): topics, subscriptions
and Publish; the email path through a real SMTP server on loopback (aiosmtpd) (confirmation email, following
its link, the notification email with its unsubscribe link); and an HTTP subscriber that receives
the SubscriptionConfirmation, confirms through SubscribeURL, gets the Notification and verifies
its signature against the certificate at SigningCertURL. Only loopback traffic."""
import email
import http.server
import json
import queue
import re
import shutil
import socket
import tempfile
import threading
import urllib.request
import uuid

import pytest

from conftest import Server, run_aws, run_boto

CLIS = ["aws_v1", "aws_v2"]
PYTHONS = ["python_new", "python_debian"]


class SmtpServer:
    """A real SMTP server on loopback (Debian's python3-aiosmtpd) that queues what it accepts as
    (recipients, email.message.Message). `port`: listen there (0: a free port)."""

    def __init__(self, port=0):
        from aiosmtpd.controller import Controller
        if port == 0:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.mails = queue.Queue()
        self.server_address = ("127.0.0.1", port)
        self._controller = Controller(self, hostname="127.0.0.1", port=port)
        self._controller.start()

    async def handle_DATA(self, server, session, envelope):
        self.mails.put((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 queued"

    def shutdown(self):
        self._controller.stop()


class _HttpSubscriber(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.server.received.put((dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class HttpSubscriber(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _HttpSubscriber)
        self.received = queue.Queue()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/sns"


@pytest.fixture(scope="module")
def smtp():
    s = SmtpServer()
    yield s
    s.shutdown()


@pytest.fixture(scope="module")
def sns_server(binary, smtp):
    d = tempfile.mkdtemp(prefix="tw-e2e-sns-")
    s = Server(binary, d, ["--smtp-url", f"smtp://127.0.0.1:{smtp.server_address[1]}"]).start()
    yield s
    s.stop()
    shutil.rmtree(d, ignore_errors=True)


def name(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.mark.parametrize("cli", CLIS)
def test_cli_topics(clients, sns_server, cli):
    aws = clients[cli]
    topic = name()
    rc, out, err = run_aws(aws, sns_server.endpoint, ["sns", "create-topic", "--name", topic,
                                                       "--tags", "Key=team,Value=sec"])
    assert rc == 0, err
    arn = out["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:000000000000:{topic}"
    rc, again, err = run_aws(aws, sns_server.endpoint, ["sns", "create-topic", "--name", topic])
    assert rc == 0 and again["TopicArn"] == arn
    rc, out, err = run_aws(aws, sns_server.endpoint, ["sns", "list-topics"])
    assert rc == 0 and {"TopicArn": arn} in out["Topics"]
    rc, out, err = run_aws(aws, sns_server.endpoint,
                           ["sns", "get-topic-attributes", "--topic-arn", arn])
    assert rc == 0, err
    attrs = out["Attributes"]
    assert attrs["Owner"] == "000000000000" and attrs["SubscriptionsPending"] == "0"
    assert json.loads(attrs["Policy"])["Statement"][0]["Sid"] == "__default_statement_ID"
    rc, out, err = run_aws(aws, sns_server.endpoint,
                           ["sns", "list-tags-for-resource", "--resource-arn", arn])
    assert out["Tags"] == [{"Key": "team", "Value": "sec"}]
    rc, out, err = run_aws(aws, sns_server.endpoint, ["sns", "get-topic-attributes",
                                                       "--topic-arn", arn + "-missing"])
    assert rc != 0 and "NotFound" in err and "Topic does not exist" in err
    rc, out, err = run_aws(aws, sns_server.endpoint, ["sns", "delete-topic", "--topic-arn", arn])
    assert rc == 0, err


@pytest.mark.parametrize("python", PYTHONS)
def test_boto_subscribe_list_publish(clients, sns_server, python):
    py = clients[python]
    arn = run_boto(py, sns_server.endpoint, "sns", "create_topic", {"Name": name()})["result"]["TopicArn"]
    sub = run_boto(py, sns_server.endpoint, "sns", "subscribe",
                   {"TopicArn": arn, "Protocol": "email", "Endpoint": "ops@example.com"})
    assert sub["result"]["SubscriptionArn"] == "pending confirmation"
    subs = run_boto(py, sns_server.endpoint, "sns", "list_subscriptions_by_topic", {"TopicArn": arn})
    assert subs["result"]["Subscriptions"][0]["SubscriptionArn"] == "PendingConfirmation"
    pub = run_boto(py, sns_server.endpoint, "sns", "publish", {"TopicArn": arn, "Message": "hi"})
    assert re.fullmatch(r"[0-9a-f-]{36}", pub["result"]["MessageId"])
    bad = run_boto(py, sns_server.endpoint, "sns", "publish",
                   {"TopicArn": arn, "Message": "x", "Subject": "s" * 101})
    assert bad["error"]["Code"] == "InvalidParameter"


def next_mail(smtp, to, timeout=20):
    while True:
        rcpt, msg = smtp.mails.get(timeout=timeout)
        if to in rcpt:
            return msg


def test_email_confirm_and_notify(clients, sns_server, smtp):
    py = clients["python_new"]
    arn = run_boto(py, sns_server.endpoint, "sns", "create_topic", {"Name": name("alarms")})["result"]["TopicArn"]
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    run_boto(py, sns_server.endpoint, "sns", "subscribe",
             {"TopicArn": arn, "Protocol": "email", "Endpoint": address})
    msg = next_mail(smtp, address)
    assert msg["Subject"] == "AWS Notification - Subscription Confirmation"
    assert "no-reply@sns.amazonaws.com" in msg["From"]
    body = msg.get_payload(decode=True).decode()
    assert arn in body
    link = re.search(r"Confirm subscription\s+-> (\S+)", body).group(1)
    with urllib.request.urlopen(link, timeout=10) as r:
        assert r.status == 200 and "Subscription confirmed" in r.read().decode()
    subs = run_boto(py, sns_server.endpoint, "sns", "list_subscriptions_by_topic", {"TopicArn": arn})
    sub_arn = subs["result"]["Subscriptions"][0]["SubscriptionArn"]
    assert sub_arn.startswith(arn + ":")
    run_boto(py, sns_server.endpoint, "sns", "publish",
             {"TopicArn": arn, "Message": "CPU high", "Subject": "ALARM: cpu"})
    msg = next_mail(smtp, address)
    assert msg["Subject"] == "ALARM: cpu"
    body = msg.get_payload(decode=True).decode()
    assert body.startswith("CPU high")
    unsubscribe = re.search(r"unsubscribe:\r?\n(\S+)", body).group(1)
    with urllib.request.urlopen(unsubscribe, timeout=10) as r:
        assert r.status == 200
    subs = run_boto(py, sns_server.endpoint, "sns", "list_subscriptions_by_topic", {"TopicArn": arn})
    assert subs["result"]["Subscriptions"] == []


def verify_signature(doc):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    import base64
    keys = (["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
            if doc["Type"] == "Notification" else
            ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"])
    text = "".join(f"{k}\n{doc[k]}\n" for k in keys if k in doc)
    with urllib.request.urlopen(doc["SigningCertURL"], timeout=10) as r:
        cert = x509.load_pem_x509_certificate(r.read())
    algorithm = hashes.SHA1() if doc["SignatureVersion"] == "1" else hashes.SHA256()
    cert.public_key().verify(base64.b64decode(doc["Signature"]), text.encode(),
                             padding.PKCS1v15(), algorithm)


@pytest.mark.parametrize("version", ["1", "2"])
def test_http_subscriber(clients, sns_server, version):
    pytest.importorskip("cryptography")
    py = clients["python_debian"]
    subscriber = HttpSubscriber()
    try:
        arn = run_boto(py, sns_server.endpoint, "sns", "create_topic",
                       {"Name": name("http"), "Attributes": {"SignatureVersion": version}})["result"]["TopicArn"]
        run_boto(py, sns_server.endpoint, "sns", "subscribe",
                 {"TopicArn": arn, "Protocol": "http", "Endpoint": subscriber.url})
        headers, body = subscriber.received.get(timeout=20)
        doc = json.loads(body)
        assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
        assert headers["x-amz-sns-topic-arn"] == arn
        assert headers["Content-Type"] == "text/plain; charset=UTF-8"
        assert doc["Type"] == "SubscriptionConfirmation" and doc["TopicArn"] == arn
        verify_signature(doc)
        with urllib.request.urlopen(doc["SubscribeURL"], timeout=10) as r:
            xml = r.read().decode()
        sub_arn = re.search(r"<SubscriptionArn>(.*)</SubscriptionArn>", xml).group(1)
        assert sub_arn.startswith(arn + ":")
        run_boto(py, sns_server.endpoint, "sns", "publish",
                 {"TopicArn": arn, "Message": "hello\nworld", "Subject": "greeting",
                  "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}})
        headers, body = subscriber.received.get(timeout=20)
        doc = json.loads(body)
        assert headers["x-amz-sns-message-type"] == "Notification"
        assert headers["x-amz-sns-subscription-arn"] == sub_arn
        assert list(doc)[:5] == ["Type", "MessageId", "TopicArn", "Subject", "Message"]
        assert doc["Message"] == "hello\nworld" and doc["SignatureVersion"] == version
        assert doc["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
        verify_signature(doc)
    finally:
        subscriber.shutdown()


def test_outbox_without_smtp(binary, clients, data_dir):
    """Without --smtp-url every email lands as an .eml file in <data-dir>/outbox."""
    import glob
    import os
    import time
    s = Server(binary, data_dir).start()
    try:
        py = clients["python_new"]
        arn = run_boto(py, s.endpoint, "sns", "create_topic",
                       {"Name": name("outbox"), "Attributes": {"DisplayName": "Ops"}})["result"]["TopicArn"]
        run_boto(py, s.endpoint, "sns", "subscribe",
                 {"TopicArn": arn, "Protocol": "email", "Endpoint": "person@example.com"})
        deadline = time.monotonic() + 10
        files = []
        while not files and time.monotonic() < deadline:
            files = glob.glob(os.path.join(data_dir, "outbox", "*.eml"))
            time.sleep(0.1)
        assert len(files) == 1
        with open(files[0], "rb") as f:
            msg = email.message_from_bytes(f.read())
        assert msg["To"] == "person@example.com"
        assert msg["From"] == '"Ops" <no-reply@sns.amazonaws.com>'
        link = re.search(r"Confirm subscription\s+-> (\S+)",
                         msg.get_payload(decode=True).decode()).group(1)
        assert link.startswith(s.endpoint + "/_trailwatch/sns/confirmation.html?")
        with urllib.request.urlopen(link, timeout=10) as r:
            assert r.status == 200
    finally:
        s.stop()


def test_email_waits_for_an_smtp_server_that_is_down(binary, clients, data_dir):
    """The SMTP server is down when the confirmation email is due: the delivery stays queued and
    is retried, and the email arrives once the server is up."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    s = Server(binary, data_dir, ["--smtp-url", f"smtp://127.0.0.1:{port}"]).start()
    smtp = None
    try:
        py = clients["python_new"]
        arn = run_boto(py, s.endpoint, "sns", "create_topic",
                       {"Name": name("down")})["result"]["TopicArn"]
        run_boto(py, s.endpoint, "sns", "subscribe",
                 {"TopicArn": arn, "Protocol": "email", "Endpoint": "late@example.com"})
        import time
        time.sleep(1.5)  # the first attempt fails: nothing listens on the port
        smtp = SmtpServer(port)
        rcpt, msg = smtp.mails.get(timeout=40)
        assert rcpt == ["late@example.com"]
        assert "Confirm subscription" in msg.get_payload(decode=True).decode()
    finally:
        s.stop()
        if smtp:
            smtp.shutdown()
