# SPDX-License-Identifier: Apache-2.0
"""IAM console passwords, password policy, virtual MFA, STS temporary credentials and the
credential report, end to end with the aws CLI v1 and v2."""
import base64
import csv
import hashlib
import hmac
import io
import json
import struct
import subprocess
import time
import uuid

import pytest

from conftest import client_env, run_aws

ACCOUNT = "000000000000"


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ok(clients, cli, server, args, **creds):
    code, out, err = run_aws(clients[cli], server.endpoint, args, **creds)
    assert code == 0, f"{args}: {err}"
    return out


def fails(clients, cli, server, args, **creds):
    code, _, err = run_aws(clients[cli], server.endpoint, args, **creds)
    assert code != 0, f"{args} succeeded"
    return err


def with_session(clients, cli, server, args, creds):
    """Runs the CLI with temporary credentials (AWS_SESSION_TOKEN)."""
    env = client_env(creds["AccessKeyId"], creds["SecretAccessKey"])
    env["AWS_SESSION_TOKEN"] = creds["SessionToken"]
    proc = subprocess.run([clients[cli], "--endpoint-url", server.endpoint, "--output", "json"]
                          + args, capture_output=True, text=True, env=env, timeout=60)
    return proc.returncode, (json.loads(proc.stdout) if proc.stdout.strip() else None), proc.stderr


def totp(seed_b32, step):
    key = base64.b32decode(seed_b32 + "=" * (-len(seed_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000
    return f"{code:06d}"


def new_user_with_key(clients, cli, server, name):
    ok(clients, cli, server, ["iam", "create-user", "--user-name", name])
    key = ok(clients, cli, server, ["iam", "create-access-key", "--user-name", name])["AccessKey"]
    return {"access_key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def enable_mfa(clients, cli, server, user):
    device = ok(clients, cli, server, ["iam", "create-virtual-mfa-device",
                                       "--virtual-mfa-device-name", user,
                                       "--outfile", f"/tmp/{user}.b32",
                                       "--bootstrap-method", "Base32StringSeed"])
    serial = device["VirtualMFADevice"]["SerialNumber"]
    assert serial == f"arn:aws:iam::{ACCOUNT}:mfa/{user}"
    with open(f"/tmp/{user}.b32") as f:
        seed = f.read().strip()
    step = int(time.time()) // 30
    ok(clients, cli, server, ["iam", "enable-mfa-device", "--user-name", user,
                              "--serial-number", serial,
                              "--authentication-code1", totp(seed, step - 1),
                              "--authentication-code2", totp(seed, step)])
    return serial, seed


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_console_password_and_policy(server, clients, cli):
    user = unique("pw")
    ok(clients, cli, server, ["iam", "create-user", "--user-name", user])
    profile = ok(clients, cli, server, ["iam", "create-login-profile", "--user-name", user,
                                        "--password", "Tr4il-Watch!", "--password-reset-required"])
    assert profile["LoginProfile"]["PasswordResetRequired"] is True
    got = ok(clients, cli, server, ["iam", "get-login-profile", "--user-name", user])
    assert got["LoginProfile"]["UserName"] == user
    err = fails(clients, cli, server, ["iam", "delete-user", "--user-name", user])
    assert "must delete login profile first" in err

    ok(clients, cli, server, ["iam", "update-account-password-policy",
                              "--minimum-password-length", "14", "--require-uppercase-characters",
                              "--require-numbers", "--max-password-age", "90"])
    policy = ok(clients, cli, server, ["iam", "get-account-password-policy"])["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14 and policy["ExpirePasswords"] is True
    err = fails(clients, cli, server, ["iam", "update-login-profile", "--user-name", user,
                                       "--password", "short"])
    assert "PasswordPolicyViolation" in err
    assert "Password should have a minimum length of 14" in err
    err = fails(clients, cli, server, ["iam", "update-login-profile", "--user-name", user,
                                       "--password", "alllowercase-and-long-1"])
    assert "Password should have at least one uppercase letter" in err
    ok(clients, cli, server, ["iam", "delete-account-password-policy"])
    err = fails(clients, cli, server, ["iam", "get-account-password-policy"])
    assert f"The Password Policy with domain name {ACCOUNT} cannot be found." in err
    ok(clients, cli, server, ["iam", "delete-login-profile", "--user-name", user])
    ok(clients, cli, server, ["iam", "delete-user", "--user-name", user])


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_mfa_session_and_caller_identity(server, clients, cli):
    user = unique("mfa")
    keys = new_user_with_key(clients, cli, server, user)
    serial, seed = enable_mfa(clients, cli, server, user)
    devices = ok(clients, cli, server, ["iam", "list-mfa-devices", "--user-name", user])
    assert devices["MFADevices"][0]["SerialNumber"] == serial
    # The enable codes are spent: wait for a fresh step.
    time.sleep(30 - time.time() % 30 + 1)
    session = ok(clients, cli, server, ["sts", "get-session-token", "--serial-number", serial,
                                        "--token-code", totp(seed, int(time.time()) // 30)],
                 access_key=keys["access_key"], secret=keys["secret"])["Credentials"]
    assert session["AccessKeyId"].startswith("ASIA")
    assert len(session["SessionToken"]) > 300
    code, me, err = with_session(clients, cli, server, ["sts", "get-caller-identity"], session)
    assert code == 0, err
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/{user}"

    bogus = dict(session, SessionToken=session["SessionToken"][:-8] + "AAAAAAAA")
    code, _, err = with_session(clients, cli, server, ["sts", "get-caller-identity"], bogus)
    assert code != 0


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_assume_role_and_caller_identity(server, clients, cli):
    user = unique("assumer")
    role = unique("role")
    keys = new_user_with_key(clients, cli, server, user)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{user}"},
        "Action": "sts:AssumeRole"}]})
    ok(clients, cli, server, ["iam", "create-role", "--role-name", role,
                              "--assume-role-policy-document", trust])
    out = ok(clients, cli, server, ["sts", "assume-role", "--role-arn",
                                    f"arn:aws:iam::{ACCOUNT}:role/{role}",
                                    "--role-session-name", "e2e", "--duration-seconds", "900"],
             access_key=keys["access_key"], secret=keys["secret"])
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/e2e"
    code, me, err = with_session(clients, cli, server, ["sts", "get-caller-identity"],
                                 out["Credentials"])
    assert code == 0, err
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/e2e"
    assert me["UserId"].endswith(":e2e")

    other = unique("other")
    other_keys = new_user_with_key(clients, cli, server, other)
    err = fails(clients, cli, server, ["sts", "assume-role", "--role-arn",
                                       f"arn:aws:iam::{ACCOUNT}:role/{role}",
                                       "--role-session-name", "e2e"],
                access_key=other_keys["access_key"], secret=other_keys["secret"])
    assert "AccessDenied" in err


def test_credential_report(server, clients):
    cli = "aws_v2"
    user = unique("report")
    new_user_with_key(clients, cli, server, user)
    ok(clients, cli, server, ["iam", "create-login-profile", "--user-name", user,
                              "--password", "Tr4il-Watch!"])
    enable_mfa(clients, cli, server, user)
    ok(clients, cli, server, ["iam", "generate-credential-report"])
    report = ok(clients, cli, server, ["iam", "get-credential-report"])
    assert report["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(report["Content"]).decode())))
    assert rows[0]["user"] == "<root_account>"
    row = next(r for r in rows if r["user"] == user)
    assert row["password_enabled"] == "true"
    assert row["mfa_active"] == "true"
    assert row["access_key_1_active"] == "true"
    assert row["access_key_2_active"] == "false"
    assert row["cert_1_active"] == "false"
