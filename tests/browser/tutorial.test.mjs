// The tutorial "monitor IAM users with CloudTrail, CloudWatch and SNS", walked end to end in a
// real browser (Debian's headless Chromium driven by playwright-core) against the real trailwatch
// binary on a free loopback port with a fresh data dir. No command line, no API calls: every step
// goes through the console's pages, as a person would.
//
// Run: node --test tests/browser/tutorial.test.mjs
// Env: TRAILWATCH_BIN (default build/trailwatch), CHROMIUM (default /usr/bin/chromium),
//      TW_SCREENSHOTS (default build/browser-screenshots), TW_BROWSER_HEADED=1 to watch,
//      TW_WEB_FROM_DISK=1 to serve web/console from disk through devserver.mjs (no rebuild).
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createHmac} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.TRAILWATCH_BIN || path.join(ROOT, 'build', 'trailwatch');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.TW_SCREENSHOTS || path.join(ROOT, 'build', 'browser-screenshots');
const PLAYWRIGHT = path.join(ROOT, 'web', 'node_modules', 'playwright-core', 'index.mjs');
const AXE = path.join(ROOT, 'web', 'node_modules', 'axe-core', 'axe.min.js');

const ACCOUNT = '000000000000';
const ROOT_PASSWORD = 'Root-Tutorial-Passw0rd!';
const USER = 'alice';
const FIRST_PASSWORD = 'First-Passw0rd-2026!';
const NEW_PASSWORD = 'Second-Passw0rd-2026!';
const GROUP = 'BucketAdmins';
const POLICY = 'TutorialCreateBuckets';
const TRAIL = 'tutorial-trail';
const SUFFIX = Math.random().toString(16).slice(2, 8);
const TRAIL_BUCKET = `tutorial-trail-logs-${SUFFIX}`;
const LOG_GROUP = 'aws-cloudtrail-logs-tutorial';
const TOPIC = 'tutorial-security-alerts';
const EMAIL = 'security@example.com';
const ALARM = 'ConsoleSignInFailures';
const USER_BUCKET = `alice-bucket-${SUFFIX}`;

const missing = [];
if (!fs.existsSync(BIN)) missing.push(`${BIN} is not built`);
if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} is missing (apt-get install chromium)`);
if (!fs.existsSync(PLAYWRIGHT)) missing.push('playwright-core is missing (npm ci --prefix web)');
if (!fs.existsSync(AXE)) missing.push('axe-core is missing (npm ci --prefix web)');
// Under CTest (TW_BROWSER_REQUIRED=1) a missing prerequisite is a failure, never a silent skip.
if (missing.length && process.env.TW_BROWSER_REQUIRED === '1') {
  throw new Error(`browser tests cannot run: ${missing.join('; ')}`);
}
const SKIP = missing.length ? missing.join('; ') : false;

let server;
let dataDir;
let browser;
let context;
let page;
let base;
let proxy;
const pageErrors = [];
const a11yFindings = [];
let axeSource = '';
const done = new Set();  // steps that passed, so later steps can say which one they needed

// ---------------------------------------------------------------- the server

function startServer() {
  return new Promise((resolve, reject) => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-browser-'));
    server = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
                         '--log-level', 'warn', '--root-password', ROOT_PASSWORD],
                   {stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    const timer = setTimeout(() => reject(new Error(`trailwatch did not start:\n${out}`)), 20000);
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`trailwatch exited with ${code}:\n${out}`));
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const t = setTimeout(() => server.kill('SIGKILL'), 15000);
  await exited;
  clearTimeout(t);
}

// ---------------------------------------------------------------- helpers

// Every visible form control has an accessible name (a <label>, aria-label or aria-labelledby).
async function checkLabels(name) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') &&
                    !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML.slice(0, 120)));
  for (const u of unlabelled) pageErrors.push(`unlabelled control on ${name}: ${u}`);
}

// axe-core's WCAG 2.1 A and AA rules on the page as it is (injected through the DevTools
// protocol, which the page's Content-Security-Policy does not govern).
async function checkAxe(name) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, {runOnly: {type: 'tag',
                                                        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
                                   v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
  });
  for (const v of violations) a11yFindings.push(`${name}: ${v}`);
}

async function shot(name) {
  await checkLabels(name);
  await checkAxe(name);
  fs.mkdirSync(SHOTS, {recursive: true});
  await page.screenshot({path: path.join(SHOTS, `${name}.png`), fullPage: true});
}

async function open(hash, heading) {
  await page.goto(`${base}/console#/${hash}`);
  if (heading) await expectHeading(heading);
}

async function expectHeading(text, timeout = 15000) {
  await page.getByRole('heading', {level: 1, name: text}).waitFor({timeout});
}

async function expectText(text, timeout = 15000) {
  await page.getByText(text).first().waitFor({timeout});
}

// Fails with the page's own error message when an alert appears instead of the expected result.
async function expectOrAlert(locator, timeout = 20000) {
  const alert = page.locator('.alert.error:not([hidden])').first();
  const which = await Promise.race([
    locator.waitFor({timeout}).then(() => 'ok'),
    alert.waitFor({timeout}).then(() => 'alert'),
  ]);
  if (which === 'alert') {
    throw new Error(`the console showed an error: ${await alert.textContent()}`);
  }
}

function needs(t, ...steps) {
  const missingSteps = steps.filter((s) => !done.has(s));
  if (missingSteps.length) {
    t.skip(`needs the step(s) that did not pass: ${missingSteps.join(', ')}`);
    return false;
  }
  return true;
}

async function signIn({root = false, user = '', password}) {
  await page.goto(`${base}/console`);
  const signInHeading = page.getByRole('heading', {level: 1, name: 'Sign in'});
  const signOutButton = page.getByRole('button', {name: 'Sign out'});
  await signInHeading.or(signOutButton).first().waitFor();
  if (await signOutButton.count()) await signOut();
  await page.getByLabel(root ? 'Root user' : 'IAM user', {exact: true}).check();
  await page.getByLabel('Account ID or alias').fill(ACCOUNT);
  if (!root) await page.getByLabel('IAM user name').fill(user);
  await page.getByLabel('Password', {exact: true}).fill(password);
  await page.getByRole('button', {name: 'Sign in'}).click();
}

async function signOut() {
  await page.getByRole('button', {name: 'Sign out'}).click();
  await expectHeading('Sign in');
}

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(seed, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(seed)).update(msg).digest();
  const off = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

// ---------------------------------------------------------------- setup

before(async () => {
  if (SKIP) return;
  axeSource = fs.readFileSync(AXE, 'utf8');
  base = await startServer();
  if (process.env.TW_WEB_FROM_DISK) {
    const {startDevProxy} = await import('./devserver.mjs');
    proxy = await startDevProxy(base);
    base = proxy.url;
  }
  const {chromium} = await import(pathToFileURL(PLAYWRIGHT).href);
  browser = await chromium.launch({executablePath: CHROMIUM, headless: !process.env.TW_BROWSER_HEADED,
                                   args: ['--no-sandbox', '--disable-dev-shm-usage']});
  context = await browser.newContext({viewport: {width: 1280, height: 900}});
  page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
  // API errors (403 AccessDenied, 501 NotImplemented, ...) are expected and shown on the page;
  // a front-end file that fails to load, a script error or a CSP violation is not.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of/.test(m.text())) {
      pageErrors.push(`console error: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (/\/console\/(static|vendor)\//.test(r.url()) && r.status() >= 400) {
      pageErrors.push(`asset ${r.url()} answered ${r.status()}`);
    }
  });
});

after(async () => {
  if (browser) await browser.close();
  if (proxy) proxy.server.close();
  await stopServer();
  if (dataDir) fs.rmSync(dataDir, {recursive: true, force: true});
});

// ---------------------------------------------------------------- the walkthrough

test('the root user signs in', {skip: SKIP}, async () => {
  await page.goto(`${base}/console`);
  await expectHeading('Sign in');
  await shot('01-sign-in');
  // Keyboard only: the account field has focus; Shift+Tab reaches the sign-in choice, an arrow
  // key picks "Root user" (the user name field goes away), Tab moves on, Enter submits.
  // A wrong root password is refused with the server's message.
  await page.getByLabel('Account ID or alias').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.labels[0].textContent), 'Account ID or alias');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.getByLabel('Root user', {exact: true}).isChecked(), true);
  await page.keyboard.press('Tab');
  await page.keyboard.type(ACCOUNT);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.labels[0].textContent), 'Password');
  await page.keyboard.type('not-the-password');
  await page.keyboard.press('Enter');
  await expectText('Your authentication information is incorrect');
  await signIn({root: true, password: ROOT_PASSWORD});
  await expectOrAlert(page.getByRole('heading', {level: 1, name: 'Console home'}));
  await expectText(`arn:aws:iam::${ACCOUNT}:root`);
  await shot('02-home');
  done.add('root signs in');
});

test('the root user creates the group', {skip: SKIP}, async (t) => {
  if (!needs(t, 'root signs in')) return;
  await open('iam/groups/create', 'Create user group');
  await page.getByLabel('User group name').fill(GROUP);
  await page.getByRole('button', {name: 'Create group'}).click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: GROUP}));
  done.add('group');
});

test('the root user creates the custom policy from JSON and attaches it to the group', {skip: SKIP}, async (t) => {
  if (!needs(t, 'group')) return;
  await open('iam/policies/create', 'Create policy');
  const editor = page.getByLabel('Policy editor');
  // The editor validates as you type: a syntax error first, then a grammar error, then valid.
  await editor.fill('{"Version": "2012-10-17", "Statement": [ {"Effect": "Allow",, } ]}');
  await expectText(/JSON syntax error at line 1, column \d+/);
  await editor.fill(JSON.stringify({Version: '2012-10-17', Statement: [
    {Effect: 'Permit', Action: 's3CreateBucket', Resource: '*'}]}));
  await expectText('Effect must be "Allow" or "Deny"');
  await expectText('"s3CreateBucket" is not an action');
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {Sid: 'CreateAndListBuckets', Effect: 'Allow',
       Action: ['s3:CreateBucket', 's3:ListAllMyBuckets', 's3:ListBucket', 's3:GetBucketLocation'],
       Resource: '*'},
      {Sid: 'ReadOwnIdentity', Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*'},
    ],
  };
  await editor.fill(JSON.stringify(policy, null, 2));
  await expectText('No errors: the policy is valid.');
  // The visual summary lists what the policy allows, per service.
  const summary = page.locator('table', {has: page.locator('caption', {hasText: 'Policy summary'})});
  await summary.getByText('S3 (s3)').waitFor();
  await summary.getByText('CreateBucket, ListAllMyBuckets, ListBucket, GetBucketLocation').waitFor();
  // IAM's policy simulator judges the same document: every action it names is allowed.
  const simulator = page.locator('table', {has: page.locator('caption', {hasText: 'Policy simulator (IAM)'})});
  await expectOrAlert(simulator.getByRole('row', {name: /s3:CreateBucket allowed/}));
  assert.equal(await simulator.getByText('allowed', {exact: true}).count(), 5);
  await page.getByLabel('Policy name').fill(POLICY);
  await page.getByLabel('Description - optional').fill('Lets the tutorial user create and list buckets.');
  await shot('03-policy-editor');
  await page.getByRole('button', {name: 'Create policy'}).click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: POLICY}));
  await shot('04-policy');

  await open(`iam/groups/${GROUP}`, GROUP);
  await page.getByRole('tab', {name: 'Permissions'}).click();
  await page.getByRole('button', {name: 'Attach policies'}).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Filter policies by name').fill(POLICY);
  await dialog.getByLabel(POLICY, {exact: true}).check();
  await dialog.getByRole('button', {name: 'Attach policies'}).click();
  await expectOrAlert(page.getByRole('link', {name: POLICY}));
  await shot('05-group');
  done.add('policy');
});

test('the root user creates the user with a password that must be reset, in the group', {skip: SKIP}, async (t) => {
  if (!needs(t, 'group')) return;
  await open('iam/users/create', 'Create user');
  await page.getByLabel('User name').fill(USER);
  await page.getByLabel('Provide user access to the AWS Management Console').check();
  await page.getByLabel('Custom password', {exact: true}).check();
  await page.getByLabel('Enter a custom password').fill(FIRST_PASSWORD);
  assert.equal(await page.getByLabel('Users must create a new password at next sign-in').isChecked(), true);
  await page.getByLabel('Add user to group').check();
  await page.getByLabel(GROUP, {exact: true}).check();
  await shot('06-create-user');
  await page.getByRole('button', {name: 'Create user'}).click();
  await expectOrAlert(page.getByText(`User ${USER} created.`));
  await page.getByRole('link', {name: `View user ${USER}`}).click();
  await expectHeading(USER);
  await page.getByRole('tab', {name: 'Groups'}).click();
  await page.getByRole('link', {name: GROUP}).waitFor();
  await page.getByRole('tab', {name: 'Security credentials'}).click();
  await expectText('Password reset required');
  await shot('07-user');
  done.add('user');
});

test('the root user creates the trail with its S3 bucket and CloudWatch Logs group', {skip: SKIP}, async (t) => {
  if (!needs(t, 'root signs in')) return;
  await open('cloudtrail/trails/create', 'Create trail');
  await page.getByLabel('Trail name').fill(TRAIL);
  await page.getByLabel('Create new S3 bucket').check();
  await page.getByLabel('Trail log bucket and folder').fill(TRAIL_BUCKET);
  await page.getByLabel('Prefix - optional').fill('tutorial');
  assert.equal(await page.getByLabel('Log file validation: Enabled').isChecked(), true);
  await page.getByLabel('CloudWatch Logs: Enabled').check();
  await page.getByLabel('Log group name').fill(LOG_GROUP);
  await page.getByLabel('Role name').fill(`CloudTrailRoleForCloudWatchLogs_${TRAIL}`);
  await shot('08-create-trail');
  await page.getByRole('button', {name: 'Create trail'}).click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: TRAIL}), 30000);
  await expectText('Logging');
  await shot('09-trail');
  done.add('trail');
});

async function createMetricFilter(name, pattern, metric) {
  await open(`cloudwatch/log-groups/${encodeURIComponent(LOG_GROUP)}/create-metric-filter`, 'Create metric filter');
  await page.getByLabel('Filter pattern').fill(pattern);
  // The live test runs TestMetricFilter against the sample events as you type.
  await expectOrAlert(page.getByText(/Found 1 matches out of 4 event\(s\)/));
  await page.getByLabel('Filter name').fill(name);
  await page.getByLabel('Metric namespace', {exact: true}).fill('CloudTrailMetrics');
  await page.getByLabel('Metric name', {exact: true}).fill(metric);
  await page.getByLabel('Metric value').fill('1');
  await page.getByLabel('Default value - optional').fill('0');
  await shot(`10-metric-filter-${name}`);
  await page.getByRole('button', {name: 'Create metric filter'}).click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: LOG_GROUP}));
}

test('the root user creates both metric filters on the trail\'s log group', {skip: SKIP}, async (t) => {
  if (!needs(t, 'root signs in')) return;
  // The trail wizard created the log group before CreateTrail; without it there is nothing to filter.
  await open(`cloudwatch/log-groups/${encodeURIComponent(LOG_GROUP)}`);
  await expectOrAlert(page.getByRole('heading', {level: 1, name: LOG_GROUP}));
  await createMetricFilter('ConsoleSignInFailures',
                           '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
                           'ConsoleSignInFailureCount');
  await createMetricFilter('S3BucketCreations',
                           '{ ($.eventSource = s3.amazonaws.com) && ($.eventName = CreateBucket) }',
                           'S3BucketCreationCount');
  await open('cloudwatch/metric-filters', /Metric filters \(2\)/);
  await shot('11-metric-filters');
  done.add('metric filters');
});

test('the root user creates the SNS topic with an email subscription and confirms it', {skip: SKIP}, async (t) => {
  if (!needs(t, 'root signs in')) return;
  await open('sns/topics', /Topics/);
  await page.getByRole('button', {name: 'Create topic'}).click();
  await page.getByLabel('Name', {exact: true}).fill(TOPIC);
  await page.getByRole('button', {name: 'Create topic'}).last().click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: TOPIC}));
  await page.getByRole('button', {name: 'Create subscription'}).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Protocol').selectOption('email');
  await dialog.getByLabel('Endpoint').fill(EMAIL);
  await dialog.getByRole('button', {name: 'Create subscription'}).click();
  await page.getByText('Pending confirmation').waitFor();
  await shot('12-topic-pending');

  await open('sns/outbox', 'Outbox');
  const mail = page.locator('article.email', {hasText: 'Subscription Confirmation'}).first();
  await mail.waitFor();
  await shot('13-outbox-confirmation');
  const confirmLink = mail.getByRole('link', {name: /confirmation\.html/});
  const href = await confirmLink.getAttribute('href');
  assert.match(href, /^https?:\/\//);
  const [tab] = await Promise.all([context.waitForEvent('page'), confirmLink.click()]);
  await tab.getByText('Subscription confirmed!').waitFor();
  await tab.close();
  await open(`sns/topics/${encodeURIComponent(`arn:aws:sns:us-east-1:${ACCOUNT}:${TOPIC}`)}`, TOPIC);
  await page.getByText('Confirmed', {exact: true}).waitFor();
  // Publish a test message; with no SMTP server it lands in the outbox.
  await page.getByRole('button', {name: 'Publish message'}).click();
  const publish = page.getByRole('dialog');
  await publish.getByLabel('Subject - optional').fill('Tutorial test message');
  await publish.getByLabel('Message body').fill('Hello from the console.');
  await publish.getByRole('button', {name: 'Publish message'}).click();
  await expectOrAlert(page.getByText(/Message published\. Message ID: /));
  await shot('14-topic-confirmed');
  await open('sns/outbox', 'Outbox');
  await page.locator('article.email', {hasText: 'Tutorial test message'}).getByText('Hello from the console.').waitFor();
  done.add('topic');
});

test('the root user creates the alarm on sign-in failures', {skip: SKIP}, async (t) => {
  if (!needs(t, 'topic')) return;
  await open('cloudwatch/alarms/create?namespace=CloudTrailMetrics&metric=ConsoleSignInFailureCount', 'Create alarm');
  await page.getByLabel('Statistic').selectOption('Sum');
  await page.getByLabel('Period', {exact: true}).selectOption('60');
  await page.getByLabel('Greater/Equal (>= threshold)').check();
  await page.getByLabel('than...').fill('1');
  await page.getByLabel('Missing data treatment').selectOption('notBreaching');
  await page.getByLabel('In alarm', {exact: true}).check();
  await page.getByLabel('Select an existing SNS topic').check();
  await page.getByLabel('Send a notification to...').selectOption({label: TOPIC});
  await page.getByLabel('Alarm name').fill(ALARM);
  await page.getByLabel('Alarm description - optional').fill('Failed console sign-ins');
  await shot('15-create-alarm');
  await page.getByRole('button', {name: 'Create alarm'}).click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: ALARM}));
  await shot('16-alarm');
  await signOut();
  done.add('alarm');
});

test('the new user signs in and must change the password', {skip: SKIP}, async (t) => {
  if (!needs(t, 'user')) return;
  if (await page.getByRole('button', {name: 'Sign out'}).count()) await signOut();
  await signIn({user: USER, password: FIRST_PASSWORD});
  await expectOrAlert(page.getByRole('heading', {level: 1, name: 'Change password'}));
  await page.getByLabel('Old password').fill(FIRST_PASSWORD);
  await page.getByLabel('New password', {exact: true}).fill(NEW_PASSWORD);
  await page.getByLabel('Retype new password').fill(NEW_PASSWORD);
  await shot('17-change-password');
  await page.getByRole('button', {name: 'Confirm password change'}).click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: 'Console home'}));
  await expectText(`arn:aws:iam::${ACCOUNT}:user/${USER}`);
  // A denied action shows the error message IAM returned.
  await open('iam/users');
  await expectText(/AccessDenied|not authorized/);
  await shot('18-denied');
  await signOut();
  done.add('user changes password');
});

test('the new user fails a sign-in on purpose', {skip: SKIP}, async (t) => {
  if (!needs(t, 'user changes password')) return;
  await signIn({user: USER, password: 'a-wrong-password'});
  await expectText('Your authentication information is incorrect');
  await shot('19-failed-sign-in');
  done.add('failed sign-in');
});

test('the new user signs in and creates a bucket', {skip: SKIP}, async (t) => {
  if (!needs(t, 'user changes password')) return;
  await signIn({user: USER, password: NEW_PASSWORD});
  await expectOrAlert(page.getByRole('heading', {level: 1, name: 'Console home'}));
  await open('s3/buckets', /Buckets/);
  await page.getByRole('button', {name: 'Create bucket'}).click();
  await page.getByLabel('Bucket name').fill(USER_BUCKET);
  await page.getByRole('button', {name: 'Create bucket'}).last().click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: USER_BUCKET}));
  await shot('20-user-bucket');
  await signOut();
  done.add('bucket');
});

test('IAM: the account password policy, an access key and the credential report', {skip: SKIP}, async (t) => {
  if (!needs(t, 'user')) return;
  await signIn({root: true, password: ROOT_PASSWORD});
  await expectHeading('Console home');
  await open('iam/account-settings', 'Account settings');
  await page.getByLabel('Minimum password length').fill('12');
  await page.getByLabel('Require at least one number').check();
  await page.getByLabel('Require at least one nonalphanumeric character').check();
  await page.getByRole('button', {name: 'Save changes'}).click();
  await expectOrAlert(page.getByText('Password policy saved.'));
  await open('iam/account-settings', 'Account settings');
  assert.equal(await page.getByLabel('Minimum password length').inputValue(), '12');
  assert.equal(await page.getByLabel('Require at least one number').isChecked(), true);
  await shot('21-password-policy');

  await open(`iam/users/${USER}`, USER);
  await page.getByRole('tab', {name: 'Security credentials'}).click();
  await page.getByRole('button', {name: 'Create access key'}).click();
  const dialog = page.getByRole('dialog', {name: 'Retrieve access keys'});
  await expectOrAlert(dialog.getByText(/^AKIA[A-Z0-9]{16}$/));
  const secret = await dialog.locator('.secret').nth(1).textContent();
  assert.ok(secret.length >= 40, 'the secret access key is shown once');
  await dialog.getByRole('button', {name: 'Done'}).click();
  await page.getByText('Active', {exact: true}).waitFor();

  await open('iam/credential-report', 'Credential report');
  const report = page.locator('table', {has: page.locator('caption', {hasText: 'Credential report'})});
  await expectOrAlert(report.getByText(USER, {exact: true}));
  await report.getByText('<root_account>').waitFor();
  await shot('22-credential-report');
  await signOut();
});

test('the alarm goes to ALARM and the email is in the outbox', {skip: SKIP}, async (t) => {
  if (!needs(t, 'trail', 'metric filters', 'alarm', 'failed sign-in')) return;
  await signIn({root: true, password: ROOT_PASSWORD});
  await expectHeading('Console home');
  const deadline = Date.now() + 150000;
  let inAlarm = false;
  while (Date.now() < deadline) {
    await open(`cloudwatch/alarms/${ALARM}`, ALARM);
    if (await page.getByText('In alarm', {exact: true}).count()) {
      inAlarm = true;
      break;
    }
    await page.waitForTimeout(5000);
  }
  await shot('23-alarm-in-alarm');
  assert.ok(inAlarm, 'the alarm did not reach ALARM within 150 s of the failed sign-in');
  await page.getByText(/State update|StateUpdate/).first().waitFor();
  await open('cloudwatch/metrics?namespace=CloudTrailMetrics&metric=ConsoleSignInFailureCount', 'Metrics');
  await page.locator('.chart .uplot').waitFor();
  await page.getByRole('button', {name: '1h'}).click();
  await page.getByLabel('Time zone').selectOption('utc');
  await page.locator('.chart .uplot').waitFor();
  // The second metric filter counted the bucket the new user created.
  await page.getByRole('cell', {name: 'S3BucketCreationCount', exact: true}).waitFor();
  await shot('24-metrics-chart');

  await open('sns/outbox', 'Outbox');
  const mail = page.locator('article.email', {hasText: `ALARM: "${ALARM}"`}).first();
  await mail.waitFor({timeout: 30000});
  await mail.getByText(EMAIL).waitFor();
  await shot('25-outbox-alarm');
  done.add('alarm fired');
});

test('Logs Insights finds the failed sign-in in the trail\'s log group', {skip: SKIP}, async (t) => {
  if (!needs(t, 'trail', 'failed sign-in')) return;
  await signIn({root: true, password: ROOT_PASSWORD});
  await expectHeading('Console home');
  await open('cloudwatch/insights', 'Logs Insights');
  await page.getByLabel('Log groups').selectOption(LOG_GROUP);
  await page.getByLabel('Logs Insights QL').check();
  await page.getByLabel('Time range').selectOption('3600');
  await page.getByRole('textbox', {name: 'Query', exact: true}).fill(
    'fields @timestamp, eventName, errorMessage, userIdentity.userName\n' +
    '| filter eventName = "ConsoleLogin" and errorMessage = "Failed authentication"\n' +
    '| sort @timestamp desc');
  await page.getByRole('button', {name: 'Run query'}).click();
  await expectOrAlert(page.getByText(/Status: Complete/), 60000);
  const results = page.locator('table', {has: page.locator('caption', {hasText: /record/})});
  await results.getByText('Failed authentication').first().waitFor();
  await results.getByText(USER, {exact: true}).first().waitFor();
  await shot('26-logs-insights');
});

test('Logs Insights: the same question in OpenSearch SQL and PPL', {skip: SKIP}, async (t) => {
  if (!needs(t, 'trail', 'failed sign-in')) return;
  await signIn({root: true, password: ROOT_PASSWORD});
  await expectHeading('Console home');
  const queries = [
    ['OpenSearch SQL', `SELECT eventName, errorMessage FROM \`${LOG_GROUP}\` ` +
                       "WHERE eventName = 'ConsoleLogin' AND errorMessage = 'Failed authentication'"],
    ['OpenSearch PPL', "fields eventName, errorMessage | where eventName = 'ConsoleLogin' and " +
                       "errorMessage = 'Failed authentication'"],
  ];
  for (const [language, query] of queries) {
    await open('cloudwatch/insights', 'Logs Insights');
    await page.getByLabel('Log groups').selectOption(LOG_GROUP);
    await page.getByLabel(language).check();
    await page.getByLabel('Time range').selectOption('3600');
    await page.getByRole('textbox', {name: 'Query', exact: true}).fill(query);
    await page.getByRole('button', {name: 'Run query'}).click();
    await expectOrAlert(page.getByText(/Status: Complete/), 60000);
    const results = page.locator('table', {has: page.locator('caption', {hasText: /record/})});
    await results.getByText('Failed authentication').first().waitFor();
  }
});

test('the trail recorded the walkthrough: event history with filters and JSON', {skip: SKIP}, async (t) => {
  if (!needs(t, 'root signs in')) return;
  if (await page.getByRole('button', {name: 'Sign out'}).count() === 0) {
    await signIn({root: true, password: ROOT_PASSWORD});
    await expectHeading('Console home');
  }
  await open('cloudtrail/events', 'Event history');
  await page.getByLabel('Lookup attributes').selectOption('EventName');
  await page.getByLabel('Attribute value').fill('ConsoleLogin');
  await page.getByRole('button', {name: 'Look up events'}).click();
  const toggle = page.getByRole('button', {name: 'ConsoleLogin'}).first();
  await expectOrAlert(toggle);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.locator('pre.code').getByText('"eventName": "ConsoleLogin"').first().waitFor();
  if (done.has('failed sign-in')) {
    await page.getByText('Failed authentication', {exact: true}).first().waitFor();
  }
  await shot('27-event-history');
});

test('MFA: a virtual device is assigned with its QR code and the user signs in with a code', {skip: SKIP}, async (t) => {
  if (!needs(t, 'root signs in')) return;
  const mfaUser = 'bob';
  const mfaPassword = 'Bob-Passw0rd-2026!';
  if (await page.getByRole('button', {name: 'Sign out'}).count() === 0) {
    await signIn({root: true, password: ROOT_PASSWORD});
    await expectHeading('Console home');
  }
  await open('iam/users/create', 'Create user');
  await page.getByLabel('User name').fill(mfaUser);
  await page.getByLabel('Provide user access to the AWS Management Console').check();
  await page.getByLabel('Custom password', {exact: true}).check();
  await page.getByLabel('Enter a custom password').fill(mfaPassword);
  await page.getByLabel('Users must create a new password at next sign-in').uncheck();
  await page.getByRole('button', {name: 'Create user'}).click();
  await expectOrAlert(page.getByText(`User ${mfaUser} created.`));
  await open(`iam/users/${mfaUser}`, mfaUser);
  await page.getByRole('tab', {name: 'Security credentials'}).click();
  await page.getByRole('button', {name: 'Assign MFA device'}).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', {name: 'Show QR code'}).click();
  const qr = dialog.getByRole('img', {name: /QR code for MFA device/});
  await expectOrAlert(qr);
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code PNG did not render');
  await dialog.getByRole('button', {name: 'Show secret key'}).click();
  const seed = (await dialog.locator('.secret').textContent()).trim();
  assert.match(seed, /^[A-Z2-7]+=*$/);
  await shot('28-mfa-qr');
  const step = Math.floor(Date.now() / 30000);
  await dialog.getByLabel('MFA code 1').fill(totp(seed, step - 1));
  await dialog.getByLabel('MFA code 2').fill(totp(seed, step));
  await dialog.getByRole('button', {name: 'Add MFA'}).click();
  await expectOrAlert(page.getByText(/arn:aws:iam::\d+:mfa\//).first());
  await signOut();

  await signIn({user: mfaUser, password: mfaPassword});
  await expectOrAlert(page.getByRole('heading', {level: 1, name: 'Multi-factor authentication'}));
  await shot('29-mfa-code');
  // A code is good once: wait for the time step after the two that enabled the device.
  const wait = (step + 1) * 30000 + 500 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait);
  await page.getByLabel('MFA code').fill(totp(seed, Math.floor(Date.now() / 30000)));
  await page.getByRole('button', {name: 'Submit'}).click();
  await expectOrAlert(page.getByRole('heading', {level: 1, name: 'Console home'}));
  await signOut();
});

test('phone width: the shell and a list page fit, the menu opens from the keyboard', {skip: SKIP}, async (t) => {
  if (!needs(t, 'root signs in')) return;
  await signIn({root: true, password: ROOT_PASSWORD});
  await expectHeading('Console home');
  await page.setViewportSize({width: 390, height: 844});
  await open('iam/users', /Users/);
  const nav = page.getByRole('navigation', {name: 'Services'});
  assert.equal(await nav.isVisible(), false, 'the navigation is folded away at phone width');
  await page.getByRole('button', {name: 'Menu'}).focus();
  await page.keyboard.press('Enter');
  await nav.waitFor({state: 'visible'});
  await shot('30-phone-menu');
  await page.getByRole('link', {name: 'Alarms'}).click();
  await expectHeading(/Alarms/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at phone width`);
  await shot('31-phone-alarms');
  await page.setViewportSize({width: 1280, height: 900});
});

test('no script errors and no Content-Security-Policy violations on any page', {skip: SKIP}, () => {
  assert.deepEqual(pageErrors, []);
});

test('axe-core finds no WCAG 2.1 A/AA violation on the pages screenshotted', {skip: SKIP}, () => {
  assert.deepEqual(a11yFindings, []);
});
