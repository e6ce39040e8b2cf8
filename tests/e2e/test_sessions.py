# SPDX-License-Identifier: Apache-2.0
"""Temporary credentials end to end with boto3 (1.43 and 1.26): AssumeRole with a session policy
narrower than the role's permissions, managed session policies (PolicyArns), GetFederationToken,
the context keys temporary credentials carry, and DeleteObjects refusing keys one by one."""
import json
import os
import subprocess
import tempfile
import textwrap
import uuid

import pytest

from conftest import client_env

ACCOUNT = "000000000000"

# Runs in the client's interpreter: root sets up a user and a role, the user assumes the role
# with session policies, and every call's outcome is printed as JSON.
SCRIPT = textwrap.dedent(r'''
    import json, sys
    import boto3, botocore
    from botocore.config import Config

    endpoint, suffix = sys.argv[1], sys.argv[2]
    cfg = Config(retries={"max_attempts": 1})

    def client(service, **creds):
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                            config=cfg, **creds)

    def outcome(fn, **kw):
        try:
            fn(**kw)
            return "ok"
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]

    def session_creds(c):
        return {"aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"]}

    iam = client("iam")
    user, role = "caller-" + suffix, "admin-" + suffix
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(UserName=user, PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:GetFederationToken",
                                           "s3:ListAllMyBuckets",
                                           "s3:CreateBucket"], "Resource": "*"}]}))
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::%s:root" % "000000000000"},
            "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    user_creds = {"aws_access_key_id": key["AccessKeyId"],
                  "aws_secret_access_key": key["SecretAccessKey"]}
    sts = client("sts", **user_creds)
    role_arn = "arn:aws:iam::000000000000:role/" + role
    out = {}

    narrow = sts.assume_role(RoleArn=role_arn, RoleSessionName="narrow", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers",
                                                "Resource": "*"}]}))
    out["packed"] = narrow.get("PackedPolicySize")
    c = session_creds(narrow["Credentials"])
    out["narrow_list_users"] = outcome(client("iam", **c).list_users)
    out["narrow_list_roles"] = outcome(client("iam", **c).list_roles)
    out["narrow_list_buckets"] = outcome(client("s3", **c).list_buckets)
    out["narrow_identity"] = client("sts", **c).get_caller_identity()["Arn"]

    managed = sts.assume_role(RoleArn=role_arn, RoleSessionName="managed", PolicyArns=[
        {"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}])
    c = session_creds(managed["Credentials"])
    out["managed_list_buckets"] = outcome(client("s3", **c).list_buckets)
    out["managed_create_bucket"] = outcome(client("s3", **c).create_bucket,
                                           Bucket="managed-" + suffix)
    out["managed_list_users"] = outcome(client("iam", **c).list_users)

    full = sts.assume_role(RoleArn=role_arn, RoleSessionName="full")
    c = session_creds(full["Credentials"])
    out["full_list_roles"] = outcome(client("iam", **c).list_roles)

    out["bad_policy"] = outcome(sts.assume_role, RoleArn=role_arn, RoleSessionName="bad",
                                Policy='{"Version":"2012-10-17","Statement":[]')
    out["missing_arn"] = outcome(sts.assume_role, RoleArn=role_arn, RoleSessionName="bad",
                                 PolicyArns=[{"arn": "arn:aws:iam::000000000000:policy/nope"}])

    fed = sts.get_federation_token(Name="fed-" + suffix[:8], Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                "Resource": "*"}]}))
    out["fed_user"] = fed["FederatedUser"]
    c = session_creds(fed["Credentials"])
    out["fed_identity"] = client("sts", **c).get_caller_identity()["Arn"]
    out["fed_list_buckets"] = outcome(client("s3", **c).list_buckets)
    out["fed_delete_bucket"] = outcome(client("s3", **c).delete_bucket, Bucket="nope-" + suffix)
    out["fed_iam"] = outcome(client("iam", **c).list_users)

    # aws:TokenIssueTime and aws:PrincipalType through a role policy condition.
    cond_role = "cond-" + suffix
    iam.create_role(RoleName=cond_role, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName=cond_role, PolicyName="c", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {
                "DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"},
                "StringEquals": {"aws:PrincipalType": "AssumedRole"},
                "StringLike": {"aws:userid": "AROA*:cond"}}},
            {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*", "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
    cond = sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/" + cond_role,
                           RoleSessionName="cond")
    c = session_creds(cond["Credentials"])
    out["cond_list_users"] = outcome(client("iam", **c).list_users)
    out["cond_list_roles_without_mfa"] = outcome(client("iam", **c).list_roles)
    print(json.dumps(out))
''')


@pytest.mark.parametrize("python", ["python_new", "python_debian"])
def test_session_policies_with_boto3(server, clients, python):
    suffix = uuid.uuid4().hex[:10]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(SCRIPT)
        path = f.name
    try:
        proc = subprocess.run([clients[python], path, server.endpoint, suffix],
                              capture_output=True, text=True, env=client_env(), timeout=120)
    finally:
        os.unlink(path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)

    assert out["packed"] is not None and out["packed"] > 0
    assert out["narrow_identity"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/admin-{suffix}/narrow"
    assert out["narrow_list_users"] == "ok"
    assert out["narrow_list_roles"].startswith("AccessDenied: User: arn:aws:sts::")
    assert "because no session policy allows the iam:ListRoles action" in out["narrow_list_roles"]
    assert out["narrow_list_buckets"].startswith("AccessDenied")

    assert out["managed_list_buckets"] == "ok"
    assert out["managed_create_bucket"].startswith("AccessDenied")
    assert out["managed_list_users"].startswith("AccessDenied")
    assert out["full_list_roles"] == "ok"

    assert out["bad_policy"].startswith("MalformedPolicyDocument")
    assert out["missing_arn"].startswith("InvalidParameterValue")

    fed_name = "fed-" + suffix[:8]
    assert out["fed_user"] == {"FederatedUserId": f"{ACCOUNT}:{fed_name}",
                               "Arn": f"arn:aws:sts::{ACCOUNT}:federated-user/{fed_name}"}
    assert out["fed_identity"] == f"arn:aws:sts::{ACCOUNT}:federated-user/{fed_name}"
    # The user's own policies allow s3:ListAllMyBuckets, the session policy s3:*: intersection.
    assert out["fed_list_buckets"] == "ok"
    assert out["fed_delete_bucket"].startswith("AccessDenied")
    assert out["fed_iam"].startswith("AccessDenied")

    assert out["cond_list_users"] == "ok"
    assert out["cond_list_roles_without_mfa"].startswith("AccessDenied")


def test_delete_objects_refuses_keys_one_by_one(server, clients):
    script = textwrap.dedent(r'''
        import json, sys
        import boto3
        from botocore.config import Config
        endpoint, suffix = sys.argv[1], sys.argv[2]
        cfg = Config(retries={"max_attempts": 1})
        root_s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", config=cfg)
        iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", config=cfg)
        bucket = "del-" + suffix
        root_s3.create_bucket(Bucket=bucket)
        for k in ["tmp/a", "keep/b", "tmp/c"]:
            root_s3.put_object(Bucket=bucket, Key=k, Body=b"x")
        user = "deleter-" + suffix
        iam.create_user(UserName=user)
        key = iam.create_access_key(UserName=user)["AccessKey"]
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::%s/tmp/*" % bucket}]}))
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", config=cfg,
                          aws_access_key_id=key["AccessKeyId"],
                          aws_secret_access_key=key["SecretAccessKey"])
        result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
            {"Key": "tmp/a"}, {"Key": "keep/b"}, {"Key": "tmp/c"}]})
        left = [o["Key"] for o in root_s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        print(json.dumps({"deleted": sorted(d["Key"] for d in result.get("Deleted", [])),
                          "errors": result.get("Errors", []), "left": left}))
    ''')
    suffix = uuid.uuid4().hex[:10]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(script)
        path = f.name
    try:
        proc = subprocess.run([clients["python_new"], path, server.endpoint, suffix],
                              capture_output=True, text=True, env=client_env(), timeout=120)
    finally:
        os.unlink(path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["deleted"] == ["tmp/a", "tmp/c"]
    assert out["errors"] == [{"Key": "keep/b", "Code": "AccessDenied", "Message": "Access Denied"}]
    assert out["left"] == ["keep/b"]
