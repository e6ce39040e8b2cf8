# SPDX-License-Identifier: Apache-2.0
"""IAM end to end with the real clients (aws CLI v1 and v2, boto3 1.43 and 1.26): the getting-
started tutorial (a user, a group, a custom policy from a JSON file attached to both, an access
key that then signs STS calls as the user), listing back, pagination, and bad inputs whose codes
and HTTP statuses are the ones IAM returns."""
import json
import os
import uuid

import pytest

from conftest import run_aws, run_boto

ACCOUNT = "000000000000"
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
TUTORIAL_POLICY = os.path.join(DATA, "iam_tutorial_policy.json")
ALLOW_S3 = json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
TRUST_EC2 = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def cli_ok(clients, cli, server, args, **creds):
    code, out, err = run_aws(clients[cli], server.endpoint, args, **creds)
    assert code == 0, f"{args}: {err}"
    return out


def boto_ok(clients, python, server, op, params=None, **creds):
    out = run_boto(clients[python], server.endpoint, "iam", op, params, **creds)
    assert "result" in out, f"{op}: {out.get('error')}"
    return out["result"]


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_tutorial_with_aws_cli(server, clients, cli):
    user, group, policy = unique("Alice"), unique("Admins"), unique("TutorialPolicy")
    created = cli_ok(clients, cli, server, ["iam", "create-user", "--user-name", user,
                                            "--path", "/tutorial/"])["User"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/tutorial/{user}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    cli_ok(clients, cli, server, ["iam", "create-group", "--group-name", group])
    cli_ok(clients, cli, server, ["iam", "add-user-to-group", "--group-name", group,
                                  "--user-name", user])
    made = cli_ok(clients, cli, server, ["iam", "create-policy", "--policy-name", policy,
                                         "--policy-document", "file://" + TUTORIAL_POLICY])
    arn = made["Policy"]["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:policy/{policy}"
    cli_ok(clients, cli, server, ["iam", "attach-user-policy", "--user-name", user,
                                  "--policy-arn", arn])
    cli_ok(clients, cli, server, ["iam", "attach-group-policy", "--group-name", group,
                                  "--policy-arn", arn])
    key = cli_ok(clients, cli, server, ["iam", "create-access-key", "--user-name", user])
    key = key["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40

    me = cli_ok(clients, cli, server, ["sts", "get-caller-identity"],
                access_key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert me == {"UserId": created["UserId"], "Account": ACCOUNT, "Arn": created["Arn"]}

    # Listing back.
    attached = cli_ok(clients, cli, server, ["iam", "list-attached-user-policies",
                                             "--user-name", user])
    assert attached["AttachedPolicies"] == [{"PolicyName": policy, "PolicyArn": arn}]
    groups = cli_ok(clients, cli, server, ["iam", "list-groups-for-user", "--user-name", user])
    assert [g["GroupName"] for g in groups["Groups"]] == [group]
    members = cli_ok(clients, cli, server, ["iam", "get-group", "--group-name", group])
    assert [u["UserName"] for u in members["Users"]] == [user]
    entities = cli_ok(clients, cli, server, ["iam", "list-entities-for-policy",
                                             "--policy-arn", arn])
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [group]
    got = cli_ok(clients, cli, server, ["iam", "get-policy", "--policy-arn", arn])["Policy"]
    assert got["AttachmentCount"] == 2 and got["DefaultVersionId"] == "v1"
    # The CLI url-decodes and parses the document IAM sends URL-encoded.
    version = cli_ok(clients, cli, server, ["iam", "get-policy-version", "--policy-arn", arn,
                                            "--version-id", "v1"])["PolicyVersion"]
    with open(TUTORIAL_POLICY) as f:
        assert version["Document"] == json.load(f)
    keys = cli_ok(clients, cli, server, ["iam", "list-access-keys", "--user-name", user])
    assert [k["AccessKeyId"] for k in keys["AccessKeyMetadata"]] == [key["AccessKeyId"]]
    used = cli_ok(clients, cli, server, ["iam", "get-access-key-last-used",
                                         "--access-key-id", key["AccessKeyId"]])
    assert used["UserName"] == user
    assert used["AccessKeyLastUsed"]["ServiceName"] == "sts"

    # An inactive key no longer signs.
    cli_ok(clients, cli, server, ["iam", "update-access-key", "--user-name", user,
                                  "--access-key-id", key["AccessKeyId"], "--status", "Inactive"])
    code, _, err = run_aws(clients[cli], server.endpoint, ["sts", "get-caller-identity"],
                           access_key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert code != 0 and "InvalidClientTokenId" in err


@pytest.mark.parametrize("python", ["python_new", "python_debian"])
def test_tutorial_with_boto3(server, clients, python):
    user, group, policy = unique("bob"), unique("devs"), unique("BotoPolicy")
    created = boto_ok(clients, python, server, "create_user", {"UserName": user})["User"]
    boto_ok(clients, python, server, "create_group", {"GroupName": group})
    boto_ok(clients, python, server, "add_user_to_group", {"GroupName": group, "UserName": user})
    with open(TUTORIAL_POLICY) as f:
        document = f.read()
    arn = boto_ok(clients, python, server, "create_policy",
                  {"PolicyName": policy, "PolicyDocument": document})["Policy"]["Arn"]
    boto_ok(clients, python, server, "attach_user_policy", {"UserName": user, "PolicyArn": arn})
    boto_ok(clients, python, server, "attach_group_policy", {"GroupName": group, "PolicyArn": arn})
    key = boto_ok(clients, python, server, "create_access_key", {"UserName": user})["AccessKey"]
    me = run_boto(clients[python], server.endpoint, "sts", "get_caller_identity",
                  access_key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert me["result"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/{user}"
    assert me["result"]["UserId"] == created["UserId"]
    details = boto_ok(clients, python, server, "get_account_authorization_details",
                      {"Filter": ["User"]})
    mine = [u for u in details["UserDetailList"] if u["UserName"] == user]
    assert mine and mine[0]["GroupList"] == [group]
    assert mine[0]["AttachedManagedPolicies"] == [{"PolicyName": policy, "PolicyArn": arn}]
    summary = boto_ok(clients, python, server, "get_account_summary")["SummaryMap"]
    assert summary["Users"] >= 1 and summary["AccessKeysPerUserQuota"] == 2
    version = boto_ok(clients, python, server, "get_policy_version",
                      {"PolicyArn": arn, "VersionId": "v1"})["PolicyVersion"]
    assert version["Document"] == json.loads(document)


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_pagination_with_max_items(server, clients, cli):
    path = "/" + unique("pages") + "/"
    names = sorted(unique("p") for _ in range(5))
    for name in names:
        cli_ok(clients, cli, server, ["iam", "create-user", "--user-name", name, "--path", path])
    first = cli_ok(clients, cli, server, ["iam", "list-users", "--path-prefix", path,
                                          "--max-items", "2"])
    assert [u["UserName"] for u in first["Users"]] == names[:2]
    assert first["NextToken"]
    rest = cli_ok(clients, cli, server, ["iam", "list-users", "--path-prefix", path,
                                         "--starting-token", first["NextToken"]])
    assert [u["UserName"] for u in rest["Users"]] == names[2:]
    # --page-size makes the CLI send MaxItems and follow IAM's Marker to the end.
    paged = cli_ok(clients, cli, server, ["iam", "list-users", "--path-prefix", path,
                                          "--page-size", "2"])
    assert [u["UserName"] for u in paged["Users"]] == names


def test_pagination_with_boto3_marker(server, clients):
    path = "/" + unique("marker") + "/"
    for i in range(3):
        boto_ok(clients, "python_new", server, "create_user",
                {"UserName": f"m{i}-{uuid.uuid4().hex[:4]}", "Path": path})
    page = boto_ok(clients, "python_new", server, "list_users",
                   {"PathPrefix": path, "MaxItems": 2})
    assert len(page["Users"]) == 2 and page["IsTruncated"] is True
    last = boto_ok(clients, "python_new", server, "list_users",
                   {"PathPrefix": path, "MaxItems": 2, "Marker": page["Marker"]})
    assert len(last["Users"]) == 1 and last["IsTruncated"] is False


def test_aws_managed_policies(server, clients):
    out = cli_ok(clients, "aws_v2", server, ["iam", "list-policies", "--scope", "AWS"])
    names = {p["PolicyName"] for p in out["Policies"]}
    assert {"AdministratorAccess", "ReadOnlyAccess", "AmazonS3FullAccess",
            "IAMUserChangePassword"} <= names
    admin = cli_ok(clients, "aws_v1", server, ["iam", "get-policy-version", "--policy-arn",
                                               "arn:aws:iam::aws:policy/AdministratorAccess",
                                               "--version-id", "v1"])
    assert admin["PolicyVersion"]["Document"]["Statement"] == [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]


@pytest.fixture(scope="module")
def fixture_names(server, clients):
    """Entities the bad-input cases refer to, created once."""
    n = {"user": unique("victim"), "group": unique("crowd"), "policy": unique("Pinned"),
         "role": unique("role"), "keyed": unique("keyed")}
    py = "python_new"
    boto_ok(clients, py, server, "create_user", {"UserName": n["user"]})
    boto_ok(clients, py, server, "create_group", {"GroupName": n["group"]})
    boto_ok(clients, py, server, "add_user_to_group", {"GroupName": n["group"],
                                                       "UserName": n["user"]})
    n["arn"] = boto_ok(clients, py, server, "create_policy",
                       {"PolicyName": n["policy"], "PolicyDocument": ALLOW_S3})["Policy"]["Arn"]
    boto_ok(clients, py, server, "attach_user_policy", {"UserName": n["user"],
                                                        "PolicyArn": n["arn"]})
    for _ in range(4):
        boto_ok(clients, py, server, "create_policy_version",
                {"PolicyArn": n["arn"], "PolicyDocument": ALLOW_S3})
    boto_ok(clients, py, server, "create_user", {"UserName": n["keyed"]})
    for _ in range(2):
        boto_ok(clients, py, server, "create_access_key", {"UserName": n["keyed"]})
    boto_ok(clients, py, server, "create_role", {"RoleName": n["role"],
                                                 "AssumeRolePolicyDocument": TRUST_EC2})
    return n


def big_policy(statements):
    actions = [f"s3:GetObjectNumber{i}" for i in range(statements)]
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})


# (operation, params builder, expected code, expected HTTP status)
BAD_INPUTS = [
    ("create_user", lambda n: {"UserName": "bad name!"}, "ValidationError", 400),
    ("create_user", lambda n: {"UserName": "x", "Path": "no-slashes"}, "ValidationError", 400),
    ("create_user", lambda n: {"UserName": n["user"].upper()}, "EntityAlreadyExists", 409),
    ("get_user", lambda n: {"UserName": "nobody-here"}, "NoSuchEntity", 404),
    ("delete_user", lambda n: {"UserName": n["user"]}, "DeleteConflict", 409),
    ("delete_user", lambda n: {"UserName": n["keyed"]}, "DeleteConflict", 409),
    ("create_group", lambda n: {"GroupName": n["group"]}, "EntityAlreadyExists", 409),
    ("add_user_to_group", lambda n: {"GroupName": "no-group", "UserName": n["user"]},
     "NoSuchEntity", 404),
    ("delete_group", lambda n: {"GroupName": n["group"]}, "DeleteConflict", 409),
    ("create_policy", lambda n: {"PolicyName": unique("bad"), "PolicyDocument": "{not json"},
     "MalformedPolicyDocument", 400),
    ("create_policy", lambda n: {"PolicyName": unique("bad"), "PolicyDocument": json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                 "Action": "s3:*", "Resource": "*"}]})},
     "MalformedPolicyDocument", 400),
    ("create_policy", lambda n: {"PolicyName": unique("big"), "PolicyDocument": big_policy(400)},
     "LimitExceeded", 409),
    ("create_policy", lambda n: {"PolicyName": n["policy"], "PolicyDocument": ALLOW_S3},
     "EntityAlreadyExists", 409),
    ("get_policy", lambda n: {"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/none"},
     "NoSuchEntity", 404),
    ("get_policy", lambda n: {"PolicyArn": "arn:aws:s3:::bucket-not-policy"}, "InvalidInput", 400),
    ("attach_user_policy", lambda n: {"UserName": n["user"],
                                      "PolicyArn": "arn:aws:iam::aws:policy/NoSuchPolicy"},
     "NoSuchEntity", 404),
    ("detach_user_policy", lambda n: {"UserName": n["user"],
                                      "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
     "NoSuchEntity", 404),
    ("create_access_key", lambda n: {"UserName": n["keyed"]}, "LimitExceeded", 409),
    ("update_access_key", lambda n: {"UserName": n["keyed"], "AccessKeyId": "AKIAEXAMPLE000000000",
                                     "Status": "Inactive"}, "NoSuchEntity", 404),
    ("create_policy_version", lambda n: {"PolicyArn": n["arn"], "PolicyDocument": ALLOW_S3},
     "LimitExceeded", 409),
    ("delete_policy_version", lambda n: {"PolicyArn": n["arn"], "VersionId": "v1"},
     "DeleteConflict", 409),
    ("delete_policy", lambda n: {"PolicyArn": n["arn"]}, "DeleteConflict", 409),
    ("delete_policy", lambda n: {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
     "AccessDenied", 403),
    ("create_role", lambda n: {"RoleName": unique("r"), "AssumeRolePolicyDocument": ALLOW_S3},
     "MalformedPolicyDocument", 400),
    ("create_role", lambda n: {"RoleName": unique("r"), "AssumeRolePolicyDocument": TRUST_EC2,
                               "MaxSessionDuration": 50000}, "ValidationError", 400),
    ("create_role", lambda n: {"RoleName": n["role"], "AssumeRolePolicyDocument": TRUST_EC2},
     "EntityAlreadyExists", 409),
    ("put_user_policy", lambda n: {"UserName": n["user"], "PolicyName": "big",
                                   "PolicyDocument": big_policy(120)}, "LimitExceeded", 409),
    ("get_user_policy", lambda n: {"UserName": n["user"], "PolicyName": "absent"},
     "NoSuchEntity", 404),
    ("get_role", lambda n: {"RoleName": "no-such-role"}, "NoSuchEntity", 404),
]


@pytest.mark.parametrize("python", ["python_new", "python_debian"])
@pytest.mark.parametrize("case", range(len(BAD_INPUTS)),
                         ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(BAD_INPUTS)])
def test_bad_inputs_with_boto3(server, clients, fixture_names, python, case):
    operation, params, code, status = BAD_INPUTS[case]
    out = run_boto(clients[python], server.endpoint, "iam", operation, params(fixture_names))
    assert "error" in out, out
    assert out["error"]["Code"] == code, out["error"]
    assert out["error"]["HTTPStatusCode"] == status, out["error"]


@pytest.mark.parametrize("cli", ["aws_v1", "aws_v2"])
def test_bad_inputs_with_aws_cli(server, clients, fixture_names, cli):
    cases = [
        (["iam", "get-user", "--user-name", "nobody-here"],
         "(NoSuchEntity)", "The user with name nobody-here cannot be found."),
        (["iam", "create-access-key", "--user-name", fixture_names["keyed"]],
         "(LimitExceeded)", "Cannot exceed quota for AccessKeysPerUser: 2"),
        (["iam", "delete-user", "--user-name", fixture_names["user"]],
         "(DeleteConflict)", "Cannot delete entity, must"),
        (["iam", "delete-policy-version", "--policy-arn", fixture_names["arn"],
          "--version-id", "v1"],
         "(DeleteConflict)", "Cannot delete the default version of a policy."),
        (["iam", "create-policy-version", "--policy-arn", fixture_names["arn"],
          "--policy-document", ALLOW_S3],
         "(LimitExceeded)", "A managed policy can have up to 5 versions."),
    ]
    for args, code, message in cases:
        rc, _, err = run_aws(clients[cli], server.endpoint, args)
        assert rc != 0, args
        assert code in err and message in err, err
