// Console home: who is signed in (sts GetCallerIdentity) and the tutorial's path through the pages.
import {call} from './api.js';
import {h, keyValues, section, errorBox} from './ui.js';
import {session} from './state.js';

async function renderHome(page) {
  page.append(h('div', {class: 'page-head'}, h('h1', null, 'Console home')));
  try {
    const id = await call('sts', 'GetCallerIdentity', {});
    page.append(section('Signed in as', keyValues([
      ['Account', id.Account || session.accountId], ['User ID', id.UserId], ['ARN', id.Arn],
    ])));
  } catch (e) {
    page.append(errorBox(e));
  }
  const steps = [
    ['Create an IAM user that must reset its password, a group and a policy', '#/iam/users/create'],
    ['Create a trail that delivers to S3 and CloudWatch Logs', '#/cloudtrail/trails/create'],
    ['Create metric filters on the trail\'s log group', '#/cloudwatch/log-groups'],
    ['Create an SNS topic with an email subscription', '#/sns/topics'],
    ['Create an alarm on the metric', '#/cloudwatch/alarms/create'],
    ['Watch the alarm and read the email in the outbox', '#/sns/outbox'],
  ];
  page.append(section('Monitor IAM users with CloudTrail, CloudWatch and SNS',
                      h('ol', null, steps.map(([t, href]) => h('li', null, h('a', {href}, t))))));
}

export const routes = [{path: '', render: renderHome}];
