# SPDX-License-Identifier: Apache-2.0
"""IAM policy enforcement end to end with the real clients: a user holding only the getting-started
tutorial's custom policy (EC2 full, S3 full, Organizations Describe*/List*, IAM Get*/List*) can do
what it grants and is refused the rest with AWS's exact message; an explicit Deny conditioned on
aws:MultiFactorAuthPresent (and, once STS GetSessionToken exists, its session half); a bucket
policy granting a user with no policies of its own; and the policy simulator agreeing with
enforcement."""
import json
import os
import subprocess
import uuid

from conftest import client_env, run_aws, run_boto

ACCOUNT = "000000000000"
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
TUTORIAL_POLICY = os.path.join(DATA, "iam_tutorial_policy.json")
MFA_DENY_POLICY = os.path.join(DATA, "policy_deny_without_mfa.json")


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def aws(clients, server, args, cli="aws_v2", **creds):
    return run_aws(clients[cli], server.endpoint, args, **creds)


def raw(clients, server, args, cli="aws_v2", access_key="test", secret="test"):
    """For the high-level s3 commands, whose output is text: (exit code, stdout, stderr)."""
    proc = subprocess.run([clients[cli], "--endpoint-url", server.endpoint] + args,
                          capture_output=True, text=True, timeout=60,
                          env=client_env(access_key=access_key, secret=secret))
    return proc.returncode, proc.stdout, proc.stderr


def ok(clients, server, args, **creds):
    code, out, err = aws(clients, server, args, **creds)
    assert code == 0, f"{args}: {err}"
    return out


def user_with_policy(clients, server, policy_file=None, name_prefix="policy-user"):
    """A new user (as root), with `policy_file` as a customer managed policy attached, and an
    access key; returns (name, creds)."""
    name = unique(name_prefix)
    ok(clients, server, ["iam", "create-user", "--user-name", name])
    if policy_file:
        arn = ok(clients, server, ["iam", "create-policy", "--policy-name", unique("p"),
                                   "--policy-document", f"file://{policy_file}"])["Policy"]["Arn"]
        ok(clients, server, ["iam", "attach-user-policy", "--user-name", name, "--policy-arn", arn])
    key = ok(clients, server, ["iam", "create-access-key", "--user-name", name])["AccessKey"]
    return name, {"access_key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def test_tutorial_policy_allows_what_it_grants_and_nothing_else(server, clients):
    name, creds = user_with_policy(clients, server, TUTORIAL_POLICY)
    bucket = unique("tutorial-bucket")
    for cli in ("aws_v1", "aws_v2"):
        code, _, err = raw(clients, server, ["s3", "mb", f"s3://{bucket}-{cli[-2:]}"], cli=cli,
                           **creds)
        assert code == 0, err
        code, out, err = raw(clients, server, ["s3", "ls"], cli=cli, **creds)
        assert code == 0, err
        assert f"{bucket}-{cli[-2:]}" in out
        users = ok(clients, server, ["iam", "list-users"], **creds)
        assert name in [u["UserName"] for u in users["Users"]]

        code, _, err = aws(clients, server, ["sns", "create-topic", "--name", "t"], cli=cli,
                           **creds)
        assert code != 0
        # The CLI may add "(reached max retries: 0)" after the operation name.
        assert "An error occurred (AuthorizationError) when calling the CreateTopic operation" in err
        assert (f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
                f"SNS:CreateTopic on resource: arn:aws:sns:us-east-1:{ACCOUNT}:t because no "
                "identity-based policy allows the SNS:CreateTopic action") in err, err

        code, _, err = aws(clients, server, ["iam", "create-user", "--user-name", "x"], cli=cli,
                           **creds)
        assert code != 0
        assert "An error occurred (AccessDenied) when calling the CreateUser operation" in err
        assert (f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
                f"iam:CreateUser on resource: arn:aws:iam::{ACCOUNT}:user/x because no "
                "identity-based policy allows the iam:CreateUser action") in err, err

        code, _, err = aws(clients, server, ["logs", "create-log-group", "--log-group-name", "g"],
                           cli=cli, **creds)
        assert code != 0
        assert "(AccessDeniedException)" in err, err
        assert (f"logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:{ACCOUNT}:"
                "log-group:g:log-stream: because no identity-based policy allows") in err, err


def test_boto3_sees_access_denied_with_http_status(server, clients):
    name, creds = user_with_policy(clients, server, TUTORIAL_POLICY)
    out = run_boto(clients["python_new"], server.endpoint, "logs", "describe_log_groups", {},
                   access_key=creds["access_key"], secret=creds["secret"])
    assert out["error"]["Code"] == "AccessDeniedException"
    assert out["error"]["HTTPStatusCode"] == 400
    out = run_boto(clients["python_new"], server.endpoint, "iam", "delete_user",
                   {"UserName": name}, access_key=creds["access_key"], secret=creds["secret"])
    assert out["error"]["Code"] == "AccessDenied"
    assert out["error"]["HTTPStatusCode"] == 403


def test_explicit_deny_without_mfa(server, clients):
    name, creds = user_with_policy(clients, server, MFA_DENY_POLICY)
    bucket = unique("mfa-bucket")
    # Long-term keys carry no aws:MultiFactorAuthPresent at all, so "Bool ... false" does not
    # match them (IAM User Guide, aws:MultiFactorAuthPresent) while BoolIfExists does.
    ok(clients, server, ["s3api", "create-bucket", "--bucket", bucket], **creds)
    code, _, err = aws(clients, server, ["s3api", "list-objects-v2", "--bucket", bucket], **creds)
    assert code != 0
    assert "AccessDenied" in err
    assert (f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
            f"s3:ListBucket on resource: \"arn:aws:s3:::{bucket}\" with an explicit deny in an "
            "identity-based policy") in err, err

    # The session half: temporary credentials from GetSessionToken without MFA carry
    # aws:MultiFactorAuthPresent=false, which the Bool Deny blocks. Exercised once STS has it.
    session = run_boto(clients["python_new"], server.endpoint, "sts", "get_session_token", {},
                       access_key=creds["access_key"], secret=creds["secret"])
    if "error" in session:
        assert session["error"]["Code"] in ("NotImplemented", "InvalidAction"), session
        return
    c = session["result"]["Credentials"]
    env = client_env(access_key=c["AccessKeyId"], secret=c["SecretAccessKey"])
    env["AWS_SESSION_TOKEN"] = c["SessionToken"]
    proc = subprocess.run([clients["aws_v2"], "--endpoint-url", server.endpoint, "s3api",
                           "create-bucket", "--bucket", unique("mfa-session")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode != 0
    assert "with an explicit deny in an identity-based policy" in proc.stderr, proc.stderr


def test_bucket_policy_grants_another_principal(server, clients):
    bucket = unique("shared-bucket")
    other_bucket = unique("private-bucket")
    ok(clients, server, ["s3api", "create-bucket", "--bucket", bucket])
    ok(clients, server, ["s3api", "create-bucket", "--bucket", other_bucket])
    ok(clients, server, ["s3api", "put-object", "--bucket", bucket, "--key", "hello.txt",
                         "--body", TUTORIAL_POLICY])
    name, creds = user_with_policy(clients, server, None, "reader")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "Reader", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"},
        "Action": ["s3:ListBucket", "s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}
    ok(clients, server, ["s3api", "put-bucket-policy", "--bucket", bucket,
                         "--policy", json.dumps(policy)])
    listed = ok(clients, server, ["s3api", "list-objects-v2", "--bucket", bucket], **creds)
    assert [o["Key"] for o in listed["Contents"]] == ["hello.txt"]
    code, _, err = aws(clients, server, ["s3api", "head-object", "--bucket", bucket,
                                         "--key", "hello.txt"], **creds)
    assert code == 0, err
    # Not granted: writing, and the other bucket.
    code, _, err = aws(clients, server, ["s3api", "put-object", "--bucket", bucket,
                                         "--key", "x", "--body", TUTORIAL_POLICY], **creds)
    assert code != 0 and "AccessDenied" in err
    code, _, err = aws(clients, server, ["s3api", "list-objects-v2", "--bucket", other_bucket],
                       **creds)
    assert code != 0 and "AccessDenied" in err
    # S3 quotes the resource ARN in its detailed same-account messages.
    assert f'on resource: "arn:aws:s3:::{other_bucket}"' in err, err


def test_simulator_agrees_with_enforcement(server, clients):
    name, creds = user_with_policy(clients, server, TUTORIAL_POLICY)
    bucket = unique("sim-bucket")
    ok(clients, server, ["s3api", "create-bucket", "--bucket", bucket])
    calls = {
        "s3:ListAllMyBuckets": ["s3api", "list-buckets"],
        "s3:ListBucket": ["s3api", "list-objects-v2", "--bucket", bucket],
        "iam:ListUsers": ["iam", "list-users"],
        "iam:GetUser": ["iam", "get-user"],
        "iam:CreateGroup": ["iam", "create-group", "--group-name", unique("g")],
        "logs:DescribeLogGroups": ["logs", "describe-log-groups"],
        "cloudtrail:LookupEvents": ["cloudtrail", "lookup-events", "--max-results", "1"],
    }
    out = ok(clients, server, ["iam", "simulate-principal-policy", "--policy-source-arn",
                               f"arn:aws:iam::{ACCOUNT}:user/{name}",
                               "--action-names"] + list(calls))
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in out["EvaluationResults"]}
    assert decisions == {
        "s3:ListAllMyBuckets": "allowed", "s3:ListBucket": "allowed", "iam:ListUsers": "allowed",
        "iam:GetUser": "allowed", "iam:CreateGroup": "implicitDeny",
        "logs:DescribeLogGroups": "implicitDeny", "cloudtrail:LookupEvents": "implicitDeny"}
    for action, args in calls.items():
        code, _, err = aws(clients, server, args, **creds)
        assert (code == 0) == (decisions[action] == "allowed"), f"{action}: {err}"
    allowed = next(r for r in out["EvaluationResults"] if r["EvalActionName"] == "iam:ListUsers")
    statement = allowed["MatchedStatements"][0]
    assert statement["SourcePolicyType"] == "user-managed"
    assert statement["StartPosition"]["Line"] > 1


def test_simulate_custom_policy_and_context_keys(server, clients):
    with open(MFA_DENY_POLICY) as f:
        document = f.read()
    out = run_boto(clients["python_new"], server.endpoint, "iam", "simulate_custom_policy", {
        "PolicyInputList": [document], "ActionNames": ["s3:CreateBucket", "s3:GetObject"],
        "ContextEntries": [{"ContextKeyName": "aws:MultiFactorAuthPresent",
                            "ContextKeyValues": ["false"], "ContextKeyType": "boolean"}]})
    results = out["result"]["EvaluationResults"]
    assert [r["EvalDecision"] for r in results] == ["explicitDeny", "allowed"]
    deny = results[0]["MatchedStatements"][0]
    assert deny["SourcePolicyId"] == "PolicyInputList.1"
    assert deny["SourcePolicyType"] == "none"
    # The Deny statement is the second of the file; its "{" is on line 10, column 5.
    assert deny["StartPosition"] == {"Line": 10, "Column": 5}
    keys = run_boto(clients["python_new"], server.endpoint, "iam",
                    "get_context_keys_for_custom_policy", {"PolicyInputList": [document]})
    assert keys["result"]["ContextKeyNames"] == ["aws:MultiFactorAuthPresent"]
