// The console application: the sign-in screens (password, MFA code, forced new password), the
// shell (header, navigation, main region) and a hash router over the pages of each service.
import * as api from './api.js';
import {session, setSession} from './state.js';
import {h, clear, field, radioGroup, button, showError, errorBox, loading, toast} from './ui.js';
import {routes as iamRoutes} from './iam.js';
import {routes as cwRoutes} from './cloudwatch.js';
import {routes as snsRoutes} from './sns.js';
import {routes as trailRoutes} from './cloudtrail.js';
import {routes as s3Routes} from './s3.js';
import {routes as homeRoutes} from './home.js';

const app = document.getElementById('app');

const NAV = [
  ['IAM', [['Users', 'iam/users'], ['User groups', 'iam/groups'], ['Policies', 'iam/policies'],
           ['Roles', 'iam/roles'], ['Account settings', 'iam/account-settings'],
           ['Credential report', 'iam/credential-report']]],
  ['CloudTrail', [['Trails', 'cloudtrail/trails'], ['Event history', 'cloudtrail/events']]],
  ['CloudWatch', [['Log groups', 'cloudwatch/log-groups'], ['Logs Insights', 'cloudwatch/insights'],
                  ['Metric filters', 'cloudwatch/metric-filters'], ['Metrics', 'cloudwatch/metrics'],
                  ['Alarms', 'cloudwatch/alarms']]],
  ['SNS', [['Topics', 'sns/topics'], ['Subscriptions', 'sns/subscriptions'],
           ['Outbox', 'sns/outbox']]],
  ['S3', [['Buckets', 's3/buckets']]],
];

const ROUTES = [...homeRoutes, ...iamRoutes, ...cwRoutes, ...snsRoutes, ...trailRoutes,
                ...s3Routes].map((r) => ({...r, parts: r.path.split('/').filter(Boolean)}));

function currentPath() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  return {path, query: new URLSearchParams(query)};
}

function matchRoute(path) {
  const segs = path.split('/').filter((s) => s !== '');
  for (const r of ROUTES) {
    if (r.parts.length !== segs.length) continue;
    const params = {};
    let ok = true;
    r.parts.forEach((p, i) => {
      if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(segs[i]);
      else if (p !== segs[i]) ok = false;
    });
    if (ok) return {route: r, params};
  }
  return null;
}

// ---------------------------------------------------------------- sign-in screens

function signInCard(title, ...content) {
  clear(app);
  app.className = 'app signed-out';
  const headingId = 'signin-title';
  const main = h('main', {id: 'main', class: 'signin', tabindex: '-1'},
                 h('div', {class: 'brand'}, 'trailwatch'),
                 h('section', {class: 'card', 'aria-labelledby': headingId},
                   h('h1', {id: headingId}, title), content));
  app.append(main);
  document.title = `${title} – trailwatch console`;
  return main;
}

function renderSignIn(message) {
  const remembered = localStorage.getItem('tw.account') || '';
  const errors = errorBox(null);
  const account = field('Account ID or alias', {value: remembered, required: true,
                                                autocomplete: 'username'});
  const user = field('IAM user name', {required: true, autocomplete: 'username'});
  const password = field('Password', {type: 'password', required: true,
                                      autocomplete: 'current-password'});
  const kind = radioGroup('Sign in as', 'signin-kind', [
    ['root', 'Root user', 'Account owner that performs tasks requiring unrestricted access.'],
    ['iam', 'IAM user', 'User within an account that performs daily tasks.'],
  ], localStorage.getItem('tw.kind') || 'iam', (v) => { user.hidden = v === 'root'; });
  user.hidden = kind.value() === 'root';
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Sign in');
  const form = h('form', {novalidate: true}, kind, account, user, password, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const isRoot = kind.value() === 'root';
    const creds = {
      account: account.control.value.trim(),
      userName: isRoot ? '' : user.control.value.trim(),
      password: password.control.value,
      root: isRoot,
    };
    if (!creds.account || (!isRoot && !creds.userName) || !creds.password) {
      showError(errors, {code: 'MissingField',
                         message: 'Enter the account ID or alias, ' +
                                  (isRoot ? '' : 'the IAM user name, ') + 'and the password.'});
      return;
    }
    localStorage.setItem('tw.account', creds.account);
    localStorage.setItem('tw.kind', kind.value());
    submit.disabled = true;
    try {
      await attemptSignIn(creds, errors);
    } finally {
      submit.disabled = false;
    }
  });
  signInCard('Sign in', message ? h('div', {class: 'alert success', role: 'status'}, message) : null,
             errors, form);
  (remembered ? (kind.value() === 'root' ? password : user) : account).control.focus();
}

async function attemptSignIn(creds, errors) {
  let result;
  try {
    result = await api.signIn(creds);
  } catch (e) {
    showError(errors, e);
    return;
  }
  if (result.mfaRequired) return renderMfa(creds);
  if (result.passwordResetRequired) return renderNewPassword(creds);
  if (result.signedIn) {
    setSession(result);
    await startApp();
    return;
  }
  showError(errors, {code: 'SignInFailed', message: 'The server did not sign you in.'});
}

function renderMfa(creds) {
  const errors = errorBox(null);
  const code = field('MFA code', {required: true, autocomplete: 'one-time-code',
                                  attrs: {inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: '6'},
                                  hint: 'Enter the six-digit code from your authenticator app.'});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Submit');
  const form = h('form', {novalidate: true}, code, submit,
                 button('Cancel', () => renderSignIn(), 'link'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = code.control.value.trim();
    if (!/^\d{6}$/.test(value)) {
      showError(errors, {code: 'InvalidMfaCode', message: 'The MFA code is six digits.'});
      return;
    }
    submit.disabled = true;
    try {
      await attemptSignIn({...creds, mfaCode: value}, errors);
    } finally {
      submit.disabled = false;
    }
  });
  signInCard('Multi-factor authentication', h('p', null,
             'Your account is secured using multi-factor authentication (MFA).'), errors, form);
  code.control.focus();
}

function renderNewPassword(creds) {
  const errors = errorBox(null);
  const oldPw = field('Old password', {type: 'password', required: true,
                                       autocomplete: 'current-password'});
  const newPw = field('New password', {type: 'password', required: true,
                                       autocomplete: 'new-password'});
  const again = field('Retype new password', {type: 'password', required: true,
                                              autocomplete: 'new-password'});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Confirm password change');
  const cancel = button('Cancel and sign out', async () => {
    try {
      await api.signOut();
    } catch (e) {
      showError(errors, e);
      return;
    }
    renderSignIn('You have signed out.');
  }, 'link');
  const form = h('form', {novalidate: true}, oldPw, newPw, again, h('div', {class: 'actions'}, submit, cancel));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (newPw.control.value !== again.control.value) {
      showError(errors, {code: 'PasswordMismatch', message: 'The new passwords do not match.'});
      again.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const r = await api.changePassword({
        oldPassword: oldPw.control.value, newPassword: newPw.control.value,
      });
      if (r.signedIn) {
        setSession(r);
        await startApp();
      } else {
        await attemptSignIn({...creds, password: newPw.control.value, mfaCode: creds.mfaCode},
                            errors);
      }
    } catch (e) {
      showError(errors, e);
    } finally {
      submit.disabled = false;
    }
  });
  signInCard('Change password', h('p', null,
             `You must change your password to continue. Account: ${creds.account}, ` +
             `user: ${creds.userName || 'root'}.`), errors, form);
  newPw.control.focus();
}

// ---------------------------------------------------------------- the shell

let mainEl = null;
let renderToken = 0;

function buildShell() {
  clear(app);
  app.className = 'app signed-in';
  const navId = 'main-nav';
  const toggle = h('button', {type: 'button', class: 'menu-toggle', 'aria-expanded': 'false',
                              'aria-controls': navId}, 'Menu');
  const nav = h('nav', {id: navId, 'aria-label': 'Services'},
                NAV.map(([group, items]) => h('div', {class: 'nav-group'},
                  h('h2', null, group),
                  h('ul', null, items.map(([text, path]) => h('li', null,
                    h('a', {href: `#/${path}`, 'data-path': path}, text)))))));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  nav.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) {
      toggle.setAttribute('aria-expanded', 'false');
      nav.classList.remove('open');
    }
  });
  const who = session.isRoot ? `root @ ${session.accountId}` :
    `${session.userName} @ ${session.accountId}`;
  const signOut = button('Sign out', async () => {
    try {
      await api.signOut();
    } catch (e) {
      toast(`${e.code}: ${e.message}`, 'error');
    }
    setSession(null);
    location.hash = '';
    renderSignIn('You have signed out.');
  }, 'link');
  const header = h('header', {class: 'topbar'},
                   toggle, h('a', {class: 'brand', href: '#/'}, 'trailwatch'),
                   h('span', {class: 'who', title: session.arn || ''}, who), signOut);
  mainEl = h('main', {id: 'main', tabindex: '-1'});
  app.append(header, h('div', {class: 'layout'}, nav, mainEl));
  document.querySelector('.skip-link').onclick = null;
}

function highlightNav(path) {
  for (const a of document.querySelectorAll('nav a[data-path]')) {
    const p = a.dataset.path;
    if (path === p || path.startsWith(p + '/')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function route() {
  if (!session.signedIn || !mainEl) return;
  const {path, query} = currentPath();
  const token = ++renderToken;
  highlightNav(path);
  const m = matchRoute(path);
  clear(mainEl);
  if (!m) {
    mainEl.append(h('h1', null, 'Page not found'),
                  h('p', null, 'There is no console page at this address. ',
                    h('a', {href: '#/'}, 'Go to the console home.')));
    return;
  }
  // The page is in the document while it renders (charts measure their width), after a status line.
  const status = loading();
  const page = h('div', {class: 'page', 'aria-busy': 'true'});
  mainEl.append(status, page);
  try {
    await m.route.render(page, m.params, query);
  } catch (e) {
    // A refused or failed load still names the page, then shows the error the server returned.
    if (!page.querySelector('h1')) {
      const current = document.querySelector('nav a[aria-current="page"]');
      page.prepend(h('div', {class: 'page-head'}, h('h1', null, current ? current.textContent : 'Error')));
    }
    page.append(errorBox(e));
  }
  if (token !== renderToken) return;  // a newer navigation replaced this one
  status.remove();
  page.removeAttribute('aria-busy');
  const h1 = page.querySelector('h1');
  document.title = `${h1 ? h1.textContent : 'Console'} – trailwatch console`;
  if (h1) {
    h1.tabIndex = -1;
    h1.focus({preventScroll: false});
  }
}

async function startApp() {
  // /console/iam/users (the server answers every /console/... path with this shell) becomes
  // the hash route #/iam/users.
  const rest = location.pathname.replace(/^\/console\/?/, '');
  if (rest && (!location.hash || location.hash === '#')) {
    history.replaceState(null, '', `/console#/${rest}${location.search}`);
  }
  buildShell();
  if (!location.hash || location.hash === '#' || location.hash === '#main') location.hash = '#/';
  await route();
}

window.addEventListener('hashchange', () => {
  if (location.hash === '#main') return;
  route();
});

document.addEventListener('click', (ev) => {
  const skip = ev.target.closest('.skip-link');
  if (!skip) return;
  ev.preventDefault();
  const main = document.getElementById('main');
  if (main) main.focus();
});

api.setSignedOutHandler(() => {
  setSession(null);
  renderSignIn('Your session has ended. Sign in again.');
});

async function boot() {
  try {
    const s = await api.getSession();
    if (s.signedIn) {
      setSession(s);
      await startApp();
    } else if (s.passwordResetRequired) {
      renderNewPassword({account: s.accountId || '', userName: s.userName || '', password: ''});
    } else {
      renderSignIn();
    }
  } catch (e) {
    clear(app);
    app.append(h('main', {id: 'main', class: 'signin'}, h('h1', null, 'The console is unavailable'),
                 errorBox(e)));
  }
}

boot();
