#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CloudWatch benchmark, trailwatch against moto_server (the baseline) on loopback in one run:

1. PutMetricData throughput: wrk replays one signed query-protocol PutMetricData request (20
   datapoints, one metric watched by an alarm) with keep-alive; requests/s and datapoints/s for
   both servers and their ratio.
2. Breach-to-ALARM latency: for each of N fresh alarms (Sum, Period 60, >= 1), one breaching
   PutMetricData, then DescribeAlarms on the same keep-alive connection until the alarm reads
   ALARM; the time from sending the datapoint to the first ALARM answer (median, p90, max). The
   same client measures one DescribeAlarms round trip alone, as the floor. moto_server stores
   alarms but does not evaluate them on new data (it has no evaluator): its alarms are polled for
   a bounded time and reported as never reaching ALARM if they do not.

Usage: tests/bench/cloudwatch_alarm.py [build/trailwatch] [seconds=10] [alarms=50]
Needs wrk, moto_server and botocore (Debian's python3)."""
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CREDENTIALS = Credentials("test", "test")
CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_up(port, path):
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", path)
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on {port} did not start")


def signed(port, params):
    body = urllib.parse.urlencode(dict(params, Version="2010-08-01"))
    req = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body,
                     headers={"Content-Type": CONTENT_TYPE})
    SigV4Auth(CREDENTIALS, "monitoring", "us-east-1").add_auth(req)
    return body, dict(req.headers)


def put_metric_params(namespace, metric, values):
    params = {"Action": "PutMetricData", "Namespace": namespace}
    for i, v in enumerate(values, 1):
        params[f"MetricData.member.{i}.MetricName"] = metric
        params[f"MetricData.member.{i}.Value"] = str(v)
    return params


class Client:
    """One keep-alive connection; every request signed afresh."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def call(self, params):
        body, headers = signed(self.port, params)
        self.conn.request("POST", "/", body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read().decode()
        if r.status != 200:
            raise RuntimeError(f"{params['Action']} -> {r.status}: {data[:300]}")
        return data


def put_alarm(client, name, namespace, metric):
    client.call({"Action": "PutMetricAlarm", "AlarmName": name, "Namespace": namespace,
                 "MetricName": metric, "Statistic": "Sum", "Period": "60",
                 "EvaluationPeriods": "1", "Threshold": "1",
                 "ComparisonOperator": "GreaterThanOrEqualToThreshold"})


def throughput(port, seconds, workdir, label):
    namespace, metric = "Bench/Throughput", "Requests"
    put_alarm(Client(port), f"throughput-{label}", namespace, metric)
    body, headers = signed(port, put_metric_params(namespace, metric, range(20)))
    script = os.path.join(workdir, f"{label}.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write(f'wrk.body = "{body}"\n')
        for k, v in headers.items():
            f.write(f'wrk.headers["{k}"] = "{v}"\n')
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", script,
                          f"http://127.0.0.1:{port}/"], capture_output=True, text=True,
                         check=True).stdout
    print(f"== {label}\n{out}", file=sys.stderr)
    rps = next(float(line.split()[1]) for line in out.splitlines() if "Requests/sec" in line)
    bad = [line for line in out.splitlines() if "Non-2xx" in line]
    if bad:
        raise RuntimeError(f"{label}: {bad[0]}")
    return rps


def latency(port, alarms, label, give_up_s):
    client = Client(port)
    namespace = "Bench/Latency"
    floor = []
    for i in range(alarms):
        put_alarm(client, f"latency-{label}-{i}", namespace, f"Breach{i}")
    for i in range(alarms):
        t = time.perf_counter()
        client.call({"Action": "DescribeAlarms", "AlarmNames.member.1": f"latency-{label}-{i}"})
        floor.append(time.perf_counter() - t)
    samples, never = [], 0
    for i in range(alarms):
        t0 = time.perf_counter()
        client.call(put_metric_params(namespace, f"Breach{i}", [5]))
        while True:
            answer = client.call({"Action": "DescribeAlarms",
                                  "AlarmNames.member.1": f"latency-{label}-{i}"})
            if "<StateValue>ALARM</StateValue>" in answer:
                samples.append(time.perf_counter() - t0)
                break
            if time.perf_counter() - t0 > give_up_s:
                never += 1
                break
            time.sleep(0.005)
    return samples, never, floor


def ms(values, q):
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * len(values)))]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/trailwatch"
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    alarms = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    workdir = tempfile.mkdtemp(prefix="tw-bench-cw-")
    procs = []
    try:
        tw_port, tw16_port, moto_port = free_port(), free_port(), free_port()
        procs.append(subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{tw_port}", "--data-dir",
             os.path.join(workdir, "data"), "--log-level", "warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        # The same with 16 handler threads: PutMetricData waits on fsync, and concurrent requests
        # share one commit (CloudWatchStore group commit) only when they run concurrently.
        procs.append(subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{tw16_port}", "--data-dir",
             os.path.join(workdir, "data16"), "--log-level", "warn", "--workers", "16"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_up(tw_port, "/health")
        wait_up(tw16_port, "/health")
        wait_up(moto_port, "/")

        tw_rps = throughput(tw_port, seconds, workdir, "trailwatch")
        tw16_rps = throughput(tw16_port, seconds, workdir, "trailwatch16")
        moto_rps = throughput(moto_port, seconds, workdir, "moto")
        print(f"PutMetricData (20 datapoints/request, 16 connections, {seconds} s, every request "
              f"durable before its answer): trailwatch {tw_rps:,.0f} req/s "
              f"({20 * tw_rps:,.0f} datapoints/s; --workers 16: {tw16_rps:,.0f} req/s), "
              f"moto_server (in memory) {moto_rps:,.0f} req/s ({20 * moto_rps:,.0f} "
              f"datapoints/s), ratio {tw_rps / moto_rps:.1f}x ({tw16_rps / moto_rps:.1f}x)")

        tw_samples, tw_never, tw_floor = latency(tw_port, alarms, "tw", 10)
        moto_samples, moto_never, moto_floor = latency(moto_port, min(alarms, 5), "moto", 3)
        print(f"Breaching datapoint -> ALARM ({alarms} alarms): trailwatch median "
              f"{ms(tw_samples, 0.5):.2f} ms, p90 {ms(tw_samples, 0.9):.2f} ms, max "
              f"{1000 * max(tw_samples):.2f} ms (PutMetricData + first DescribeAlarms; one "
              f"DescribeAlarms alone: median {ms(tw_floor, 0.5):.2f} ms); never: {tw_never}")
        if moto_samples:
            print(f"moto_server: median {ms(moto_samples, 0.5):.2f} ms over "
                  f"{len(moto_samples)} alarms; never within 3 s: {moto_never}")
        else:
            print(f"moto_server: none of {moto_never} alarms reached ALARM within 3 s (moto does "
                  f"not evaluate alarms on new data; DescribeAlarms alone: median "
                  f"{ms(moto_floor, 0.5):.2f} ms)")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
