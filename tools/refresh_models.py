#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Copy the botocore service models trailwatch serves into models/, without documentation.

Finds the newest botocore importable by the interpreters given (default: every python3 on PATH
plus /usr/bin/python3), reads data/<service>/<newest api version>/service-2.json[.gz], drops
documentation strings, and writes models/<service>.json (sorted keys, stable output). The build
embeds these files; it never needs botocore. Standard library only.

Usage: tools/refresh_models.py [--python PATH ...]
"""
import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys

SERVICES = ["iam", "sts", "cloudtrail", "logs", "cloudwatch", "sns", "s3"]
DROP_KEYS = {"documentation", "documentationUrl", "deprecatedMessage", "examples"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Corrections to botocore's models where the service answers differently from what the model
# says (clients accept either; we answer what AWS answers). (service, operation) -> http fields.
# S3 answers PutBucketPolicy and PutBucketTagging with 204 No Content (S3 API Reference, the
# operations' sample responses); botocore's model leaves them at the default 200.
HTTP_PATCHES = {
    ("s3", "PutBucketPolicy"): {"responseCode": 204},
    ("s3", "PutBucketTagging"): {"responseCode": 204},
}


def find_botocores(pythons):
    found = []
    probe = "import botocore, os; print(botocore.__version__); print(os.path.dirname(botocore.__file__))"
    for python in pythons:
        try:
            out = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode != 0:
            continue
        version, path = out.stdout.split()
        found.append((tuple(int(p) for p in version.split(".")), version, path))
    return sorted(found, reverse=True)


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in DROP_KEYS}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def load_model(botocore_dir, service):
    service_dir = os.path.join(botocore_dir, "data", service)
    version = sorted(os.listdir(service_dir))[-1]
    base = os.path.join(service_dir, version, "service-2.json")
    if os.path.exists(base + ".gz"):
        with gzip.open(base + ".gz", "rt", encoding="utf-8") as f:
            return json.load(f)
    with open(base, encoding="utf-8") as f:
        return json.load(f)


def patch(service, model):
    for (name, operation), fields in HTTP_PATCHES.items():
        if name == service and operation in model["operations"]:
            model["operations"][operation]["http"].update(fields)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", help="interpreter to look for botocore in")
    args = parser.parse_args()
    pythons = args.python or [p for p in {shutil.which("python3"), "/usr/bin/python3"} if p]
    botocores = find_botocores(pythons)
    if not botocores:
        sys.exit("no botocore found; install python3-botocore or pass --python")
    _, version, path = botocores[0]
    out_dir = os.path.join(ROOT, "models")
    os.makedirs(out_dir, exist_ok=True)
    for service in SERVICES:
        model = patch(service, strip(load_model(path, service)))
        with open(os.path.join(out_dir, service + ".json"), "w", encoding="utf-8") as f:
            json.dump(model, f, sort_keys=True, separators=(",", ":"))
            f.write("\n")
    with open(os.path.join(out_dir, "VERSION"), "w", encoding="utf-8") as f:
        f.write("botocore " + version + "\n")
    print(f"wrote {len(SERVICES)} models from botocore {version} ({path})")


if __name__ == "__main__":
    main()
