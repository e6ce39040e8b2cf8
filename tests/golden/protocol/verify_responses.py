#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the response fixtures (*/responses/*.response) with botocore's own response parsers.

The C++ golden test compares the codecs' output byte for byte with these fixtures; this script is
how the fixtures were verified once, by hand, during development (python3 verify_responses.py).
For each fixture it parses status, headers and body the way botocore does for the operation's
output shape (or as an error) and compares with the dict below.
"""
import datetime
import os
import sys

import botocore.session
from botocore.parsers import create_parser

HERE = os.path.dirname(os.path.abspath(__file__))
T = datetime.datetime(2024, 3, 1, 12, 30, 5, tzinfo=datetime.timezone.utc)
RID = '7a62c49f-347e-4fc4-9331-6e8eEXAMPLE'
HOST_ID = 'piZ5vFBajHBf7mIaw2AJJsbGRp5pwjk3YuKJNvBbqWc='
Q_META = {'RequestId': RID}
S3_META = {'RequestId': RID, 'HostId': HOST_ID}

CASES = {
    ('query', 'iam_create_user'): ('iam', 'CreateUser', {'User': {
        'Path': '/division/', 'UserName': 'alice', 'UserId': 'AIDAEXAMPLE',
        'Arn': 'arn:aws:iam::123456789012:user/division/alice', 'CreateDate': T,
        'PermissionsBoundary': {'PermissionsBoundaryType': 'Policy',
                                'PermissionsBoundaryArn': 'arn:aws:iam::123456789012:policy/b'},
        'Tags': [{'Key': 'team', 'Value': 'a<b & "c"'}]}, 'ResponseMetadata': Q_META}),
    ('query', 'sts_get_caller_identity'): ('sts', 'GetCallerIdentity', {
        'UserId': 'AIDAEXAMPLE', 'Account': '123456789012',
        'Arn': 'arn:aws:iam::123456789012:user/alice', 'ResponseMetadata': Q_META}),
    ('query', 'sns_get_topic_attributes'): ('sns', 'GetTopicAttributes', {
        'Attributes': {'DisplayName': 'Ops', 'Policy': '{"a":1}', 'Empty': ''},
        'ResponseMetadata': Q_META}),
    ('query', 'iam_delete_user'): ('iam', 'DeleteUser', {'ResponseMetadata': Q_META}),
    ('query', 'cloudwatch_describe_alarms'): ('cloudwatch', 'DescribeAlarms', {
        'MetricAlarms': [{'AlarmName': 'root-login', 'ActionsEnabled': True,
                          'AlarmActions': ['arn:aws:sns:us-east-1:1:t'], 'StateValue': 'ALARM',
                          'StateUpdatedTimestamp': T + datetime.timedelta(milliseconds=123),
                          'Dimensions': [{'Name': 'A', 'Value': '1'}],
                          'EvaluationPeriods': 1, 'Threshold': 0.1, 'Period': 300}],
        'CompositeAlarms': [], 'ResponseMetadata': Q_META}),
    ('query', 'cloudwatch_get_metric_statistics'): ('cloudwatch', 'GetMetricStatistics', {
        'Label': 'Latency',
        'Datapoints': [{'Timestamp': T, 'Average': 3.3333333333333335, 'Maximum': 1e300,
                        'SampleCount': 3.0, 'Unit': 'Milliseconds'}],
        'ResponseMetadata': Q_META}),
    ('query', 'error_iam_no_such_entity'): ('iam', None, {
        'Error': {'Type': 'Sender', 'Code': 'NoSuchEntity',
                  'Message': 'The user with name bob cannot be found.'},
        'ResponseMetadata': Q_META}),
    ('query', 'error_sns_internal'): ('sns', None, {
        'Error': {'Type': 'Receiver', 'Code': 'InternalError', 'Message': 'boom'},
        'ResponseMetadata': Q_META}),
    ('rest_xml', 's3_list_objects_v2'): ('s3', 'ListObjectsV2', {
        'Name': 'trail-logs', 'Prefix': 'AWSLogs/', 'KeyCount': 2, 'MaxKeys': 1000,
        'Delimiter': '/', 'IsTruncated': False, 'EncodingType': 'url',
        'RequestCharged': 'requester',
        'Contents': [
            {'Key': 'AWSLogs/a.json', 'LastModified': T,
             'ETag': '"9b2cf535f27731c974343645a3985328"', 'Size': 5000000000,
             'StorageClass': 'STANDARD', 'Owner': {'DisplayName': 'alice', 'ID': 'abc123'}},
            {'Key': 'AWSLogs/b&c.json', 'LastModified': T + datetime.timedelta(milliseconds=7),
             'ETag': '"x"', 'Size': 0, 'ChecksumAlgorithm': ['CRC32']}],
        'CommonPrefixes': [{'Prefix': 'AWSLogs/sub/'}], 'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_get_bucket_acl'): ('s3', 'GetBucketAcl', {
        'Owner': {'DisplayName': 'alice', 'ID': 'abc123'},
        'Grants': [
            {'Grantee': {'DisplayName': 'alice', 'ID': 'abc123', 'Type': 'CanonicalUser'},
             'Permission': 'FULL_CONTROL'},
            {'Grantee': {'Type': 'Group',
                         'URI': 'http://acs.amazonaws.com/groups/global/AllUsers'},
             'Permission': 'READ'}],
        'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_get_object'): ('s3', 'GetObject', {
        'Body': '\x00\x01payload', 'ContentType': 'application/octet-stream',
        'ContentLength': 9, 'ETag': '"abc"', 'LastModified': T,
        'Metadata': {'owner': 'me', 'trail-arn': 'arn:x'}, 'AcceptRanges': 'bytes',
        'DeleteMarker': False, 'MissingMeta': 0, 'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_get_object_partial'): ('s3', 'GetObject', {
        'Body': 'yloa', 'ContentType': 'text/plain', 'ContentLength': 4,
        'ContentRange': 'bytes 3-6/9', 'ETag': '"abc"', 'LastModified': T,
        'AcceptRanges': 'bytes', 'Metadata': {}, 'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_copy_object'): ('s3', 'CopyObject', {
        'CopyObjectResult': {'ETag': '"e"', 'LastModified': T}, 'VersionId': 'v2',
        'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_delete_objects'): ('s3', 'DeleteObjects', {
        'Deleted': [{'Key': 'a.txt'}, {'Key': 'b.txt', 'VersionId': 'v1'}],
        'Errors': [{'Key': 'c.txt', 'Code': 'AccessDenied', 'Message': 'Access Denied'}],
        'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_put_object'): ('s3', 'PutObject', {
        'ETag': '"abc"', 'VersionId': 'null', 'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_get_bucket_policy'): ('s3', 'GetBucketPolicy', {
        'Policy': '{"Version":"2012-10-17"}', 'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_get_bucket_location'): ('s3', 'GetBucketLocation', {
        'LocationConstraint': 'eu-west-1', 'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_get_object_tagging'): ('s3', 'GetObjectTagging', {
        'VersionId': 'v1', 'TagSet': [{'Key': 'k1', 'Value': 'v1'}, {'Key': 'k2', 'Value': ''}],
        'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_head_object'): ('s3', 'HeadObject', {
        'ContentLength': 5, 'ETag': '"abc"', 'LastModified': T, 'Metadata': {},
        'ResponseMetadata': S3_META}),
    ('rest_xml', 's3_delete_bucket'): ('s3', 'DeleteBucket', {'ResponseMetadata': S3_META}),
    ('rest_xml', 'error_s3_no_such_key'): ('s3', None, {
        'Error': {'Code': 'NoSuchKey', 'Message': 'The specified key does not exist.',
                  'Key': 'a&b.txt'},
        'ResponseMetadata': S3_META}),
    ('rest_xml', 'error_s3_head_not_found'): ('s3', None, {
        'Error': {'Code': '404', 'Message': 'Not Found'}, 'ResponseMetadata': S3_META}),
}


def load(path):
    raw = open(path, 'rb').read()
    head, _, body = raw.partition(b'\r\n\r\n')
    lines = head.decode().split('\r\n')
    status = int(lines[0].split(' ')[1])
    headers = botocore.awsrequest.HeadersDict()
    for line in lines[1:]:
        k, _, v = line.partition(': ')
        headers[k] = v
    return {'status_code': status, 'headers': headers, 'body': body}


def main():
    import botocore.awsrequest  # noqa: F401  (HeadersDict)
    session = botocore.session.get_session()
    failures = 0
    seen = set()
    for protocol in ('query', 'rest_xml'):
        folder = os.path.join(HERE, protocol, 'responses')
        for name in sorted(os.listdir(folder)):
            case = name[:-len('.response')]
            seen.add((protocol, case))
            service, op_name, expected = CASES[(protocol, case)]
            response = load(os.path.join(folder, name))
            parser = create_parser(protocol.replace('_', '-'))
            model = session.get_service_model(service)
            shape = model.operation_model(op_name).output_shape if op_name else None
            if op_name is None:
                response['status_code'] = max(response['status_code'], 300)
            parsed = parser.parse(response, shape)
            if op_name == 'GetBucketLocation':
                # botocore reads this one document with a dedicated handler (root text).
                import botocore.handlers
                import types
                botocore.handlers.parse_get_bucket_location(
                    parsed, types.SimpleNamespace(content=response['body'], raw=b''))
            if op_name and 'Body' in parsed and hasattr(parsed['Body'], 'read'):
                parsed['Body'] = parsed['Body'].read()
            parsed.get('ResponseMetadata', {}).pop('HTTPStatusCode', None)
            parsed.get('ResponseMetadata', {}).pop('HTTPHeaders', None)
            if parsed != expected:
                failures += 1
                print(f'MISMATCH {protocol}/{case}\n  got:      {parsed}\n  expected: {expected}')
            else:
                print(f'ok {protocol}/{case}')
    missing = set(CASES) - seen
    for m in sorted(missing):
        print('MISSING fixture', m)
    return 1 if failures or missing else 0


if __name__ == '__main__':
    sys.exit(main())
