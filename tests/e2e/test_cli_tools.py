# SPDX-License-Identifier: Apache-2.0
"""`trailwatch import` and `trailwatch cis enable` against a real server, as the tutorial runs
them: import the shared CloudTrail corpus into a log group, enable the CIS metric filters and
alarms (both orders), check counts against an independent count of the records made here in
Python, check that the CIS alarms' history shows ALARM at the original times of the real
root-usage and console-failure events, that enabling twice changes nothing, that bad files are
skipped whole and reported, and that the import is authorized (trailwatch:ImportCloudTrail) and
recorded like any call."""
import collections
import datetime
import glob
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import ROOT, Server, client_env, run_aws

SHARED = os.environ.get("TW_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
CORPUS = os.path.join(SHARED, "data", "cloudtrail")
CLOUDTRAIL_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
ROOT_ALARM = "CIS-4.3-RootAccountUsage_alarm"
FAILURE_ALARM = "CIS-4.6-ConsoleAuthenticationFailure_alarm"


def valid_record(r):
    return (isinstance(r, dict) and isinstance(r.get("eventName"), str) and r["eventName"]
            and isinstance(r.get("eventTime"), str) and CLOUDTRAIL_TIME.match(r["eventTime"]))


def corpus_records():
    """The records of every file the import must accept (all records valid), by eventID."""
    accepted, rejected = {}, []
    corpus_records.total = 0
    for path in sorted(glob.glob(os.path.join(CORPUS, "**", "*.json.gz"), recursive=True)):
        records = json.load(gzip.open(path))["Records"]
        if not all(valid_record(r) for r in records):
            rejected.append(os.path.basename(path))
            continue
        corpus_records.total += len(records)
        for r in records:
            accepted.setdefault(r["eventID"], r)
    return accepted, rejected


def is_root_usage(r):
    identity = r.get("userIdentity") or {}
    return (identity.get("type") == "Root" and "invokedBy" not in identity
            and r.get("eventType") != "AwsServiceEvent")


def is_console_failure(r):
    return r.get("eventName") == "ConsoleLogin" and r.get("errorMessage") == "Failed authentication"


def epoch(text):
    return datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def trailwatch(binary, endpoint, args, env=None, timeout=300):
    environment = env or client_env()
    proc = subprocess.run([binary] + args + ["--endpoint", endpoint], capture_output=True,
                          text=True, env=environment, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def fresh(binary):
    d = tempfile.mkdtemp(prefix="tw-e2e-cli-")
    s = Server(binary, d).start()
    yield s
    s.stop()
    shutil.rmtree(d, ignore_errors=True)


def aws(clients, server, args, **creds):
    code, out, err = run_aws(clients["aws_v2"], server.endpoint, args, **creds)
    assert code == 0, err
    return out


def state_updates(clients, server, alarm):
    out = aws(clients, server, ["cloudwatch", "describe-alarm-history", "--alarm-name", alarm,
                                "--history-item-type", "StateUpdate"])
    return out["AlarmHistoryItems"]


def timestamp(value):
    if isinstance(value, (int, float)):
        return float(value)
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def alarm_fired_at(items, when):
    """Whether the history has a transition to ALARM stamped at `when` (epoch seconds)."""
    return any(json.loads(item["HistoryData"])["newState"]["stateValue"] == "ALARM"
               and abs(timestamp(item["Timestamp"]) - when) < 1 for item in items)


def make_topic(clients, server):
    return aws(clients, server, ["sns", "create-topic", "--name", "cis-alerts"])["TopicArn"]


def logs_insights_count(clients, server, group, start, end, query):
    """Runs a Logs Insights query and returns the count it reports."""
    code, out, err = run_aws(clients["aws_v2"], server.endpoint, [
        "logs", "start-query", "--log-group-name", group, "--start-time", str(int(start)),
        "--end-time", str(int(end) + 1), "--query-string", query])
    assert code == 0, err
    query_id = out["queryId"]
    for _ in range(120):
        result = aws(clients, server, ["logs", "get-query-results", "--query-id", query_id])
        if result["status"] in ("Complete", "Failed", "Cancelled", "Timeout"):
            assert result["status"] == "Complete", result
            fields = {f["field"]: f["value"] for f in result["results"][0]}
            return int(float(next(v for k, v in fields.items() if k.startswith("count"))))
        time.sleep(0.25)
    raise AssertionError("query did not finish")


def test_import_then_cis_enable(fresh, binary, clients):
    accepted, rejected = corpus_records()
    code, out, err = trailwatch(binary, fresh.endpoint, ["import", "--log-group", "G", CORPUS])
    # Some shared files are not importable (Panther's normalised times, Insights events without
    # eventName, a placeholder time): they are reported and skipped, and the exit status says so.
    assert code == 2, err
    for name in rejected:
        assert name in out and name in err
    assert f"{len(accepted)} new" in out, out
    assert "import: " in err  # plain progress lines: stderr is not a terminal here
    assert "\033" not in err

    # The log group has every accepted record once, and filter patterns run over them.
    events = aws(clients, fresh, ["logs", "filter-log-events", "--log-group-name", "G"])["events"]
    assert len(events) == len(accepted)
    root = aws(clients, fresh, ["logs", "filter-log-events", "--log-group-name", "G",
                                "--filter-pattern", '{ $.userIdentity.type = "Root" }'])["events"]
    expected_root = [r for r in accepted.values()
                     if (r.get("userIdentity") or {}).get("type") == "Root"]
    assert len(root) == len(expected_root)
    first = min(epoch(r["eventTime"]) for r in accepted.values())
    last = max(epoch(r["eventTime"]) for r in accepted.values())
    assert min(e["timestamp"] for e in events) == first * 1000  # original times kept
    streams = aws(clients, fresh, ["logs", "describe-log-streams", "--log-group-name", "G"])
    names = {s["logStreamName"] for s in streams["logStreams"]}
    # Streams as CloudTrail names them: the record's account and Region (the importing account
    # and the request's Region where the record has none or a malformed one).
    expected = set()
    for r in accepted.values():
        account = r.get("recipientAccountId")
        account = account if isinstance(account, str) and re.fullmatch(r"\d{12}", account) \
            else "000000000000"
        region = r.get("awsRegion")
        region = region if isinstance(region, str) and re.fullmatch(r"[a-z0-9-]{1,64}", region) \
            else "us-east-1"
        expected.add(f"{account}_CloudTrail_{region}")
    assert names == expected

    # Event history: LookupEvents finds imported events by id, with their original time.
    sample = next(r for r in accepted.values() if r.get("awsRegion") == "us-east-1")
    found = aws(clients, fresh, ["cloudtrail", "lookup-events", "--start-time", "2010-01-01",
                                 "--lookup-attributes",
                                 f"AttributeKey=EventId,AttributeValue={sample['eventID']}"])
    assert len(found["Events"]) == 1
    assert json.loads(found["Events"][0]["CloudTrailEvent"])["eventID"] == sample["eventID"]

    # Logs Insights counts what Python counts.
    counted = logs_insights_count(clients, fresh, "G", first, last, "stats count(*)")
    assert counted == len(accepted)
    logins = logs_insights_count(clients, fresh, "G", first, last,
                                 'filter eventName = "ConsoleLogin" | stats count(*)')
    assert logins == sum(1 for r in accepted.values() if r["eventName"] == "ConsoleLogin")

    # cis enable after the import: the new filters are backfilled over the imported events and
    # the alarms replayed, so the real root usage (2016) and console failure (2014) fire.
    topic = make_topic(clients, fresh)
    aws(clients, fresh, ["sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
                         "--notification-endpoint", "security@example.com"])
    code, out, err = trailwatch(binary, fresh.endpoint, [
        "cis", "enable", "--log-group", "G", "--topic", topic])
    assert code == 0, err
    assert out.count("created") >= 30 and "30 created, 0 updated, 0 unchanged" in out, out
    assert "Backfill" in out
    root_event = next(r for r in accepted.values() if is_root_usage(r))
    failure_event = next(r for r in accepted.values() if is_console_failure(r))
    assert alarm_fired_at(state_updates(clients, fresh, ROOT_ALARM), epoch(root_event["eventTime"]))
    assert alarm_fired_at(state_updates(clients, fresh, FAILURE_ALARM),
                          epoch(failure_event["eventTime"]))
    # Replayed transitions are history only: no email about the past (the outbox holds only the
    # subscription confirmation), and the alarm's current state is its own.
    outbox = []
    for _ in range(100):
        outbox = glob.glob(os.path.join(fresh.data_dir, "outbox", "*.eml"))
        if outbox:
            break
        time.sleep(0.1)
    assert outbox, "the subscription confirmation should be in the outbox"
    time.sleep(1)  # anything the replay might (wrongly) have queued would be delivered by now
    for path in glob.glob(os.path.join(fresh.data_dir, "outbox", "*.eml")):
        with open(path, encoding="utf-8", errors="replace") as f:
            assert "_alarm" not in f.read(), path
    alarm = aws(clients, fresh, ["cloudwatch", "describe-alarms", "--alarm-names", ROOT_ALARM])
    assert alarm["MetricAlarms"][0]["AlarmActions"] == [topic]
    assert alarm["MetricAlarms"][0]["StateValue"] == "INSUFFICIENT_DATA"

    # Idempotent: a second run changes nothing and says so.
    code, out2, err = trailwatch(binary, fresh.endpoint, [
        "cis", "enable", "--log-group", "G", "--topic", topic])
    assert code == 0, err
    assert "Nothing changed" in out2 and "created" not in out2
    filters = aws(clients, fresh, ["logs", "describe-metric-filters", "--log-group-name", "G"])
    assert len(filters["metricFilters"]) == 15
    history_before = state_updates(clients, fresh, ROOT_ALARM)

    # Importing the same files again stores nothing twice.
    code, out, err = trailwatch(binary, fresh.endpoint, ["import", "--log-group", "G", CORPUS])
    assert code == 2
    # Every record of the accepted files (duplicates of an eventID included) is already there.
    assert f"0 new, {corpus_records.total} already in event history" in out, out
    events = aws(clients, fresh, ["logs", "filter-log-events", "--log-group-name", "G"])["events"]
    assert len(events) == len(accepted)
    assert len(state_updates(clients, fresh, ROOT_ALARM)) == len(history_before)


def test_cis_enable_then_import(fresh, binary, clients):
    """The other order: filters existing at import time produce the metric data as the events
    are imported, and the import replays the alarms over the imported span."""
    aws(clients, fresh, ["logs", "create-log-group", "--log-group-name", "trail"])
    topic = make_topic(clients, fresh)
    code, out, err = trailwatch(binary, fresh.endpoint, [
        "cis", "enable", "--log-group", "trail", "--topic", topic, "--namespace", "CIS2"])
    assert code == 0, err
    files = [os.path.join(CORPUS, "cloud-custodian"), os.path.join(CORPUS, "awsdocs",
                                                                    "iam-user-guide.json.gz")]
    code, out, err = trailwatch(binary, fresh.endpoint, ["import", "--log-group", "trail"] + files)
    assert code == 0, err
    assert "alarms replayed" in out and ROOT_ALARM in out and FAILURE_ALARM in out, out
    records = []
    for path in [os.path.join(CORPUS, "cloud-custodian", "tests_data_cwe_details.json.gz"),
                 files[1]]:
        records += json.load(gzip.open(path))["Records"]
    root_event = next(r for r in records if is_root_usage(r))
    failure_event = next(r for r in records if is_console_failure(r))
    assert alarm_fired_at(state_updates(clients, fresh, ROOT_ALARM), epoch(root_event["eventTime"]))
    assert alarm_fired_at(state_updates(clients, fresh, FAILURE_ALARM),
                          epoch(failure_event["eventTime"]))
    # The metric data sits at the events' times in the chosen namespace.
    t = epoch(root_event["eventTime"])
    stats = aws(clients, fresh, [
        "cloudwatch", "get-metric-statistics", "--namespace", "CIS2", "--metric-name",
        "CIS-4.3-RootAccountUsage_metric", "--start-time", str(int(t - 600)), "--end-time",
        str(int(t + 600)), "--period", "300", "--statistics", "Sum"])
    assert sum(p["Sum"] for p in stats["Datapoints"]) == 1


def write_gz(path, obj):
    with gzip.open(path, "wt") as f:
        json.dump(obj, f)


def test_bad_files_are_skipped_whole_and_reported(fresh, binary, clients):
    d = tempfile.mkdtemp(prefix="tw-e2e-bad-")
    try:
        layout = os.path.join(d, "AWSLogs", "123456789012", "CloudTrail", "us-east-1", "2023",
                              "07", "10")
        os.makedirs(layout)
        good = {"eventVersion": "1.08", "eventTime": "2023-07-10T10:00:00Z",
                "eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
                "awsRegion": "us-east-1", "eventID": "11111111-2222-3333-4444-555555555555",
                "recipientAccountId": "123456789012", "userIdentity": {"type": "IAMUser",
                                                                       "userName": "alice"}}
        half = dict(good, eventID="99999999-2222-3333-4444-555555555555")
        write_gz(os.path.join(layout, "123456789012_CloudTrail_us-east-1_good.json.gz"),
                 {"Records": [good]})
        write_gz(os.path.join(layout, "no-time.json.gz"),
                 {"Records": [half, {"eventName": "DeleteUser"}]})
        write_gz(os.path.join(layout, "no-records.json.gz"), {"records": []})
        with open(os.path.join(layout, "not-gzip.json.gz"), "w") as f:
            f.write('{"Records": []}')
        with open(os.path.join(layout, "not-json.json"), "w") as f:
            f.write("this is not json")
        with open(os.path.join(layout, "readme.txt"), "w") as f:
            f.write("not a log file")
        code, out, err = trailwatch(binary, fresh.endpoint, ["import", "--log-group", "bad",
                                                             os.path.join(d, "AWSLogs")])
        assert code == 2, err
        assert "Imported 1 of 5 files" in out
        for name, why in [("no-time.json.gz", "record 2 of 2: the record has no eventTime"),
                          ("no-records.json.gz", "no Records array"),
                          ("not-gzip.json.gz", "not gzip data"),
                          ("not-json.json", "not JSON")]:
            assert re.search(re.escape(name) + r": .*" + re.escape(why), out), (name, out)
            assert name in err
        # Never half-imported: the valid first record of the bad file is nowhere.
        for event_id, expected in [(good["eventID"], 1), (half["eventID"], 0)]:
            found = aws(clients, fresh, ["cloudtrail", "lookup-events", "--start-time",
                                         "2023-07-01", "--lookup-attributes",
                                         f"AttributeKey=EventId,AttributeValue={event_id}"])
            assert len(found["Events"]) == expected, event_id
        events = aws(clients, fresh, ["logs", "filter-log-events", "--log-group-name", "bad"])
        assert [json.loads(e["message"])["eventID"] for e in events["events"]] == [good["eventID"]]
        assert events["events"][0]["logStreamName"] == "123456789012_CloudTrail_us-east-1"
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_import_is_authorized_recorded_and_reads_profiles(fresh, binary, clients):
    aws(clients, fresh, ["iam", "create-user", "--user-name", "importer"])
    key = aws(clients, fresh, ["iam", "create-access-key", "--user-name", "importer"])["AccessKey"]
    path = os.path.join(CORPUS, "cloud-custodian")
    d = tempfile.mkdtemp(prefix="tw-e2e-profile-")
    try:
        credentials = os.path.join(d, "credentials")
        with open(credentials, "w") as f:
            f.write(f"[importer]\naws_access_key_id = {key['AccessKeyId']}\n"
                    f"aws_secret_access_key = {key['SecretAccessKey']}\n")
        env = client_env(access_key="wrong", secret="wrong")
        env["AWS_SHARED_CREDENTIALS_FILE"] = credentials
        # --profile wins over the (wrong) key variables; without permission: AccessDenied.
        code, out, err = trailwatch(binary, fresh.endpoint, [
            "import", "--log-group", "authz", path, "--profile", "importer"], env=env)
        assert code == 1
        assert "AccessDeniedException" in err and "trailwatch:ImportCloudTrail" in err, err
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["trailwatch:ImportCloudTrail", "trailwatch:ReplayAlarms"],
             "Resource": "*"}]}
        aws(clients, fresh, ["iam", "put-user-policy", "--user-name", "importer", "--policy-name",
                             "import", "--policy-document", json.dumps(policy)])
        code, out, err = trailwatch(binary, fresh.endpoint, [
            "import", "--log-group", "authz", path, "--profile", "importer"], env=env)
        assert code == 0, err
        records = json.load(gzip.open(os.path.join(path, "tests_data_cwe_details.json.gz")))
        distinct = len({r["eventID"] for r in records["Records"]})
        assert f"{distinct} new, {len(records['Records']) - distinct} already" in out, out
        # Recorded in CloudTrail like any call, without the records themselves.
        calls = aws(clients, fresh, ["cloudtrail", "lookup-events", "--lookup-attributes",
                                     "AttributeKey=EventName,AttributeValue=ImportCloudTrail"])
        assert calls["Events"], calls
        record = json.loads(calls["Events"][0]["CloudTrailEvent"])
        assert record["eventSource"] == "trailwatch.amazonaws.com"
        assert record["userIdentity"]["userName"] == "importer"
        assert "records" not in (record.get("requestParameters") or {})
        # A missing profile is a clear error before any request.
        code, _, err = trailwatch(binary, fresh.endpoint, [
            "import", "--log-group", "authz", path, "--profile", "nope"], env=env)
        assert code == 1 and "could not be found" in err
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_cis_enable_reports_server_errors(fresh, binary, clients):
    code, out, err = trailwatch(binary, fresh.endpoint, [
        "cis", "enable", "--log-group", "missing", "--topic",
        "arn:aws:sns:us-east-1:000000000000:t"])
    assert code == 1
    assert "ResourceNotFoundException: The specified log group does not exist." in err


def test_cis_enable_without_backfill_is_like_aws(fresh, binary, clients):
    """--no-backfill: as in AWS, filters created after the events arrived count nothing of them."""
    code, _, err = trailwatch(binary, fresh.endpoint, [
        "import", "--log-group", "late", os.path.join(CORPUS, "cloud-custodian")])
    assert code == 0, err
    topic = make_topic(clients, fresh)
    code, out, err = trailwatch(binary, fresh.endpoint, [
        "cis", "enable", "--log-group", "late", "--topic", topic, "--no-backfill"])
    assert code == 0, err
    assert "Backfill" not in out
    assert state_updates(clients, fresh, ROOT_ALARM) == []
