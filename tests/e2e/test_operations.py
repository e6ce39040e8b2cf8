# SPDX-License-Identifier: Apache-2.0
"""Operating trailwatch: the Prometheus /metrics endpoint and the --config file."""
import os
import re
import urllib.request

import pytest

from conftest import Server, run_aws


def scrape(endpoint):
    with urllib.request.urlopen(endpoint + "/metrics", timeout=5) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return r.read().decode()


def sample(text, name, **labels):
    """The value of one sample, or None. Labels must match exactly the ones given."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
        assert m, f"not a valid exposition line: {line!r}"
        if m.group(1) != name:
            continue
        got = dict(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        if got == labels:
            return float(m.group(4))
    return None


def test_metrics_count_requests_by_operation_and_status(server, clients):
    before = scrape(server.endpoint)
    ok0 = sample(before, "trailwatch_requests_total", service="sts",
                 operation="GetCallerIdentity", status="200") or 0
    for _ in range(3):
        code, _, err = run_aws(clients["aws_v2"], server.endpoint, ["sts", "get-caller-identity"])
        assert code == 0, err
    code, _, _ = run_aws(clients["aws_v2"], server.endpoint, ["sts", "get-caller-identity"],
                         secret="wrong")
    assert code != 0
    after = scrape(server.endpoint)
    assert sample(after, "trailwatch_requests_total", service="sts",
                  operation="GetCallerIdentity", status="200") == ok0 + 3
    assert sample(after, "trailwatch_requests_total", service="sts",
                  operation="GetCallerIdentity", status="403") >= 1
    count = sample(after, "trailwatch_request_duration_seconds_count", service="sts")
    inf = sample(after, "trailwatch_request_duration_seconds_bucket", service="sts", le="+Inf")
    assert count is not None and count == inf and count >= 4
    assert sample(after, "process_start_time_seconds") > 1.6e9
    assert sample(after, "trailwatch_cloudtrail_queue_depth") >= 0
    for outcome in ("delivered", "retried", "dropped"):
        assert sample(after, "trailwatch_sns_deliveries_total", outcome=outcome) >= 0
    assert sample(after, "trailwatch_alarm_evaluations_total") >= 0
    # Every line is a comment or a sample of the text format; HELP and TYPE precede samples.
    for line in after.splitlines():
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or \
            re.match(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+$', line), line


def test_config_file_sets_the_flags(binary, data_dir, clients, tmp_path):
    config = tmp_path / "trailwatch.toml"
    config.write_text(
        "# trailwatch serve options\n"
        f'data-dir = "{data_dir}"\n'
        'account-id = "123456789012"\n'
        'root-access-key-id = "AKIACONFIGFILE000001"\n'
        'root-secret-access-key = "from-the-config-file"\n'
        'log-level = "warn"\n')
    # Server passes --listen and --data-dir itself; the file supplies the rest.
    s = Server(binary, data_dir, ["--config", str(config)]).start()
    try:
        code, out, err = run_aws(clients["aws_v2"], s.endpoint, ["sts", "get-caller-identity"],
                                 access_key="AKIACONFIGFILE000001", secret="from-the-config-file")
        assert code == 0, err
        assert out["Account"] == "123456789012"
    finally:
        assert s.stop() == 0


def test_config_file_with_an_unknown_key_is_refused(binary, data_dir, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('no-such-option = "x"\n')
    s = Server(binary, data_dir, ["--config", str(config)])
    with pytest.raises(RuntimeError) as e:
        s.start(timeout=10)
    assert "no-such-option" in str(e.value) or "no_such_option" in str(e.value)


def test_metrics_count_alarm_evaluations_and_sns_deliveries(binary, data_dir, clients):
    """A breaching datapoint evaluates an alarm, changes its state and delivers its email (to the
    outbox): each shows in /metrics."""
    from conftest import run_boto
    s = Server(binary, data_dir).start()
    try:
        py = clients["python_new"]
        topic = run_boto(py, s.endpoint, "sns", "create_topic", {"Name": "ops"})["result"]["TopicArn"]
        run_boto(py, s.endpoint, "sns", "publish", {"TopicArn": topic, "Message": "hello"})
        run_boto(py, s.endpoint, "cloudwatch", "put_metric_alarm", {
            "AlarmName": "m", "Namespace": "Ops", "MetricName": "Errors", "Statistic": "Sum",
            "Period": 60, "EvaluationPeriods": 1, "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold"})
        run_boto(py, s.endpoint, "cloudwatch", "put_metric_data", {
            "Namespace": "Ops", "MetricData": [{"MetricName": "Errors", "Value": 5}]})
        text = scrape(s.endpoint)
        assert sample(text, "trailwatch_alarm_evaluations_total") >= 1
        assert sample(text, "trailwatch_alarm_state_changes_total") >= 1
    finally:
        assert s.stop() == 0
