#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Records request fixtures for the JSON and rpc-v2-cbor codec tests with botocore's own
serializers (run once with the botocore named in models/VERSION; the outputs are committed and the
C++ test does not need Python).

For every case it writes, into this folder (json) or ../cbor (cbor):
  <case>.meta      service, operation, protocol, path and the request headers botocore sets
  <case>.body      the request body exactly as botocore serializes it
  <case>.expected  the canonical rendering of the Value the codec must parse the body into,
                   computed by walking botocore's own decoding of the body with the model shapes
                   (structure members sorted by name; see Canonical() in codec_json_test.cc)
"""
import base64
import datetime
import io
import json
import os
import sys

import botocore.session
from botocore.parsers import BaseCBORParser
from botocore.serialize import create_serializer

HERE = os.path.dirname(os.path.abspath(__file__))
CBOR_DIR = os.path.join(HERE, '..', 'cbor')
UTC = datetime.timezone.utc


def quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def canon(shape, node):
    t = shape.type_name
    if t == 'structure':
        # Keys sorted: the committed models (models/*.json) keep members in sorted order while
        # botocore's own copy keeps the original order; the comparison must not depend on it.
        parts = []
        for name, member in sorted(shape.members.items()):
            key = member.serialization.get('name', name)
            if key in node and node[key] is not None:
                parts.append(quote(name) + ':' + canon(member, node[key]))
        return '{' + ','.join(parts) + '}'
    if t == 'list':
        return '[' + ','.join(canon(shape.member, x) for x in node if x is not None) + ']'
    if t == 'map':
        return '{' + ','.join(quote(k) + ':' + canon(shape.value, v)
                              for k, v in node.items() if v is not None) + '}'
    if t in ('integer', 'long'):
        return 'i:%d' % node
    if t in ('float', 'double'):
        return 'd:%.17g' % float(node)
    if t == 'boolean':
        return 'true' if node else 'false'
    if t == 'timestamp':
        if isinstance(node, datetime.datetime):  # CBOR decoding already made a datetime
            millis = round(node.timestamp() * 1000)
        else:
            millis = round(node * 1000)
        return 't:%d' % millis
    if t == 'blob':
        raw = node if isinstance(node, bytes) else base64.b64decode(node)
        return 'b:' + base64.b64encode(raw).decode()
    return quote(node)


def decode_cbor(body):
    parser = BaseCBORParser()
    return parser.parse_data_item(io.BufferedReader(io.BytesIO(body)))


T0 = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
T1 = datetime.datetime(2024, 1, 2, 4, 4, 5, tzinfo=UTC)

PUT_METRIC_DATA = {
    'Namespace': 'Trailwatch/Test',
    'MetricData': [
        {'MetricName': 'Requests', 'Dimensions': [{'Name': 'Service', 'Value': 'api'},
                                                  {'Name': 'Stage', 'Value': 'prod'}],
         'Timestamp': T0, 'Value': 0.1, 'Unit': 'Count', 'StorageResolution': 1},
        {'MetricName': 'Latency', 'Values': [1.5, 2.25, 1e-7, 123456789.125],
         'Counts': [1.0, 2.0, 3.0, 4.0], 'Unit': 'Milliseconds'},
        {'MetricName': 'Bytes', 'StatisticValues': {'SampleCount': 3.0, 'Sum': 12.5,
                                                    'Minimum': 1.0, 'Maximum': 8.25},
         'Timestamp': T1},
    ],
}

GET_METRIC_DATA = {
    'MetricDataQueries': [
        {'Id': 'm1', 'MetricStat': {
            'Metric': {'Namespace': 'AWS/Logs', 'MetricName': 'IncomingBytes',
                       'Dimensions': [{'Name': 'LogGroupName', 'Value': '/app/web'}]},
            'Period': 60, 'Stat': 'Sum', 'Unit': 'Bytes'}, 'ReturnData': False},
        {'Id': 'e1', 'Expression': 'm1 * 2', 'Label': 'doubled', 'ReturnData': True,
         'Period': 300},
    ],
    'StartTime': T0, 'EndTime': T1, 'ScanBy': 'TimestampDescending', 'MaxDatapoints': 1000,
    'LabelOptions': {'Timezone': '+0130'},
}

CASES = [
    ('logs_create_log_group', 'logs', 'json', 'CreateLogGroup', {
        'logGroupName': '/app/web', 'tags': {'env': 'prod', 'team': 'core', 'empty': ''},
        'logGroupClass': 'STANDARD'}),
    ('logs_put_log_events', 'logs', 'json', 'PutLogEvents', {
        'logGroupName': '/app/web', 'logStreamName': 'i-0123/stream',
        'logEvents': [
            {'timestamp': 1700000000123, 'message': 'hello world'},
            {'timestamp': 1700000000456,
             'message': 'caf\u00e9 \u2603 "quoted" \\ back\nslash\ttab \U0001F600'},
            {'timestamp': 9007199254740993, 'message': 'beyond 2^53'},
        ]}),
    ('logs_filter_log_events', 'logs', 'json', 'FilterLogEvents', {
        'logGroupName': '/app/web', 'logStreamNames': ['a', 'b'], 'startTime': 1700000000000,
        'endTime': 1700003600000, 'filterPattern': '{ $.level = "ERROR" }', 'limit': 50,
        'unmask': False}),
    ('cloudtrail_lookup_events', 'cloudtrail', 'json', 'LookupEvents', {
        'LookupAttributes': [{'AttributeKey': 'EventName', 'AttributeValue': 'ConsoleLogin'},
                             {'AttributeKey': 'Username', 'AttributeValue': 'alice'}],
        'StartTime': T0, 'EndTime': T1, 'MaxResults': 10, 'NextToken': 'tok=='}),
    ('cloudwatch_put_metric_data', 'cloudwatch', 'json', 'PutMetricData', PUT_METRIC_DATA),
    ('cloudwatch_get_metric_data', 'cloudwatch', 'json', 'GetMetricData', GET_METRIC_DATA),
    ('cloudwatch_put_metric_data', 'cloudwatch', 'smithy-rpc-v2-cbor', 'PutMetricData',
     PUT_METRIC_DATA),
    ('cloudwatch_get_metric_data', 'cloudwatch', 'smithy-rpc-v2-cbor', 'GetMetricData',
     GET_METRIC_DATA),
    ('cloudwatch_describe_alarms', 'cloudwatch', 'smithy-rpc-v2-cbor', 'DescribeAlarms', {
        'AlarmNames': ['high-cpu', 'errors'], 'StateValue': 'ALARM', 'MaxRecords': 100}),
]


def main():
    session = botocore.session.get_session()
    for case, service, protocol, operation, params in CASES:
        model = session.get_service_model(service)
        op = model.operation_model(operation)
        request = create_serializer(protocol).serialize_to_request(params, op)
        body = request['body']
        if protocol == 'json':
            folder = HERE
            decoded = json.loads(body) if body else {}
        else:
            folder = CBOR_DIR
            decoded = decode_cbor(body) if body else {}
        with open(os.path.join(folder, case + '.body'), 'wb') as f:
            f.write(body)
        with open(os.path.join(folder, case + '.expected'), 'w') as f:
            f.write(canon(op.input_shape, decoded) + '\n')
        with open(os.path.join(folder, case + '.meta'), 'w') as f:
            f.write('service %s\noperation %s\nprotocol %s\npath %s\n' %
                    (service, operation, protocol, request['url_path']))
            for name, value in sorted(request['headers'].items()):
                f.write('header %s: %s\n' % (name, value))
    print('recorded %d request fixtures with botocore %s' % (len(CASES), botocore.__version__))


if __name__ == '__main__':
    sys.exit(main())
