// CloudTrail pages: trails (create with a new or existing S3 bucket and prefix, log file
// validation, CloudWatch Logs group and role; start/stop logging) and the event history with
// lookup attributes, a time range and each event's JSON.
import {call, callAll} from './api.js';
import {session, region} from './state.js';
import {
  h, clear, field, radioGroup, button, errorBox, table, keyValues, section, confirmAction, fmtTime,
  badge, codeBlock, runAction, toast, hashFor, link, prettyJson, softErrors,
} from './ui.js';
import {pageHead} from './iam.js';

function go(hash) {
  location.hash = hash;
}

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function randomSuffix() {
  return Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function renderTrails(page) {
  const errors = errorBox(null);
  const out = await call('cloudtrail', 'DescribeTrails', {});
  const trails = out.trailList || [];
  const soft = softErrors();
  const statuses = await Promise.all(trails.map((t) => soft(call('cloudtrail', 'GetTrailStatus',
                                                                 {Name: t.TrailARN || t.Name}), {})));
  page.append(pageHead(`Trails (${trails.length})`,
                       button('Create trail', () => go('#/cloudtrail/trails/create'), 'primary')), errors, soft.box,
  table([
    {label: 'Name', render: (t) => link(hashFor('cloudtrail', 'trails', t.Name), t.Name)},
    {label: 'Home region', render: (t) => t.HomeRegion || region},
    {label: 'Multi-region trail', render: (t) => (t.IsMultiRegionTrail ? 'Yes' : 'No')},
    {label: 'S3 bucket', render: (t) => t.S3BucketName + (t.S3KeyPrefix ? `/${t.S3KeyPrefix}` : '')},
    {label: 'CloudWatch Logs log group', render: (t) => logGroupName(t.CloudWatchLogsLogGroupArn) || '-'},
    {label: 'Status', render: (t) => (statuses[trails.indexOf(t)].IsLogging ? badge('Logging', 'ok') : badge('Off'))},
  ], trails, {empty: 'No trails. Create a trail to deliver events to S3 and CloudWatch Logs.'}));
}

function logGroupName(arn) {
  if (!arn) return '';
  const m = arn.match(/:log-group:(.+?)(:\*)?$/);
  return m ? m[1] : arn;
}

// Resolves true when the creation failed only because the resource already exists.
async function reuseIfExists(promise, code) {
  try {
    await promise;
    return false;
  } catch (e) {
    if (e.code === code) return true;
    throw e;
  }
}

function bucketPolicy(bucket, prefix, trailName) {
  const acct = session.accountId;
  const keyPath = `${prefix ? `${prefix}/` : ''}AWSLogs/${acct}/*`;
  const trailArn = `arn:aws:cloudtrail:${region}:${acct}:trail/${trailName}`;
  return JSON.stringify({Version: '2012-10-17', Statement: [
    {Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'},
     Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}`,
     Condition: {StringEquals: {'aws:SourceArn': trailArn}}},
    {Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'},
     Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/${keyPath}`,
     Condition: {StringEquals: {'s3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn}}},
  ]});
}

async function renderCreateTrail(page) {
  const errors = errorBox(null);
  const acct = session.accountId;
  const suffix = randomSuffix();
  const name = field('Trail name', {required: true, value: 'management-events',
                                    hint: '3-128 letters, digits, periods, underscores and dashes.'});
  const bucketKind = radioGroup('Storage location', 'bucket-kind', [
    ['new', 'Create new S3 bucket'], ['existing', 'Use existing S3 bucket']], 'new');
  const bucket = field('Trail log bucket and folder', {required: true,
                       value: `aws-cloudtrail-logs-${acct}-${suffix}`});
  const prefix = field('Prefix - optional', {hint: 'Log files are delivered under <prefix>/AWSLogs/<account>/.'});
  const validation = field('Log file validation: Enabled', {kind: 'checkbox', checked: true,
                           hint: 'Delivers hourly signed digest files to verify log files were not changed.'});
  const cwEnabled = field('CloudWatch Logs: Enabled', {kind: 'checkbox', checked: false});
  const groupKind = radioGroup('Log group', 'group-kind', [['new', 'New'], ['existing', 'Existing']], 'new');
  const groupName = field('Log group name', {value: `aws-cloudtrail-logs-${acct}-${suffix}`});
  const roleKind = radioGroup('IAM Role', 'role-kind', [['new', 'New'], ['existing', 'Existing']], 'new');
  const roleName = field('Role name', {value: 'CloudTrailRoleForCloudWatchLogs_management-events'});
  name.control.addEventListener('input', () => {
    if (/^CloudTrailRoleForCloudWatchLogs_/.test(roleName.control.value)) {
      roleName.control.value = `CloudTrailRoleForCloudWatchLogs_${name.control.value.trim()}`;
    }
  });
  const cwBox = h('div', {hidden: true}, groupKind, groupName, roleKind, roleName);
  cwEnabled.control.addEventListener('change', () => { cwBox.hidden = !cwEnabled.control.checked; });
  const progress = h('ol', {'aria-live': 'polite', class: 'muted'});
  const step = (text) => progress.append(h('li', null, text));
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create trail');
  const form = h('form', {class: 'steps', novalidate: true},
                 h('fieldset', null, h('legend', null, 'General details'), name, bucketKind, bucket, prefix,
                   validation),
                 h('fieldset', null, h('legend', null, 'CloudWatch Logs - optional'), cwEnabled, cwBox),
                 h('div', {class: 'actions'}, submit, button('Cancel', () => go('#/cloudtrail/trails'))),
                 progress);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clear(progress);
    runAction(submit, errors, async () => {
      const trailName = name.control.value.trim();
      const b = bucket.control.value.trim();
      const p = prefix.control.value.trim().replace(/\/+$/, '');
      if (bucketKind.value() === 'new') {
        // A retry after a failed attempt reuses what that attempt already created.
        if (await reuseIfExists(call('s3', 'CreateBucket', {Bucket: b}), 'BucketAlreadyOwnedByYou')) {
          step(`S3 bucket ${b} already exists in this account: reused.`);
        } else {
          step(`Created S3 bucket ${b}.`);
        }
        await call('s3', 'PutBucketPolicy', {Bucket: b, Policy: bucketPolicy(b, p, trailName)});
        step('Added the bucket policy that lets CloudTrail write log files.');
      }
      const input = {Name: trailName, S3BucketName: b, IsMultiRegionTrail: true,
                     IncludeGlobalServiceEvents: true,
                     EnableLogFileValidation: validation.control.checked};
      if (p) input.S3KeyPrefix = p;
      if (cwEnabled.control.checked) {
        const g = groupName.control.value.trim();
        if (groupKind.value() === 'new') {
          if (await reuseIfExists(call('logs', 'CreateLogGroup', {logGroupName: g}),
                                  'ResourceAlreadyExistsException')) {
            step(`Log group ${g} already exists: reused.`);
          } else {
            step(`Created log group ${g}.`);
          }
        }
        const r = roleName.control.value.trim();
        let roleArn;
        if (roleKind.value() === 'new') {
          const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow',
            Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 'sts:AssumeRole'}]});
          const created = await call('iam', 'CreateRole', {RoleName: r, AssumeRolePolicyDocument: trust})
            .catch((e) => (e.code === 'EntityAlreadyExists' ? null : Promise.reject(e)));
          roleArn = created ? created.Role.Arn : (await call('iam', 'GetRole', {RoleName: r})).Role.Arn;
          const streamArn = `arn:aws:logs:${region}:${acct}:log-group:${g}:log-stream:${acct}_CloudTrail_${region}*`;
          await call('iam', 'PutRolePolicy', {RoleName: r, PolicyName: 'CloudTrailWriteToCloudWatchLogs',
            PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [
              {Sid: 'AWSCloudTrailCreateLogStream', Effect: 'Allow', Action: 'logs:CreateLogStream', Resource: streamArn},
              {Sid: 'AWSCloudTrailPutLogEvents', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: streamArn},
            ]})});
          step(created ? `Created role ${r} with permission to write to the log group.` :
            `Role ${r} already exists: reused, with its permission to write to the log group set again.`);
        } else {
          roleArn = (await call('iam', 'GetRole', {RoleName: r})).Role.Arn;
        }
        input.CloudWatchLogsLogGroupArn = `arn:aws:logs:${region}:${acct}:log-group:${g}:*`;
        input.CloudWatchLogsRoleArn = roleArn;
      }
      await call('cloudtrail', 'CreateTrail', input);
      step(`Created trail ${trailName}.`);
      await call('cloudtrail', 'StartLogging', {Name: trailName});
      step('Started logging.');
      toast(`Trail ${trailName} created and logging.`);
      go(hashFor('cloudtrail', 'trails', trailName));
    });
  });
  page.append(pageHead('Create trail'), errors, form);
}

async function renderTrail(page, {name}) {
  const errors = errorBox(null);
  const {Trail: t} = await call('cloudtrail', 'GetTrail', {Name: name});
  const soft = softErrors();
  const status = await soft(call('cloudtrail', 'GetTrailStatus', {Name: name}), {});
  const toggle = button(status.IsLogging ? 'Stop logging' : 'Start logging', (ev) =>
    runAction(ev.target, errors, async () => {
      await call('cloudtrail', status.IsLogging ? 'StopLogging' : 'StartLogging', {Name: name});
      reload();
    }), status.IsLogging ? '' : 'primary');
  const del = button('Delete', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete trail', `Delete trail ${name}? Delivered log files stay in the bucket.`)) return;
    await call('cloudtrail', 'DeleteTrail', {Name: name});
    go('#/cloudtrail/trails');
  }), 'danger');
  const group = logGroupName(t.CloudWatchLogsLogGroupArn);
  page.append(pageHead(name, toggle, del), errors, soft.box, section('General details', keyValues([
    ['Trail ARN', t.TrailARN], ['Logging', status.IsLogging ? badge('Logging', 'ok') : badge('Off')],
    ['Multi-region trail', t.IsMultiRegionTrail ? 'Yes' : 'No'],
    ['S3 bucket', link(hashFor('s3', 'buckets', t.S3BucketName), t.S3BucketName)],
    ['Log file prefix', t.S3KeyPrefix], ['Log file validation', t.LogFileValidationEnabled ? 'Enabled' : 'Disabled'],
    ['Last log file delivered', fmtTime(status.LatestDeliveryTime)],
    ['Last digest file delivered', fmtTime(status.LatestDigestDeliveryTime)],
    ['Last delivery error', status.LatestDeliveryError],
  ])), section('CloudWatch Logs', keyValues([
    ['Log group', group ? link(hashFor('cloudwatch', 'log-groups', group), group) : 'Not configured'],
    ['IAM role', t.CloudWatchLogsRoleArn],
    ['Last delivered to CloudWatch Logs', fmtTime(status.LatestCloudWatchLogsDeliveryTime)],
    ['Last CloudWatch Logs delivery error', status.LatestCloudWatchLogsDeliveryError],
  ])));
}

// ---------------------------------------------------------------- event history

const ATTRIBUTES = [['', 'No filter'], ['EventName', 'Event name'], ['Username', 'User name'],
  ['ResourceType', 'Resource type'], ['ResourceName', 'Resource name'], ['EventSource', 'Event source'],
  ['EventId', 'Event ID'], ['ReadOnly', 'Read-only'], ['AccessKeyId', 'AWS access key']];

function localInputValue(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

function eventError(e) {
  try {
    const r = JSON.parse(e.CloudTrailEvent || '{}');
    return r.errorCode || r.errorMessage || '';
  } catch {
    return '';
  }
}

// One row per event; its button shows the full record, pretty-printed, in a row below.
function eventTable(events) {
  const body = h('tbody');
  for (const e of events) {
    const detailId = `event-${e.EventId}`;
    const detail = h('tr', {id: detailId, hidden: true},
                     h('td', {colspan: 6}, codeBlock(prettyJson(e.CloudTrailEvent || ''), `Event record ${e.EventId}`)));
    const toggle = h('button', {type: 'button', class: 'link', 'aria-expanded': 'false',
                                'aria-controls': detailId}, e.EventName);
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      detail.hidden = !open;
    });
    const error = eventError(e);
    body.append(h('tr', null,
                  h('td', null, toggle), h('td', null, fmtTime(e.EventTime)), h('td', null, e.Username || '-'),
                  h('td', null, e.EventSource),
                  h('td', null, (e.Resources || []).map((r) => `${r.ResourceType || ''} ${r.ResourceName || ''}`.trim()).join(', ') || '-'),
                  h('td', null, error ? badge(error, 'alarm') : '-')), detail);
  }
  if (events.length === 0) body.append(h('tr', null, h('td', {colspan: 6, class: 'empty'}, 'No events match.')));
  return h('div', {class: 'table-wrap'}, h('table', {class: 'data'},
           h('caption', null, `${events.length} event(s)`),
           h('thead', null, h('tr', null, ['Event name', 'Event time', 'User name', 'Event source', 'Resources', 'Error']
             .map((l) => h('th', {scope: 'col'}, l)))), body));
}

async function renderEvents(page, params, query) {
  const errors = errorBox(null);
  const attr = field('Lookup attributes', {kind: 'select', value: query.get('attr') || '', options: ATTRIBUTES});
  const value = field('Attribute value', {value: query.get('value') || ''});
  const start = field('Start time', {type: 'datetime-local', value: localInputValue(Date.now() - 86400000)});
  const end = field('End time', {type: 'datetime-local', value: ''});
  const holder = h('div');
  const more = button('Load more events', () => load(true));
  more.hidden = true;
  let nextToken = null;
  let events = [];
  const load = (append = false) => runAction(null, errors, async () => {
    const input = {MaxResults: 50};
    if (attr.control.value && value.control.value.trim()) {
      input.LookupAttributes = [{AttributeKey: attr.control.value, AttributeValue: value.control.value.trim()}];
    }
    if (start.control.value) input.StartTime = new Date(start.control.value).toISOString();
    if (end.control.value) input.EndTime = new Date(end.control.value).toISOString();
    if (append && nextToken) input.NextToken = nextToken;
    const out = await call('cloudtrail', 'LookupEvents', input);
    nextToken = out.NextToken || null;
    more.hidden = !nextToken;
    events = append ? events.concat(out.Events || []) : (out.Events || []);
    clear(holder);
    holder.append(eventTable(events));
  });
  const form = h('form', {class: 'row', role: 'search'}, attr, value, start, end,
                 h('button', {type: 'submit', class: 'primary'}, 'Look up events'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  page.append(pageHead('Event history', button('Refresh', () => load())), errors, form, holder, more);
  await load();
}

export const routes = [
  {path: 'cloudtrail/trails', render: renderTrails},
  {path: 'cloudtrail/trails/create', render: renderCreateTrail},
  {path: 'cloudtrail/trails/:name', render: renderTrail},
  {path: 'cloudtrail/events', render: renderEvents},
];
