#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that the response and error fixtures our codecs wrote (<case>.response.meta/.body here
and in ../cbor, refreshed with TW_UPDATE_GOLDEN=1 codec_json_test) are read by botocore's own
response parsers exactly as a client reading AWS would: the expected Python structure for
responses, and for errors the error Code, the exception class the client raises, and modeled
error fields. Run once after changing the codecs; it needs the botocore in models/VERSION.
"""
import datetime
import os
import sys

import botocore.session
from botocore.parsers import create_parser

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = datetime.timezone.utc


def ts(seconds):
    return datetime.datetime.fromtimestamp(seconds, UTC)


METRIC_DATA = {
    'MetricDataResults': [{
        'Id': 'm1', 'Label': 'IncomingBytes', 'StatusCode': 'Complete',
        'Timestamps': [ts(1704164700), ts(1704164640.5)],
        'Values': [0.1, 2.5e-300, 1e300, 42.0, 123456789.125]}],
    'Messages': [],
}

RESPONSES = [
    ('json', 'logs_describe_log_groups', 'logs', 'DescribeLogGroups', {
        'logGroups': [{'logGroupName': '/app/web', 'creationTime': 1700000000123,
                       'retentionInDays': 30, 'metricFilterCount': 2,
                       'arn': 'arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*',
                       'storedBytes': 1234567890123, 'logGroupClass': 'STANDARD'}],
        'nextToken': 'n1'}),
    ('json', 'logs_filter_log_events', 'logs', 'FilterLogEvents', {
        'events': [{'logStreamName': 's1', 'timestamp': 1700000000123,
                    'message': 'line "1" caf\u00e9\n\x01', 'ingestionTime': 1700000000200,
                    'eventId': '37800000000000000000000000000000000000000000'}],
        'searchedLogStreams': [{'logStreamName': 's1', 'searchedCompletely': True}]}),
    ('json', 'cloudtrail_lookup_events', 'cloudtrail', 'LookupEvents', {
        'Events': [{'EventId': 'e-1', 'EventName': 'ConsoleLogin', 'ReadOnly': 'false',
                    'AccessKeyId': 'AKIAIOSFODNN7EXAMPLE', 'EventTime': ts(1704164645.5),
                    'EventSource': 'signin.amazonaws.com', 'Username': 'alice',
                    'Resources': [{'ResourceType': 'AWS::IAM::User', 'ResourceName': 'alice'}],
                    'CloudTrailEvent': '{"eventVersion":"1.08"}'}],
        'NextToken': 't2'}),
    ('json', 'cloudwatch_get_metric_data', 'cloudwatch', 'GetMetricData', METRIC_DATA),
    ('cbor', 'cloudwatch_get_metric_data', 'cloudwatch', 'GetMetricData', METRIC_DATA),
    ('cbor', 'cloudwatch_get_metric_statistics', 'cloudwatch', 'GetMetricStatistics', {
        'Label': 'Latency',
        'Datapoints': [{'Timestamp': ts(1704164645.123), 'SampleCount': 3.0, 'Average': 4.25,
                        'Sum': 12.75, 'Minimum': 1.0, 'Maximum': 8.5, 'Unit': 'Milliseconds',
                        'ExtendedStatistics': {'p99': 8.4, 'p50': 4.0}}]}),
    ('json', 'cloudwatch_get_metric_widget_image', 'cloudwatch', 'GetMetricWidgetImage',
     {'MetricWidgetImage': b'\x89PNG\r\n\x1a\n\x00\xff'}),
    ('cbor', 'cloudwatch_get_metric_widget_image', 'cloudwatch', 'GetMetricWidgetImage',
     {'MetricWidgetImage': b'\x89PNG\r\n\x1a\n\x00\xff'}),
    ('json', 'cloudwatch_put_metric_data', 'cloudwatch', 'PutMetricData', {}),
    ('cbor', 'cloudwatch_put_metric_data', 'cloudwatch', 'PutMetricData', {}),
]

# (dir, case, service, operation, Error.Code, exception class, modeled fields)
ERRORS = [
    ('json', 'error_logs_resource_not_found', 'logs', 'DescribeLogStreams',
     'ResourceNotFoundException', 'ResourceNotFoundException', {}),
    ('json', 'error_logs_data_already_accepted', 'logs', 'PutLogEvents',
     'DataAlreadyAcceptedException', 'DataAlreadyAcceptedException',
     {'expectedSequenceToken': '49590302'}),
    ('json', 'error_cloudtrail_trail_not_found', 'cloudtrail', 'GetTrail',
     'TrailNotFoundException', 'TrailNotFoundException', {}),
    ('json', 'error_cloudwatch_invalid_parameter_value', 'cloudwatch', 'PutMetricData',
     'InvalidParameterValue', 'InvalidParameterValueException',
     {'message': 'The value -1 for Period is not valid'}),
    ('json', 'error_cloudwatch_internal', 'cloudwatch', 'PutMetricData',
     'InternalServiceError', 'InternalServiceFault', {'Message': 'boom'}),
    ('json', 'error_cloudwatch_unmodeled', 'cloudwatch', 'PutMetricData',
     'Throttling', 'ClientError', {}),
    ('cbor', 'error_cloudwatch_invalid_parameter_value', 'cloudwatch', 'PutMetricData',
     'InvalidParameterValue', 'InvalidParameterValueException',
     {'message': 'The value -1 for Period is not valid'}),
    ('cbor', 'error_cloudwatch_resource_not_found', 'cloudwatch', 'GetDashboard',
     'ResourceNotFound', 'ResourceNotFound', {'message': 'Dashboard d1 does not exist'}),
    ('cbor', 'error_cloudwatch_unmodeled', 'cloudwatch', 'PutMetricData',
     'Throttling', 'ClientError', {}),
]


def load(folder, case):
    base = os.path.join(HERE if folder == 'json' else os.path.join(HERE, '..', 'cbor'), case)
    status, headers = 200, {}
    with open(base + '.response.meta') as f:
        for line in f.read().splitlines():
            key, _, rest = line.partition(' ')
            if key == 'status':
                status = int(rest)
            elif key == 'header':
                name, _, value = rest.partition(': ')
                headers[name.lower()] = value
    with open(base + '.response.body', 'rb') as f:
        body = f.read()
    return {'status_code': status, 'headers': headers, 'body': body}


def protocol_of(folder):
    return 'json' if folder == 'json' else 'smithy-rpc-v2-cbor'


def main():
    session = botocore.session.get_session()
    failures = 0
    for folder, case, service, operation, expected in RESPONSES:
        model = session.get_service_model(service)
        op = model.operation_model(operation)
        parsed = create_parser(protocol_of(folder)).parse(load(folder, case), op.output_shape)
        metadata = parsed.pop('ResponseMetadata', {})
        # botocore's rpc-v2 parser reads no RequestId for operations without output (as with AWS).
        request_id_ok = (op.output_shape is None or
                         metadata.get('RequestId') == '00000000-1111-2222-3333-444444444444')
        if parsed != expected or not request_id_ok:
            failures += 1
            print('FAIL %s/%s:\n  got      %r\n  expected %r' % (folder, case, parsed, expected))
    for folder, case, service, operation, code, exception, fields in ERRORS:
        client = session.create_client(service, region_name='us-east-1',
                                       aws_access_key_id='AKIDEXAMPLE',
                                       aws_secret_access_key='secret')
        model = client.meta.service_model
        op = model.operation_model(operation)
        response = load(folder, case)
        parsed = create_parser(protocol_of(folder)).parse(response, op.output_shape)
        error = parsed.get('Error', {})
        # What botocore.client does after parsing: map the code to a modeled exception class and
        # merge the modeled error shape's fields (endpoint._add_modeled_error_fields).
        got_class = client.exceptions.from_code(error.get('Code')).__name__
        shape = model.shape_for_error_code(error.get('Code'))
        modeled = create_parser(protocol_of(folder)).parse(response, shape) if shape else {}
        ok = error.get('Code') == code and got_class == exception
        ok = ok and all(modeled.get(k) == v for k, v in fields.items())
        if not ok:
            failures += 1
            print('FAIL %s/%s: code %r class %r modeled %r' % (folder, case, error.get('Code'),
                                                                 got_class, modeled))
    total = len(RESPONSES) + len(ERRORS)
    print('%d/%d fixtures read by botocore %s as expected' % (total - failures, total,
                                                              botocore.__version__))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
