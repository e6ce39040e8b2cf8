// SNS pages: topics (create, delete, publish a test message), subscriptions with their
// confirmation state, and the outbox of emails kept when no SMTP server is configured.
import {call, callAll, getOutbox} from './api.js';
import {
  h, clear, field, button, errorBox, table, keyValues, section, confirmAction, fmtTime, badge,
  runAction, toast, hashFor, link, notice, openDialog, codeBlock,
} from './ui.js';
import {pageHead} from './iam.js';

function go(hash) {
  location.hash = hash;
}

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function subscriptionState(arn) {
  if (!arn || /^pending ?confirmation$/i.test(arn)) return badge('Pending confirmation', 'pending');
  if (/^deleted$/i.test(arn)) return badge('Deleted', '');
  return badge('Confirmed', 'ok');
}

function isPending(arn) {
  return !arn || /^pending ?confirmation$/i.test(arn);
}

async function renderTopics(page) {
  const errors = errorBox(null);
  const topics = await callAll('sns', 'ListTopics', {}, 'Topics', 'NextToken', 'NextToken');
  const createBox = h('div');
  const create = button('Create topic', () => {
    const name = field('Name', {required: true, hint: 'Up to 256 letters, digits, hyphens and underscores.'});
    const display = field('Display name - optional', {hint: 'Shown as the sender of email notifications.'});
    const submit = h('button', {type: 'submit', class: 'primary'}, 'Create topic');
    const form = h('form', {novalidate: true}, h('p', null, 'Type: Standard'), name, display,
                   h('div', {class: 'actions'}, submit));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      runAction(submit, errors, async () => {
        const input = {Name: name.control.value.trim()};
        if (display.control.value.trim()) input.Attributes = {DisplayName: display.control.value.trim()};
        const {TopicArn} = await call('sns', 'CreateTopic', input);
        toast(`Topic ${input.Name} created.`);
        go(hashFor('sns', 'topics', TopicArn));
      });
    });
    clear(createBox);
    createBox.append(section('Create topic', form));
    name.control.focus();
  }, 'primary');
  page.append(pageHead(`Topics (${topics.length})`, create), errors, createBox, table([
    {label: 'Name', render: (t) => link(hashFor('sns', 'topics', t.TopicArn), t.TopicArn.split(':').pop())},
    {label: 'ARN', render: (t) => t.TopicArn, class: 'mono'},
  ], topics, {empty: 'No topics.'}));
}

async function renderTopic(page, {arn}) {
  const errors = errorBox(null);
  const {Attributes: attrs = {}} = await call('sns', 'GetTopicAttributes', {TopicArn: arn});
  const name = arn.split(':').pop();
  const del = button('Delete', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete topic', `Delete topic ${name} and its subscriptions?`)) return;
    await call('sns', 'DeleteTopic', {TopicArn: arn});
    go('#/sns/topics');
  }), 'danger');
  const publish = button('Publish message', () => {
    const subject = field('Subject - optional', {});
    const message = field('Message body', {kind: 'textarea', rows: 6, required: true});
    const dlgErrors = errorBox(null);
    const dlg = openDialog(`Publish message to ${name}`, h('div', null, dlgErrors, subject, message), [
      button('Cancel', () => dlg.close()),
      button('Publish message', (ev) => runAction(ev.target, dlgErrors, async () => {
        const input = {TopicArn: arn, Message: message.control.value};
        if (subject.control.value.trim()) input.Subject = subject.control.value.trim();
        const out = await call('sns', 'Publish', input);
        dlg.close();
        toast(`Message published. Message ID: ${out.MessageId}`);
      }), 'primary')]);
  }, 'primary');
  const subsBox = h('div');
  const refreshSubs = async () => {
    const subs = await callAll('sns', 'ListSubscriptionsByTopic', {TopicArn: arn}, 'Subscriptions',
                               'NextToken', 'NextToken');
    clear(subsBox);
    subsBox.append(subscriptionTable(subs, errors, refreshSubs));
  };
  const createSub = button('Create subscription', () => {
    const protocol = field('Protocol', {kind: 'select', value: 'email', options: [
      ['email', 'Email'], ['email-json', 'Email-JSON'], ['http', 'HTTP'], ['https', 'HTTPS']]});
    const endpoint = field('Endpoint', {required: true, hint: 'An email address, or a URL for HTTP(S).'});
    const dlgErrors = errorBox(null);
    const dlg = openDialog('Create subscription', h('div', null, dlgErrors,
                           keyValues([['Topic ARN', arn]]), protocol, endpoint), [
      button('Cancel', () => dlg.close()),
      button('Create subscription', (ev) => runAction(ev.target, dlgErrors, async () => {
        await call('sns', 'Subscribe', {TopicArn: arn, Protocol: protocol.control.value,
                                        Endpoint: endpoint.control.value.trim()});
        dlg.close();
        toast('Subscription created. Confirm it from the email (see the outbox).');
        await refreshSubs();
      }), 'primary')]);
  });
  page.append(pageHead(name, publish, del), errors, section('Details', keyValues([
    ['ARN', arn], ['Display name', attrs.DisplayName], ['Type', 'Standard'],
    ['Subscriptions confirmed', attrs.SubscriptionsConfirmed], ['Subscriptions pending', attrs.SubscriptionsPending],
  ])), section('Subscriptions', h('div', {class: 'actions'}, createSub, button('Refresh', refreshSubs)), subsBox));
  await refreshSubs();
}

function subscriptionTable(subs, errors, refresh) {
  return table([
    {label: 'Endpoint', render: (s) => s.Endpoint},
    {label: 'Protocol', render: (s) => s.Protocol},
    {label: 'Status', render: (s) => subscriptionState(s.SubscriptionArn)},
    {label: 'Topic', render: (s) => link(hashFor('sns', 'topics', s.TopicArn), s.TopicArn.split(':').pop())},
    {label: 'Actions', render: (s) => (isPending(s.SubscriptionArn) ? '' :
      button('Delete', (ev) => runAction(ev.target, errors, async () => {
        if (!await confirmAction('Delete subscription', `Unsubscribe ${s.Endpoint}?`)) return;
        await call('sns', 'Unsubscribe', {SubscriptionArn: s.SubscriptionArn});
        await refresh();
      }), 'danger', {'aria-label': `Delete subscription of ${s.Endpoint}`}))},
  ], subs, {empty: 'No subscriptions.'});
}

async function renderSubscriptions(page) {
  const errors = errorBox(null);
  const holder = h('div');
  const refresh = async () => {
    const subs = await callAll('sns', 'ListSubscriptions', {}, 'Subscriptions', 'NextToken', 'NextToken');
    clear(holder);
    holder.append(subscriptionTable(subs, errors, refresh));
  };
  page.append(pageHead('Subscriptions', button('Refresh', refresh)), errors, holder);
  await refresh();
}

// Shows the body as text, with http(s) links made into anchors (text nodes only, never markup).
function bodyWithLinks(text) {
  const pre = h('pre');
  const re = /https?:\/\/[^\s<>"]+/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    pre.append(text.slice(last, m.index));
    pre.append(h('a', {href: m[0], target: '_blank', rel: 'noopener noreferrer'}, m[0]));
    last = m.index + m[0].length;
  }
  pre.append(text.slice(last));
  return pre;
}

// Alarm notifications and raw messages carry a JSON document before the footer: offer it
// pretty-printed.
function jsonPart(body) {
  const first = body.split(/\n\s*\n--\s*\n|\n--\n/)[0].trim();
  if (!first.startsWith('{')) return null;
  try {
    return h('details', null, h('summary', null, 'Message JSON, formatted'),
             codeBlock(JSON.stringify(JSON.parse(first), null, 2), 'Message JSON'));
  } catch {
    return null;
  }
}

async function renderOutbox(page) {
  const errors = errorBox(null);
  const holder = h('div');
  const refresh = () => runAction(null, errors, async () => {
    const mails = (await getOutbox()).slice().sort((a, b) => String(b.time).localeCompare(String(a.time)));
    clear(holder);
    if (mails.length === 0) holder.append(h('p', {class: 'muted'}, 'The outbox is empty.'));
    for (const m of mails) {
      const to = Array.isArray(m.to) ? m.to.join(', ') : m.to;
      holder.append(h('article', {class: 'email', 'aria-label': `Email: ${m.subject}`},
                      h('h2', null, m.subject || '(no subject)'),
                      keyValues([['To', to], m.from ? ['From', m.from] : null, ['Time', fmtTime(m.time)]]),
                      bodyWithLinks(m.body || ''), jsonPart(m.body || '')));
    }
  });
  page.append(pageHead('Outbox', button('Refresh', refresh)),
              notice('Emails SNS sent while no SMTP server is configured are kept here.', 'info'),
              errors, holder);
  await refresh();
}

export const routes = [
  {path: 'sns/topics', render: renderTopics},
  {path: 'sns/topics/:arn', render: renderTopic},
  {path: 'sns/subscriptions', render: renderSubscriptions},
  {path: 'sns/outbox', render: renderOutbox},
];
