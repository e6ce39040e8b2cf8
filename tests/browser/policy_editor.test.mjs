// The policy editor's checks and summary (web/console/policy.js), as pure functions under Node:
// JSON syntax errors with their position, the IAM grammar, warnings, the per-service summary and
// the decoding of IAM's URL-encoded documents.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {validatePolicy, summarizePolicy, parseJson, decodePolicyDocument} from '../../web/console/policy.js';

const errors = (r) => r.findings.filter((f) => f.level === 'error').map((f) => f.text);
const warnings = (r) => r.findings.filter((f) => f.level === 'warning').map((f) => f.text);

const TUTORIAL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {Sid: 'Buckets', Effect: 'Allow', Action: ['s3:CreateBucket', 's3:ListAllMyBuckets'], Resource: '*'},
    {Effect: 'Deny', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::prod-*',
     Condition: {Bool: {'aws:MultiFactorAuthPresent': 'false'}}},
  ],
}, null, 2);

test('a valid policy has no findings', () => {
  const r = validatePolicy(TUTORIAL);
  assert.deepEqual(r.findings, []);
});

test('JSON syntax errors name the line and column', () => {
  const r = validatePolicy('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}');
  const [e] = errors(r);
  assert.match(e, /^JSON syntax error at line 3, column \d+/);
  assert.equal(parseJson('{"a":1}').value.a, 1);
});

test('grammar errors: Effect, Action format, Resource ARN, unknown elements, Principal', () => {
  const r = validatePolicy(JSON.stringify({
    Version: '2012-10-17',
    Statment: [],
    Statement: [{Effect: 'Permit', Action: 's3CreateBucket', Resource: 'bucket', Principal: '*', Foo: 1}],
  }));
  const e = errors(r).join('\n');
  assert.match(e, /"Statment" is not a policy element/);
  assert.match(e, /Effect must be "Allow" or "Deny"/);
  assert.match(e, /"s3CreateBucket" is not an action/);
  assert.match(e, /"bucket" is not an ARN/);
  assert.match(e, /identity policies cannot name a Principal/);
  assert.match(e, /"Foo" is not a statement element/);
});

test('Action and NotAction, Resource and NotResource are exclusive and one is required', () => {
  const e = errors(validatePolicy(JSON.stringify({Version: '2012-10-17', Statement: {
    Effect: 'Allow', Action: 's3:*', NotAction: 'iam:*'}}))).join('\n');
  assert.match(e, /exactly one of Action or NotAction/);
  assert.match(e, /exactly one of Resource or NotResource/);
});

test('a statement with an empty Action or Resource list names nothing: an error', () => {
  const e = errors(validatePolicy(JSON.stringify({Version: '2012-10-17', Statement: [
    {Effect: 'Allow', Action: [], Resource: []}]}))).join('\n');
  assert.match(e, /names no action/);
  assert.match(e, /names no resource/);
});

test('condition operators are checked, with IfExists and set qualifiers', () => {
  const ok = validatePolicy(JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow',
    Action: 's3:GetObject', Resource: '*', Condition: {
      StringLikeIfExists: {'s3:prefix': 'home/*'}, 'ForAnyValue:StringEquals': {'aws:TagKeys': ['a']}}}]}));
  assert.deepEqual(errors(ok), []);
  const bad = validatePolicy(JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow',
    Action: 's3:GetObject', Resource: '*', Condition: {StringMatches: {'s3:prefix': 'x'}}}]}));
  assert.match(errors(bad).join(), /"StringMatches" is not a condition operator/);
});

test('duplicate and non-alphanumeric Sids are errors', () => {
  const e = errors(validatePolicy(JSON.stringify({Version: '2012-10-17', Statement: [
    {Sid: 'A-1', Effect: 'Allow', Action: 's3:*', Resource: '*'},
    {Sid: 'A-1', Effect: 'Allow', Action: 's3:*', Resource: '*'}]}))).join('\n');
  assert.match(e, /Sid must contain only letters and digits/);
  assert.match(e, /duplicate Sid/);
});

test('warnings: missing Version, full admin access, Allow with NotAction, PassRole on *', () => {
  const w = warnings(validatePolicy(JSON.stringify({Statement: [
    {Effect: 'Allow', Action: '*', Resource: '*'},
    {Effect: 'Allow', NotAction: 'iam:*', Resource: '*'},
    {Effect: 'Allow', Action: 'iam:PassRole', Resource: '*'}]}))).join('\n');
  assert.match(w, /Add "Version": "2012-10-17"/);
  assert.match(w, /full administrator access/);
  assert.match(w, /Allow with NotAction/);
  assert.match(w, /iam:PassRole on every resource/);
});

test('size limit: 6,144 characters without whitespace for managed policies', () => {
  const actions = Array.from({length: 400}, (_, i) => `s3:GetObjectNumber${i}`);
  const e = errors(validatePolicy(JSON.stringify({Version: '2012-10-17', Statement: [
    {Effect: 'Allow', Action: actions, Resource: '*'}]})));
  assert.match(e.join(), /the limit is 6144/);
});

test('trust policies need a Principal and no Resource', () => {
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow',
    Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 'sts:AssumeRole'}]});
  assert.deepEqual(errors(validatePolicy(trust, 'trust')), []);
  const noPrincipal = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'sts:AssumeRole'}]});
  assert.match(errors(validatePolicy(noPrincipal, 'trust')).join(), /a trust policy names a Principal/);
});

test('the summary groups actions, resources and conditions per service and effect', () => {
  const rows = summarizePolicy(JSON.parse(TUTORIAL));
  assert.equal(rows.length, 2);
  const allow = rows.find((r) => r.effect === 'Allow');
  assert.equal(allow.service, 's3');
  assert.deepEqual([...allow.actions], ['CreateBucket', 'ListAllMyBuckets']);
  assert.deepEqual([...allow.resources], ['All resources']);
  const deny = rows.find((r) => r.effect === 'Deny');
  assert.deepEqual([...deny.resources], ['arn:aws:s3:::prod-*']);
  assert.deepEqual([...deny.conditions], ['aws:MultiFactorAuthPresent Bool "false"']);
  const star = summarizePolicy({Statement: {Effect: 'Allow', Action: '*', Resource: '*'}});
  assert.equal(star[0].service, '*');
  assert.deepEqual([...star[0].actions], ['All actions']);
});

test('IAM\'s URL-encoded documents are decoded and pretty-printed', () => {
  const encoded = encodeURIComponent('{"Version":"2012-10-17","Statement":[]}');
  assert.equal(decodePolicyDocument(encoded), '{\n  "Version": "2012-10-17",\n  "Statement": []\n}');
  assert.equal(decodePolicyDocument({Version: '2012-10-17'}), '{\n  "Version": "2012-10-17"\n}');
  assert.equal(decodePolicyDocument(undefined), '');
});
