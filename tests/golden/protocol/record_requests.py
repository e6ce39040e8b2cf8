#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Records golden request fixtures for the query and rest-xml codecs with the real botocore.

Run once by hand (python3 tests/golden/protocol/record_requests.py) and commit the outputs; the
C++ tests read the files and never need Python. For every case it writes, under query/ or
rest_xml/:
  <case>.http      the request exactly as botocore puts it on the wire (request line, headers,
                   blank line, body), with the volatile auth headers dropped
  <case>.expected  "service <name>", "operation <Name>", then the Value the codec must produce,
                   as Value::DebugString() renders it, computed here from the call's parameters
                   (plus modeled header/query members that botocore handlers add on their own,
                   read back from the wire).
"""
import datetime
import json
import os
import sys
import urllib.parse

import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.serialize import create_serializer

HERE = os.path.dirname(os.path.abspath(__file__))
DROP_HEADERS = {'authorization', 'x-amz-date', 'user-agent', 'amz-sdk-invocation-id',
                'amz-sdk-request', 'x-amz-content-sha256', 'expect'}

session = botocore.session.get_session()
MODELS = os.path.join(HERE, '..', '..', '..', 'models')
_member_order = {}


def member_order(shape):
    """Members in the order of the repository's trimmed model (the codecs' Value order)."""
    service = _current_service[0]
    key = (service, shape.name)
    if key not in _member_order:
        with open(os.path.join(MODELS, service + '.json')) as f:
            shapes = json.load(f)['shapes']
        for name, body in shapes.items():
            _member_order[(service, name)] = list(body.get('members', {}))
    return _member_order[key]


_current_service = ['']


def quote(s):
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += '\\' + ch
        elif ord(ch) < 0x20:
            out += '\\u%04x' % ord(ch)
        else:
            out += ch
    return out + '"'


def iso(ts):
    ms = ts.microsecond // 1000
    base = ts.strftime('%Y-%m-%dT%H:%M:%S')
    return base + ('.%03dZ' % ms if ms else 'Z')


def render(shape, value):
    """Value::DebugString of `value` shaped by `shape` (members in model order)."""
    t = shape.type_name
    if t == 'structure':
        parts = []
        for name in member_order(shape):
            member = shape.members[name]
            if name in value:
                parts.append(quote(name) + ':' + render(member, value[name]))
        return '{' + ','.join(parts) + '}'
    if t == 'list':
        return '[' + ','.join(render(shape.member, v) for v in value) + ']'
    if t == 'map':
        return '{' + ','.join(quote(k) + ':' + render(shape.value, v)
                              for k, v in value.items()) + '}'
    if t == 'boolean':
        return 'true' if value else 'false'
    if t in ('integer', 'long'):
        return str(int(value))
    if t in ('float', 'double'):
        v = float(value)
        return str(int(v)) if v.is_integer() else repr(v)
    if t == 'timestamp':
        return 'ts(' + iso(value) + ')'
    if t == 'blob':
        return 'blob(%d)' % len(value if isinstance(value, bytes) else value.encode())
    return quote(value)


def wire_extras(shape, params, headers, query):
    """Modeled header/querystring members botocore handlers added by themselves."""
    extra = dict(params)
    for name, member in shape.members.items():
        # S3 keeps user-metadata names in lower case whatever the client sent.
        if member.serialization.get('location') == 'headers' and name in extra:
            extra[name] = {k.lower(): v for k, v in extra[name].items()}
    for name, member in shape.members.items():
        if name in extra:
            continue
        loc = member.serialization.get('location')
        wire = member.serialization.get('name', name)
        raw = None
        if loc == 'header':
            raw = next((v for k, v in headers.items() if k.lower() == wire.lower()), None)
        elif loc == 'querystring':
            raw = query.get(wire, [None])[0]
        if raw is None:
            continue
        if isinstance(raw, bytes):
            raw = raw.decode()
        if member.type_name in ('integer', 'long'):
            raw = int(raw)
        elif member.type_name == 'boolean':
            raw = raw == 'true'
        extra[name] = raw
    return extra


def write_case(folder, case, service, op_name, prepared, value_text):
    assert _current_service[0] == service
    split = urllib.parse.urlsplit(prepared.url)
    target = split.path or '/'
    if split.query:
        target += '?' + split.query
    lines = [f'{prepared.method} {target} HTTP/1.1', f'Host: {split.netloc}']
    for k, v in prepared.headers.items():
        if k.lower() in DROP_HEADERS or k.lower() == 'host':
            continue
        lines.append(f'{k}: {v.decode() if isinstance(v, bytes) else v}')
    body = prepared.body or b''
    if isinstance(body, str):
        body = body.encode()
    elif hasattr(body, 'read'):
        body = body.read()
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    with open(os.path.join(HERE, folder, case + '.http'), 'wb') as f:
        f.write(('\r\n'.join(lines) + '\r\n\r\n').encode() + body)
    with open(os.path.join(HERE, folder, case + '.expected'), 'w') as f:
        f.write(f'service {service}\noperation {op_name}\n{value_text}\n')


def query_case(case, service, op_name, params):
    _current_service[0] = service
    model = session.get_service_model(service)
    op = model.operation_model(op_name)
    serialized = create_serializer('query').serialize_to_request(params, op)
    request = AWSRequest(method=serialized['method'], url='http://localhost:4566/',
                         data=serialized['body'], headers=serialized['headers'])
    prepared = request.prepare()
    write_case('query', case, service, op_name, prepared,
               render(op.input_shape, params) if op.input_shape else '{}')


def s3_case(case, op_name, params, addressing='path'):
    captured = {}
    _current_service[0] = 's3'

    def capture(request, **kwargs):
        captured['request'] = request
        raise StopIteration  # never send

    client = session.create_client(
        's3', region_name='us-east-1', endpoint_url='http://s3.localhost:4566',
        aws_access_key_id='AKIDEXAMPLE', aws_secret_access_key='secret',
        config=Config(s3={'addressing_style': addressing},
                      request_checksum_calculation='when_required'))
    client.meta.events.register('before-send', capture)
    method = getattr(client, botocore.xform_name(op_name))
    try:
        method(**params)
    except StopIteration:
        pass
    prepared = captured['request']
    split = urllib.parse.urlsplit(prepared.url)
    op = client.meta.service_model.operation_model(op_name)
    full = wire_extras(op.input_shape, params, prepared.headers,
                       urllib.parse.parse_qs(split.query, keep_blank_values=True))
    write_case('rest_xml', case, 's3', op_name, prepared, render(op.input_shape, full))


def main():
    t = datetime.datetime(2024, 3, 1, 12, 30, 5, tzinfo=datetime.timezone.utc)
    t_ms = datetime.datetime(2024, 3, 1, 12, 30, 5, 250000, tzinfo=datetime.timezone.utc)
    query_case('sts_get_caller_identity', 'sts', 'GetCallerIdentity', {})
    query_case('iam_create_user', 'iam', 'CreateUser', {
        'Path': '/division/team/', 'UserName': 'alice+ops@example',
        'PermissionsBoundary': 'arn:aws:iam::123456789012:policy/boundary',
        'Tags': [{'Key': 'team', 'Value': 'blue & green'}, {'Key': 'cost=center', 'Value': ''}]})
    query_case('iam_create_user_empty_tags', 'iam', 'CreateUser',
               {'UserName': 'bob', 'Tags': []})
    query_case('iam_put_user_policy', 'iam', 'PutUserPolicy', {
        'UserName': 'alice', 'PolicyName': 'inline',
        'PolicyDocument': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                          '"Action":"s3:*","Resource":"*","Condition":{"StringLike":'
                          '{"s3:prefix":["a b/*","ü/%"]}}}]}'})
    query_case('sns_publish', 'sns', 'Publish', {
        'TopicArn': 'arn:aws:sns:us-east-1:123456789012:alarms', 'Subject': 'Alarm',
        'Message': 'line1\nline2 = 100% ✓',
        'MessageAttributes': {
            'kind': {'DataType': 'String', 'StringValue': 'alarm'},
            'raw': {'DataType': 'Binary', 'BinaryValue': b'\x00\x01\xfe\xff'},
            'n': {'DataType': 'Number', 'StringValue': '42'}}})
    query_case('sns_set_topic_attributes', 'sns', 'SetTopicAttributes', {
        'TopicArn': 'arn:aws:sns:us-east-1:123456789012:alarms',
        'AttributeName': 'DisplayName', 'AttributeValue': 'Ops alarms'})
    query_case('cloudwatch_put_metric_data', 'cloudwatch', 'PutMetricData', {
        'Namespace': 'App/Web',
        'MetricData': [
            {'MetricName': 'Latency', 'Timestamp': t_ms, 'Value': 12.75, 'Unit': 'Milliseconds',
             'Dimensions': [{'Name': 'Host', 'Value': 'a'}, {'Name': 'Stage', 'Value': 'prod'}],
             'StorageResolution': 1},
            {'MetricName': 'Hits', 'Timestamp': t, 'Values': [1.0, 2.5, 1e-07],
             'Counts': [3.0, 1.0, 2.0], 'Unit': 'Count'},
            {'MetricName': 'Size', 'StatisticValues': {'SampleCount': 4.0, 'Sum': 10.5,
                                                       'Minimum': 0.5, 'Maximum': 7.0}}]})
    query_case('cloudwatch_put_metric_alarm', 'cloudwatch', 'PutMetricAlarm', {
        'AlarmName': 'root-login', 'AlarmDescription': 'Root account used',
        'ActionsEnabled': True, 'AlarmActions': ['arn:aws:sns:us-east-1:123456789012:alarms'],
        'MetricName': 'RootLogins', 'Namespace': 'CloudTrailMetrics', 'Statistic': 'Sum',
        'Dimensions': [{'Name': 'Account', 'Value': '123456789012'}],
        'Period': 300, 'EvaluationPeriods': 1, 'DatapointsToAlarm': 1, 'Threshold': 1.0,
        'ComparisonOperator': 'GreaterThanOrEqualToThreshold', 'TreatMissingData': 'notBreaching'})

    s3_case('s3_create_bucket', 'CreateBucket', {
        'Bucket': 'trail-logs', 'ACL': 'private',
        'CreateBucketConfiguration': {'LocationConstraint': 'eu-west-1'}})
    s3_case('s3_put_object', 'PutObject', {
        'Bucket': 'trail-logs', 'Key': 'AWSLogs/dir/a b+c ü.json', 'Body': b'{"Records":[]}',
        'ContentType': 'application/json', 'CacheControl': 'no-cache',
        'Metadata': {'Owner': 'me', 'trail-arn': 'arn:aws:cloudtrail:x'}})
    s3_case('s3_list_objects_v2', 'ListObjectsV2', {
        'Bucket': 'trail-logs', 'Prefix': 'AWSLogs/1 2/', 'Delimiter': '/', 'MaxKeys': 10,
        'StartAfter': 'AWSLogs/0', 'ContinuationToken': 'tok+/=', 'FetchOwner': True})
    s3_case('s3_delete_objects', 'DeleteObjects', {
        'Bucket': 'trail-logs', 'Delete': {
            'Objects': [{'Key': 'a.txt'}, {'Key': 'b & c.txt', 'VersionId': 'v1'}],
            'Quiet': True}})
    s3_case('s3_get_object_range', 'GetObject', {
        'Bucket': 'trail-logs', 'Key': 'AWSLogs/x.json.gz', 'Range': 'bytes=0-9',
        'IfModifiedSince': t, 'ResponseContentType': 'text/plain'})
    s3_case('s3_get_object_virtual_host', 'GetObject', {
        'Bucket': 'trail-logs', 'Key': 'deep/key/with//slashes'}, addressing='virtual')


if __name__ == '__main__':
    sys.exit(main())
