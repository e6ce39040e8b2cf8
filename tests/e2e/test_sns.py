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
import tempfile
import threading
import urllib.parse
import urllib.request
import uuid

import pytest

from conftest import Server, run_aws, run_boto
from smtp_sink import SmtpSink, free_port

CLIS = ["aws_v1", "aws_v2"]
PYTHONS = ["python_new", "python_debian"]


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
    with SmtpSink() as s:
        yield s


@pytest.fixture(scope="module")
def sns_server(binary, smtp):
    d = tempfile.mkdtemp(prefix="tw-e2e-sns-")
    s = Server(binary, d, ["--smtp-url", f"smtp://127.0.0.1:{smtp.port}"]).start()
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


def test_email_confirm_and_notify(clients, sns_server, smtp):
    py = clients["python_new"]
    arn = run_boto(py, sns_server.endpoint, "sns", "create_topic", {"Name": name("alarms")})["result"]["TopicArn"]
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    run_boto(py, sns_server.endpoint, "sns", "subscribe",
             {"TopicArn": arn, "Protocol": "email", "Endpoint": address})
    mail = smtp.wait_to(address)
    assert mail.subject == "AWS Notification - Subscription Confirmation"
    assert "no-reply@sns.amazonaws.com" in mail.message["From"]
    body = mail.body
    assert arn in body
    link = re.search(r"Confirm subscription\s+-> (\S+)", body).group(1)
    with urllib.request.urlopen(link, timeout=10) as r:
        assert r.status == 200 and "Subscription confirmed" in r.read().decode()
    subs = run_boto(py, sns_server.endpoint, "sns", "list_subscriptions_by_topic", {"TopicArn": arn})
    sub_arn = subs["result"]["Subscriptions"][0]["SubscriptionArn"]
    assert sub_arn.startswith(arn + ":")
    run_boto(py, sns_server.endpoint, "sns", "publish",
             {"TopicArn": arn, "Message": "CPU high", "Subject": "ALARM: cpu"})
    mail = smtp.wait_to(address)
    assert mail.subject == "ALARM: cpu"
    body = mail.body
    assert body.startswith("CPU high")
    unsubscribe = re.search(r"unsubscribe:\r?\n(\S+)", body).group(1)
    with urllib.request.urlopen(unsubscribe, timeout=10) as r:
        assert r.status == 200
    subs = run_boto(py, sns_server.endpoint, "sns", "list_subscriptions_by_topic", {"TopicArn": arn})
    assert subs["result"]["Subscriptions"] == []


def confirm_by_email(py, endpoint, smtp, arn, protocol, address):
    run_boto(py, endpoint, "sns", "subscribe",
             {"TopicArn": arn, "Protocol": protocol, "Endpoint": address})
    body = smtp.wait_to(address).body
    link = (json.loads(body)["SubscribeURL"] if protocol == "email-json"
            else re.search(r"Confirm subscription\s+-> (\S+)", body).group(1))
    with urllib.request.urlopen(link, timeout=10) as r:
        assert r.status == 200


def test_alarm_email_is_readable_and_email_json_keeps_the_json(clients, sns_server, smtp):
    """An alarm's notification reaches an `email` subscriber as AWS's readable text (with a link to
    the alarm in trailwatch's console) and an `email-json` subscriber as the JSON message."""
    py = clients["python_new"]
    ep = sns_server.endpoint
    arn = run_boto(py, ep, "sns", "create_topic", {"Name": name("readable")})["result"]["TopicArn"]
    person, robot = f"{uuid.uuid4().hex[:8]}@example.com", f"{uuid.uuid4().hex[:8]}@example.com"
    confirm_by_email(py, ep, smtp, arn, "email", person)
    confirm_by_email(py, ep, smtp, arn, "email-json", robot)
    alarm, metric = name("cpu high"), name("Load")
    assert "error" not in run_boto(py, ep, "cloudwatch", "put_metric_alarm", {
        "AlarmName": alarm, "AlarmDescription": "load over one", "Namespace": "E2E/Readable",
        "MetricName": metric, "Dimensions": [{"Name": "Host", "Value": "web-1"}],
        "Statistic": "Maximum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "AlarmActions": [arn]})
    assert "error" not in run_boto(py, ep, "cloudwatch", "put_metric_data", {
        "Namespace": "E2E/Readable",
        "MetricData": [{"MetricName": metric, "Value": 3.0,
                        "Dimensions": [{"Name": "Host", "Value": "web-1"}]}]})

    mail = smtp.wait_to(person)
    assert mail.subject == f'ALARM: "{alarm}" in US East (N. Virginia)'
    body = mail.body.replace("\r\n", "\n")
    assert body.startswith(
        f'You are receiving this email because your Amazon CloudWatch Alarm "{alarm}" in the US '
        f'East (N. Virginia) region has entered the ALARM state, because "Threshold Crossed: '), body
    console = f"{ep}/console#/cloudwatch/alarms/{urllib.parse.quote(alarm, safe='')}"
    assert f"View this alarm in the AWS Management Console:\n{console}\n" in body, body
    for line in [
            "Alarm Details:",
            f"- Name:                       {alarm}",
            "- Description:                load over one",
            "- State Change:               INSUFFICIENT_DATA -> ALARM",
            "- AWS Account:                000000000000",
            f"- Alarm Arn:                  arn:aws:cloudwatch:us-east-1:000000000000:alarm:{alarm}",
            "Threshold:",
            "- The alarm is in the ALARM state when the metric is GreaterThanOrEqualToThreshold "
            "1.0 for at least 1 of the last 1 period(s) of 300 seconds.",
            "Monitored Metric:",
            "- MetricNamespace:                     E2E/Readable",
            f"- MetricName:                          {metric}",
            "- Dimensions:                          [Host = web-1]",
            "- Period:                              300 seconds",
            "- Statistic:                           Maximum",
            "- Unit:                                not specified",
            "- TreatMissingData:                    missing",
            "State Change Actions:",
            "- OK:",
            f"- ALARM: [{arn}]",
            "- INSUFFICIENT_DATA:"]:
        assert "\n" + line + "\n" in body, (line, body)
    assert re.search(r"\n- Timestamp:                  \w+day \d\d \w+, \d{4} \d\d:\d\d:\d\d UTC\n",
                     body), body
    assert "\n--\nIf you wish to stop receiving notifications" in body  # SNS's footer follows
    with urllib.request.urlopen(console.split("#")[0], timeout=10) as r:
        assert r.status == 200

    envelope = json.loads(smtp.wait_to(robot).body)
    assert envelope["Type"] == "Notification" and envelope["TopicArn"] == arn
    message = json.loads(envelope["Message"])
    assert message["AlarmName"] == alarm and message["NewStateValue"] == "ALARM"
    assert message["Trigger"]["MetricName"] == metric


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
    port = free_port()
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
        smtp = SmtpSink(port)
        mail = smtp.wait(timeout=40)
        assert mail.to == ["late@example.com"]
        assert "Confirm subscription" in mail.body
    finally:
        s.stop()
        if smtp:
            smtp.stop()
