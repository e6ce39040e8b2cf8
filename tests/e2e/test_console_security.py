# SPDX-License-Identifier: Apache-2.0
"""The web console's security, end to end over HTTP (requests): cookies, CSRF, sign-in with
ConsoleLogin records in CloudTrail, lock-out, the user's policies on /console/api/call (AWS's
AccessDenied text), root, the forced password reset, MFA with a real TOTP code, the outbox and
the security headers. The records are read back with the aws CLI (lookup-events)."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import struct
import tempfile
import time
import uuid

import pytest
import requests

from conftest import Server, run_aws

ACCOUNT = "000000000000"
ROOT_PASSWORD = "R00t-Console-Pass!"
PASSWORD = "Corr3ct-Horse!"
FAILED = "Your authentication information is incorrect. Please try again."


@pytest.fixture(scope="module")
def console_server(binary):
    d = tempfile.mkdtemp(prefix="tw-e2e-console-")
    s = Server(binary, d, ["--root-password", ROOT_PASSWORD]).start()
    yield s
    s.stop()
    shutil.rmtree(d, ignore_errors=True)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def totp(seed_b32, step):
    key = base64.b32decode(seed_b32 + "=" * (-len(seed_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000
    return f"{code:06d}"


class Console:
    """A browser: one cookie jar, the latest CSRF token."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.http = requests.Session()
        self.csrf = None
        r = self.get("/console/api/session")
        assert r.status_code == 200
        self.csrf = r.json()["csrfToken"]

    def get(self, path):
        return self.http.get(self.endpoint + path, timeout=30)

    def post(self, path, body, csrf=True):
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        r = self.http.post(self.endpoint + path, json=body, headers=headers, timeout=30)
        if r.headers.get("Content-Type") == "application/json" and "csrfToken" in r.json():
            self.csrf = r.json()["csrfToken"]
        return r

    def sign_in(self, user, password, mfa=None, account=ACCOUNT):
        body = {"account": account, "userName": user, "password": password}
        if mfa is not None:
            body["mfaCode"] = mfa
        return self.post("/console/api/signin", body)

    def call(self, service, operation, params=None, csrf=True):
        return self.post("/console/api/call",
                         {"service": service, "operation": operation, "input": params or {}},
                         csrf=csrf)

    def ok(self, service, operation, params=None):
        r = self.call(service, operation, params)
        assert r.status_code == 200, r.text
        return r.json()["output"]


@pytest.fixture(scope="module")
def root(console_server):
    c = Console(console_server.endpoint)
    r = c.sign_in("", ROOT_PASSWORD)
    assert r.status_code == 200, r.text
    assert r.json()["isRoot"] is True
    return c


def make_user(root, name, policy_arns=(), inline=None, reset=False):
    root.ok("iam", "CreateUser", {"UserName": name})
    root.ok("iam", "CreateLoginProfile",
            {"UserName": name, "Password": PASSWORD, "PasswordResetRequired": reset})
    for arn in policy_arns:
        root.ok("iam", "AttachUserPolicy", {"UserName": name, "PolicyArn": arn})
    if inline:
        root.ok("iam", "PutUserPolicy", {"UserName": name, "PolicyName": "inline",
                                         "PolicyDocument": json.dumps(inline)})


def console_logins(clients, endpoint):
    code, out, err = run_aws(clients["aws_v2"], endpoint,
                             ["cloudtrail", "lookup-events", "--lookup-attributes",
                              "AttributeKey=EventName,AttributeValue=ConsoleLogin"])
    assert code == 0, err
    return [json.loads(e["CloudTrailEvent"]) for e in out["Events"]]


def test_session_cookie_is_httponly_and_samesite(console_server):
    r = requests.get(console_server.endpoint + "/console/api/session", timeout=10)
    assert r.status_code == 200
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("tw_console=")
    attributes = [a.strip().lower() for a in cookie.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=strict" in attributes
    assert "path=/console" in attributes
    body = r.json()
    assert body["signedIn"] is False and body["csrfToken"]


def test_state_changes_without_the_csrf_token_are_refused(console_server):
    c = Console(console_server.endpoint)
    body = {"account": ACCOUNT, "userName": "", "password": ROOT_PASSWORD}
    assert c.post("/console/api/signin", body, csrf=False).status_code == 403
    r = c.http.post(console_server.endpoint + "/console/api/signin", json=body,
                    headers={"X-CSRF-Token": "forged"}, timeout=10)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "InvalidCsrfToken"
    # A cross-site page cannot replay the token of another browser's cookie either.
    other = Console(console_server.endpoint)
    r = c.http.post(console_server.endpoint + "/console/api/signin", json=body,
                    headers={"X-CSRF-Token": other.csrf}, timeout=10)
    assert r.status_code == 403
    assert c.sign_in("", ROOT_PASSWORD).status_code == 200
    assert c.call("iam", "CreateUser", {"UserName": unique("csrf")}, csrf=False).status_code == 403
    assert c.post("/console/api/signout", {}, csrf=False).status_code == 403
    assert c.get("/console/api/session").json()["signedIn"] is True
    assert c.post("/console/api/signout", {}).status_code == 200
    assert c.get("/console/api/session").json()["signedIn"] is False


def test_failed_sign_in_is_a_console_login_failure_in_cloudtrail(console_server, clients):
    name = unique("wrongpw")
    root = Console(console_server.endpoint)
    assert root.sign_in("", ROOT_PASSWORD).status_code == 200
    make_user(root, name)
    c = Console(console_server.endpoint)
    r = c.sign_in(name, "not-the-password")
    assert r.status_code == 401
    assert r.json() == {"error": {"code": "FailedAuthentication", "message": FAILED}}
    # An unknown user gets exactly the same answer.
    unknown = c.sign_in(unique("nobody"), "not-the-password")
    assert unknown.status_code == 401 and unknown.json() == r.json()

    records = [e for e in console_logins(clients, console_server.endpoint)
               if e["userIdentity"].get("userName") == name]
    assert records, "no ConsoleLogin record for the failed sign-in"
    record = records[0]
    assert record["eventSource"] == "signin.amazonaws.com"
    assert record["eventType"] == "AwsConsoleSignIn"
    assert record["errorMessage"] == "Failed authentication"
    assert record["responseElements"] == {"ConsoleLogin": "Failure"}
    assert record["additionalEventData"]["MFAUsed"] == "No"
    assert record["userIdentity"]["type"] == "IAMUser"
    assert record["userIdentity"]["accessKeyId"] == ""
    assert "not-the-password" not in json.dumps(record)

    # The tutorial's metric filter matches the record.
    code, out, err = run_aws(
        shutil.which("aws") or "/usr/bin/aws", console_server.endpoint,
        ["logs", "test-metric-filter", "--filter-pattern",
         '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
         "--log-event-messages", json.dumps(record)])
    assert code == 0, err
    assert len(out["matches"]) == 1


def test_five_failures_lock_out_even_the_right_password(console_server, root, clients):
    name = unique("locked")
    make_user(root, name)
    c = Console(console_server.endpoint)
    for _ in range(5):
        assert c.sign_in(name, "wrong-password").status_code == 401
    started = time.monotonic()
    r = c.sign_in(name, PASSWORD)
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "TooManyFailedAttempts"
    assert int(r.headers["Retry-After"]) > 60
    assert time.monotonic() - started >= 0.4  # failures are answered after a delay
    # Still locked on the next try; other users are not affected.
    assert c.sign_in(name, PASSWORD).status_code == 429
    other = unique("notlocked")
    make_user(root, other)
    assert Console(console_server.endpoint).sign_in(other, PASSWORD).status_code == 200
    # Every refused attempt is recorded as a failure.
    failures = [e for e in console_logins(clients, console_server.endpoint)
                if e["userIdentity"].get("userName") == name]
    assert len(failures) == 7
    assert all(e["errorMessage"] == "Failed authentication" for e in failures)


def test_user_gets_aws_access_denied_through_the_console(console_server, root, clients):
    name = unique("limited")
    make_user(root, name, inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:ListUsers", "logs:DescribeLogGroups"],
         "Resource": "*"}]})
    c = Console(console_server.endpoint)
    r = c.sign_in(name, PASSWORD)
    assert r.status_code == 200, r.text
    assert r.json()["userName"] == name and r.json()["isRoot"] is False
    assert any(u["UserName"] == name for u in c.ok("iam", "ListUsers")["Users"])
    c.ok("logs", "DescribeLogGroups")
    denied = c.call("iam", "CreateUser", {"UserName": "x"})
    assert denied.status_code == 403
    assert denied.json()["error"] == {
        "code": "AccessDenied",
        "message": f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
                   f"iam:CreateUser on resource: arn:aws:iam::{ACCOUNT}:user/x because no "
                   f"identity-based policy allows the iam:CreateUser action"}
    logs_denied = c.call("logs", "CreateLogGroup", {"logGroupName": "g"})
    assert logs_denied.status_code == 400
    assert logs_denied.json()["error"]["code"] == "AccessDeniedException"
    # The outbox is for principals that may list SNS topics.
    assert c.get("/console/api/outbox").status_code == 403
    # CloudTrail has the denied console call, with the console's marks.
    code, out, err = run_aws(clients["aws_v2"], console_server.endpoint,
                             ["cloudtrail", "lookup-events", "--lookup-attributes",
                              f"AttributeKey=Username,AttributeValue={name}"])
    assert code == 0, err
    records = [json.loads(e["CloudTrailEvent"]) for e in out["Events"]]
    create = [e for e in records if e["eventName"] == "CreateUser"]
    assert create and create[0]["errorCode"] == "AccessDenied"
    assert create[0]["userAgent"] == "AWS Internal"
    assert create[0]["sessionCredentialFromConsole"] == "true"
    assert create[0]["userIdentity"]["accessKeyId"].startswith("ASIA")
    assert create[0]["userIdentity"]["sessionContext"]["attributes"]["mfaAuthenticated"] == "false"


def test_root_can_do_everything(console_server, root):
    group = unique("grp")
    root.ok("iam", "CreateGroup", {"GroupName": group})
    root.ok("logs", "CreateLogGroup", {"logGroupName": "/console/" + group})
    topic = root.ok("sns", "CreateTopic", {"Name": group})["TopicArn"]
    assert topic.endswith(":" + group)
    root.ok("monitoring", "PutMetricData", {"Namespace": "Console", "MetricData": [
        {"MetricName": "M", "Value": 1.0, "Timestamp": time.time()}]})
    root.ok("s3", "CreateBucket", {"Bucket": group})
    assert any(b["Name"] == group for b in root.ok("s3", "ListBuckets")["Buckets"])
    assert root.ok("sts", "GetCallerIdentity")["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    events = root.ok("cloudtrail", "LookupEvents", {"MaxResults": 5})["Events"]
    assert events and isinstance(events[0]["EventTime"], str)  # ISO 8601 in output
    # SNS email (here the subscription confirmation) lands in the outbox the console shows.
    address = group + "@example.com"
    root.ok("sns", "Subscribe", {"TopicArn": topic, "Protocol": "email", "Endpoint": address})
    deadline = time.monotonic() + 20
    mine = []
    while time.monotonic() < deadline and not mine:
        r = root.get("/console/api/outbox")
        assert r.status_code == 200
        mine = [m for m in r.json()["messages"] if m["to"] == address]
        time.sleep(0.2)
    assert mine, "no confirmation email in the outbox"
    assert "Subscription Confirmation" in mine[0]["subject"]
    assert "SubscribeURL" in mine[0]["body"] or "Confirm" in mine[0]["body"]
    assert mine[0]["time"].endswith("Z")


def test_forced_password_reset(console_server, root):
    name = unique("reset")
    make_user(root, name, policy_arns=["arn:aws:iam::aws:policy/IAMUserChangePassword"],
              reset=True)
    c = Console(console_server.endpoint)
    r = c.sign_in(name, PASSWORD)
    assert r.status_code == 200, r.text
    assert r.json()["passwordResetRequired"] is True and r.json()["signedIn"] is False
    blocked = c.call("iam", "GetUser")
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "PasswordResetRequired"
    weak = c.post("/console/api/change-password", {"oldPassword": PASSWORD, "newPassword": "abc"})
    assert weak.status_code == 400
    assert weak.json()["error"]["code"] == "PasswordPolicyViolation"
    new_password = "N3w-" + PASSWORD
    changed = c.post("/console/api/change-password",
                     {"oldPassword": PASSWORD, "newPassword": new_password})
    assert changed.status_code == 200, changed.text
    assert changed.json()["signedIn"] is True
    # A full session now: calls are decided by the user's policies (IAMUserChangePassword
    # allows no GetUser), not refused for the pending reset.
    after = c.call("iam", "GetUser")
    assert after.status_code == 403 and after.json()["error"]["code"] == "AccessDenied"
    # The old password is gone; the new one signs in without a reset.
    assert Console(console_server.endpoint).sign_in(name, PASSWORD).status_code == 401
    again = Console(console_server.endpoint).sign_in(name, new_password)
    assert again.status_code == 200 and again.json()["signedIn"] is True


def test_mfa_sign_in(console_server, root, clients):
    name = unique("mfa")
    make_user(root, name, inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})
    device = root.ok("iam", "CreateVirtualMFADevice",
                     {"VirtualMFADeviceName": name})["VirtualMFADevice"]
    seed = base64.b64decode(device["Base32StringSeed"]).decode()
    png = base64.b64decode(device["QRCodePNG"])
    assert png.startswith(b"\x89PNG")
    step = int(time.time()) // 30
    root.ok("iam", "EnableMFADevice", {"UserName": name, "SerialNumber": device["SerialNumber"],
                                       "AuthenticationCode1": totp(seed, step - 2),
                                       "AuthenticationCode2": totp(seed, step - 1)})
    c = Console(console_server.endpoint)
    first = c.sign_in(name, PASSWORD)
    assert first.status_code == 200
    assert first.json()["mfaRequired"] is True and first.json()["signedIn"] is False
    wrong_code = "000000" if totp(seed, step) != "000000" else "111111"
    assert c.sign_in(name, PASSWORD, mfa=wrong_code).status_code == 401
    # The wrong password with a right code is just a failure.
    assert c.sign_in(name, "wrong", mfa=totp(seed, int(time.time()) // 30)).status_code == 401
    signed = c.sign_in(name, PASSWORD, mfa=totp(seed, int(time.time()) // 30))
    assert signed.status_code == 200, signed.text
    assert signed.json()["signedIn"] is True and signed.json()["mfaUsed"] is True
    records = [e for e in console_logins(clients, console_server.endpoint)
               if e["userIdentity"].get("userName") == name]
    success = [e for e in records if e["responseElements"]["ConsoleLogin"] == "Success"]
    assert len(success) == 1
    assert success[0]["additionalEventData"]["MFAUsed"] == "Yes"
    assert success[0]["additionalEventData"]["MFAIdentifier"] == device["SerialNumber"]
    failures = [e for e in records if e["responseElements"]["ConsoleLogin"] == "Failure"]
    assert len(failures) == 2
    # An MFA session satisfies aws:MultiFactorAuthPresent, and its records say so.
    assert c.ok("iam", "GetUser")["User"]["UserName"] == name
    code, out, err = run_aws(clients["aws_v2"], console_server.endpoint,
                             ["cloudtrail", "lookup-events", "--lookup-attributes",
                              "AttributeKey=EventName,AttributeValue=GetUser"])
    assert code == 0, err
    mine = [json.loads(e["CloudTrailEvent"]) for e in out["Events"]]
    mine = [e for e in mine if e["userIdentity"].get("userName") == name]
    assert mine[0]["userIdentity"]["sessionContext"]["attributes"]["mfaAuthenticated"] == "true"


def test_security_headers_and_assets(console_server):
    for path in ["/console", "/console/iam/users", "/console/api/session",
                 "/console/vendor/uPlot.iife.min.js", "/console/vendor/uPlot.min.css"]:
        r = requests.get(console_server.endpoint + path, timeout=10)
        assert r.status_code == 200, path
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
    js = requests.get(console_server.endpoint + "/console/vendor/uPlot.iife.min.js", timeout=10)
    assert js.headers["Content-Type"].startswith("text/javascript")
    assert js.headers["Cache-Control"] == "no-cache"
    etag = js.headers["ETag"]
    again = requests.get(console_server.endpoint + "/console/vendor/uPlot.iife.min.js",
                         headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304
    shell = requests.get(console_server.endpoint + "/console", timeout=10)
    assert shell.headers["Content-Type"].startswith("text/html")
    assert "<script" in shell.text and "<script>" not in shell.text  # no inline scripts


def test_signed_requests_to_a_bucket_named_console_still_reach_s3(console_server, clients):
    code, _, err = run_aws(clients["aws_v2"], console_server.endpoint,
                           ["s3api", "create-bucket", "--bucket", "console"])
    assert code == 0, err
    code, out, err = run_aws(clients["aws_v2"], console_server.endpoint,
                             ["s3api", "list-objects-v2", "--bucket", "console"])
    assert code == 0, err


def test_root_password_is_generated_once_and_can_be_replaced(binary):
    d = tempfile.mkdtemp(prefix="tw-e2e-console-root-")
    try:
        first = Server(binary, d).start()
        try:
            lines = [line for line in first.output if "console password" in line]
            assert len(lines) == 1, first.output
            generated = lines[0].split("console password: ", 1)[1].split()[0]
            c = Console(first.endpoint)
            assert c.sign_in("", generated).status_code == 200
            assert Console(first.endpoint).sign_in("root", generated).status_code == 200
        finally:
            first.stop()
        # A restart keeps it and does not print it again.
        second = Server(binary, d).start()
        try:
            assert not any("console password" in line for line in second.output)
            assert Console(second.endpoint).sign_in("", generated).status_code == 200
        finally:
            second.stop()
        # --root-password replaces it.
        third = Server(binary, d, ["--root-password", "An0ther-Root-Pass"]).start()
        try:
            assert Console(third.endpoint).sign_in("", generated).status_code == 401
            assert Console(third.endpoint).sign_in("", "An0ther-Root-Pass").status_code == 200
        finally:
            third.stop()
        with open(os.path.join(d, "trailwatch.db"), "rb") as db:
            assert generated.encode() not in db.read()  # only the argon2id hash is stored
    finally:
        shutil.rmtree(d, ignore_errors=True)
