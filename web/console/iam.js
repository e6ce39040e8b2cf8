// IAM pages: users (create with console access, groups, copied or attached permissions, access
// keys, console password, MFA with a QR code), user groups, policies (JSON editor with live
// findings and a summary), roles, the account password policy and the credential report.
import {call, callAll} from './api.js';
import {session} from './state.js';
import {
  h, clear, field, radioGroup, button, errorBox, showError, table, keyValues, section, loading,
  openDialog, confirmAction, fmtTime, badge, codeBlock, runAction, download, toast, tabs, hashFor,
  link, notice, softErrors,
} from './ui.js';
import {policyEditor, decodePolicyDocument, summaryTable, parseJson} from './policy.js';

export function pageHead(title, ...actions) {
  return h('div', {class: 'page-head'}, h('h1', null, title), h('div', {class: 'actions'}, actions));
}

function go(hash) {
  location.hash = hash;
}

function searchBox(label, onInput) {
  const f = field(label, {type: 'search'});
  f.control.addEventListener('input', () => onInput(f.control.value.trim().toLowerCase()));
  return f;
}

// A list page: a filter box and a table re-rendered as the filter changes.
function filteredTable(items, columns, textOf, opts = {}) {
  const holder = h('div');
  const render = (q) => {
    clear(holder);
    holder.append(table(columns, q ? items.filter((i) => textOf(i).toLowerCase().includes(q)) : items,
                        opts));
  };
  render('');
  return h('div', null, searchBox(opts.filterLabel || 'Filter', render), holder);
}

// ---------------------------------------------------------------- policy pickers

async function listAllPolicies(scope = 'All') {
  return callAll('iam', 'ListPolicies', {Scope: scope, MaxItems: 1000}, 'Policies');
}

// Checkbox list of policies with a filter; returns {el, selected: () => [arn]}.
async function policyPicker(preselected = []) {
  const policies = await listAllPolicies();
  const chosen = new Set(preselected);
  const list = h('div', {class: 'scroll-list', role: 'group', 'aria-label': 'Permissions policies'});
  const render = (q) => {
    clear(list);
    const shown = policies.filter((p) => !q || p.PolicyName.toLowerCase().includes(q));
    if (shown.length === 0) list.append(h('p', {class: 'muted'}, 'No policies match.'));
    for (const p of shown) {
      const aws = p.Arn.includes(':aws:policy/');
      const f = field(p.PolicyName, {kind: 'checkbox', checked: chosen.has(p.Arn),
                                     hint: aws ? 'AWS managed' : 'Customer managed'});
      f.control.dataset.arn = p.Arn;
      f.control.addEventListener('change', () => {
        if (f.control.checked) chosen.add(p.Arn); else chosen.delete(p.Arn);
      });
      list.append(f);
    }
  };
  render('');
  const el = h('div', null, searchBox('Filter policies by name', render), list);
  return {el, selected: () => [...chosen]};
}

async function groupPicker() {
  const groups = await callAll('iam', 'ListGroups', {}, 'Groups');
  const chosen = new Set();
  const list = h('div', {class: 'scroll-list', role: 'group', 'aria-label': 'User groups'});
  if (groups.length === 0) list.append(h('p', {class: 'muted'}, 'There are no groups yet.'));
  for (const g of groups) {
    const f = field(g.GroupName, {kind: 'checkbox'});
    f.control.addEventListener('change', () => {
      if (f.control.checked) chosen.add(g.GroupName); else chosen.delete(g.GroupName);
    });
    list.append(f);
  }
  return {el: list, selected: () => [...chosen]};
}

const CHANGE_PASSWORD_POLICY = 'arn:aws:iam::aws:policy/IAMUserChangePassword';

function generatePassword() {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#$%^&*()_+-=[]{}|'];
  const bytes = crypto.getRandomValues(new Uint32Array(20));
  let out = sets.map((s, i) => s[bytes[i] % s.length]).join('');
  const all = sets.join('');
  for (let i = 4; i < 20; i++) out += all[bytes[i] % all.length];
  return out;
}

// ---------------------------------------------------------------- users

async function renderUsers(page) {
  const users = await callAll('iam', 'ListUsers', {}, 'Users');
  page.append(pageHead(`Users (${users.length})`,
                       button('Create user', () => go('#/iam/users/create'), 'primary')),
              filteredTable(users, [
                {label: 'User name', render: (u) => link(hashFor('iam', 'users', u.UserName), u.UserName)},
                {label: 'Path', render: (u) => u.Path},
                {label: 'Created', render: (u) => fmtTime(u.CreateDate)},
                {label: 'Password last used', render: (u) => fmtTime(u.PasswordLastUsed)},
                {label: 'ARN', render: (u) => u.Arn, class: 'mono'},
              ], (u) => u.UserName, {filterLabel: 'Find users by name', empty: 'No users.'}));
}

async function renderCreateUser(page) {
  const errors = errorBox(null);
  const name = field('User name', {required: true,
                                   hint: 'Up to 64 letters, digits and + = , . @ _ -'});
  const consoleAccess = field('Provide user access to the AWS Management Console', {kind: 'checkbox'});
  const pwKind = radioGroup('Console password', 'pw-kind', [
    ['auto', 'Autogenerated password'], ['custom', 'Custom password'],
  ], 'custom', (v) => { customPw.hidden = v !== 'custom'; });
  const customPw = field('Enter a custom password', {type: 'password', autocomplete: 'new-password'});
  const reset = field('Users must create a new password at next sign-in', {kind: 'checkbox',
                                                                            checked: true});
  const consoleBox = h('div', {hidden: true}, pwKind, customPw, reset);
  consoleAccess.control.addEventListener('change', () => {
    consoleBox.hidden = !consoleAccess.control.checked;
  });

  const [groups, policies, users] = await Promise.all([
    groupPicker(), policyPicker(), callAll('iam', 'ListUsers', {}, 'Users')]);
  const copyFrom = field('Copy permissions from user', {kind: 'select',
                         options: [['', 'Choose a user'], ...users.map((u) => u.UserName)]});
  const panes = {
    group: h('div', null, h('p', {class: 'hint'}, 'Add the user to existing groups.'), groups.el,
             h('p', null, link('#/iam/groups/create', 'Create group'))),
    copy: h('div', {hidden: true}, copyFrom),
    attach: h('div', {hidden: true}, policies.el),
  };
  const permKind = radioGroup('Permissions options', 'perm-kind', [
    ['group', 'Add user to group'], ['copy', 'Copy permissions'], ['attach', 'Attach policies directly'],
  ], 'group', (v) => { for (const [k, el] of Object.entries(panes)) el.hidden = k !== v; });

  const result = h('div', {'aria-live': 'polite'});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create user');
  const form = h('form', {class: 'steps', novalidate: true},
                 h('fieldset', null, h('legend', null, 'Specify user details'), name, consoleAccess,
                   consoleBox),
                 h('fieldset', null, h('legend', null, 'Set permissions'), permKind, panes.group,
                   panes.copy, panes.attach),
                 h('div', {class: 'actions'}, submit,
                   button('Cancel', () => go('#/iam/users'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const userName = name.control.value.trim();
    await runAction(submit, errors, async () => {
      if (!userName) throw {code: 'ValidationError', message: 'Enter a user name.'};
      let password = null;
      if (consoleAccess.control.checked) {
        password = pwKind.value() === 'custom' ? customPw.control.value : generatePassword();
        if (!password) throw {code: 'ValidationError', message: 'Enter the custom password.'};
      }
      await call('iam', 'CreateUser', {UserName: userName});
      if (password) {
        await call('iam', 'CreateLoginProfile', {UserName: userName, Password: password,
                                                 PasswordResetRequired: reset.control.checked});
        if (reset.control.checked) {
          // As in AWS: a user who must reset the password gets the managed policy that allows it.
          await call('iam', 'AttachUserPolicy', {UserName: userName, PolicyArn: CHANGE_PASSWORD_POLICY});
        }
      }
      const mode = permKind.value();
      if (mode === 'group') {
        for (const g of groups.selected()) {
          await call('iam', 'AddUserToGroup', {UserName: userName, GroupName: g});
        }
      } else if (mode === 'attach') {
        for (const arn of policies.selected()) {
          await call('iam', 'AttachUserPolicy', {UserName: userName, PolicyArn: arn});
        }
      } else if (mode === 'copy' && copyFrom.control.value) {
        await copyPermissions(copyFrom.control.value, userName);
      }
      clear(result);
      result.append(notice(`User ${userName} created.`),
                    password && pwKind.value() === 'auto' ?
                      section('Console sign-in details', keyValues([
                        ['Console sign-in URL', `${location.origin}/console`],
                        ['Account', session.accountId], ['User name', userName],
                        ['Console password', h('span', {class: 'secret'}, password)],
                      ]), h('p', {class: 'hint'}, 'This is the only time the password is shown.')) :
                      null,
                    h('p', null, link(hashFor('iam', 'users', userName), `View user ${userName}`)));
      form.hidden = true;
      result.querySelector('a').focus();
    });
  });
  page.append(pageHead('Create user'), errors, form, result);
}

async function copyPermissions(from, to) {
  const [groups, attached, inline] = await Promise.all([
    callAll('iam', 'ListGroupsForUser', {UserName: from}, 'Groups'),
    callAll('iam', 'ListAttachedUserPolicies', {UserName: from}, 'AttachedPolicies'),
    callAll('iam', 'ListUserPolicies', {UserName: from}, 'PolicyNames'),
  ]);
  for (const g of groups) await call('iam', 'AddUserToGroup', {UserName: to, GroupName: g.GroupName});
  for (const p of attached) await call('iam', 'AttachUserPolicy', {UserName: to, PolicyArn: p.PolicyArn});
  for (const n of inline) {
    const doc = await call('iam', 'GetUserPolicy', {UserName: from, PolicyName: n});
    await call('iam', 'PutUserPolicy', {UserName: to, PolicyName: n,
                                        PolicyDocument: decodePolicyDocument(doc.PolicyDocument)});
  }
}

function attachedPoliciesPanel(kind, name, listOp, attachOp, detachOp, nameKey) {
  return async (panel) => {
    const errors = errorBox(null);
    const holder = h('div', null, loading());
    const refresh = async () => {
      const attached = await callAll('iam', listOp, {[nameKey]: name}, 'AttachedPolicies');
      clear(holder);
      holder.append(table([
        {label: 'Policy name', render: (p) => link(hashFor('iam', 'policies', p.PolicyArn), p.PolicyName)},
        {label: 'ARN', render: (p) => p.PolicyArn, class: 'mono'},
        {label: 'Actions', render: (p) => button('Detach', (ev) => runAction(ev.target, errors, async () => {
          if (!await confirmAction('Detach policy', `Detach ${p.PolicyName} from ${name}?`, 'Detach')) return;
          await call('iam', detachOp, {[nameKey]: name, PolicyArn: p.PolicyArn});
          toast(`Detached ${p.PolicyName}.`);
          await refresh();
        }), 'danger', {'aria-label': `Detach ${p.PolicyName}`})},
      ], attached, {caption: 'Attached managed policies', empty: 'No policies attached.'}));
    };
    const add = button('Attach policies', async () => {
      const picker = await policyPicker();
      const dlgErrors = errorBox(null);
      const dlg = openDialog(`Attach policies to ${name}`, h('div', null, dlgErrors, picker.el), [
        button('Cancel', () => dlg.close()),
        button('Attach policies', (ev) => runAction(ev.target, dlgErrors, async () => {
          for (const arn of picker.selected()) {
            await call('iam', attachOp, {[nameKey]: name, PolicyArn: arn});
          }
          dlg.close();
          toast('Policies attached.');
          await refresh();
        }), 'primary'),
      ]);
    }, 'primary');
    panel.append(errors, h('div', {class: 'actions'}, add), holder);
    await refresh();
  };
}

function inlinePoliciesPanel(nameKey, name, listOp, getOp, putOp, deleteOp) {
  return async (panel) => {
    const errors = errorBox(null);
    const holder = h('div');
    const refresh = async () => {
      const names = await callAll('iam', listOp, {[nameKey]: name}, 'PolicyNames');
      clear(holder);
      holder.append(table([
        {label: 'Inline policy', render: (n) => n},
        {label: 'Actions', render: (n) => h('div', {class: 'row'},
          button('View', (ev) => runAction(ev.target, errors, async () => {
            const out = await call('iam', getOp, {[nameKey]: name, PolicyName: n});
            const text = decodePolicyDocument(out.PolicyDocument);
            const p = parseJson(text);
            const dlg = openDialog(`Inline policy ${n}`, h('div', null, codeBlock(text, `Policy ${n}`),
                                   p.value ? summaryTable(p.value) : null),
                                   [button('Close', () => dlg.close())]);
          }), '', {'aria-label': `View ${n}`}),
          button('Delete', (ev) => runAction(ev.target, errors, async () => {
            if (!await confirmAction('Delete inline policy', `Delete ${n}?`)) return;
            await call('iam', deleteOp, {[nameKey]: name, PolicyName: n});
            await refresh();
          }), 'danger', {'aria-label': `Delete ${n}`}))},
      ], names, {caption: 'Inline policies', empty: 'No inline policies.'}));
    };
    const add = button('Create inline policy', () => {
      const pname = field('Policy name', {required: true});
      const editor = policyEditor({value: JSON.stringify({Version: '2012-10-17', Statement: [
        {Effect: 'Allow', Action: [], Resource: '*'}]}, null, 2)});
      const dlgErrors = errorBox(null);
      const dlg = openDialog('Create inline policy', h('div', null, dlgErrors, pname, editor.el), [
        button('Cancel', () => dlg.close()),
        button('Create policy', (ev) => runAction(ev.target, dlgErrors, async () => {
          if (!editor.valid()) throw {code: 'MalformedPolicyDocument', message: 'Fix the errors in the policy first.'};
          await call('iam', putOp, {[nameKey]: name, PolicyName: pname.control.value.trim(),
                                    PolicyDocument: editor.value()});
          dlg.close();
          await refresh();
        }), 'primary'),
      ]);
      dlg.classList.add('wide');
    });
    panel.append(errors, h('div', {class: 'actions'}, add), holder);
    await refresh();
  };
}

async function renderUser(page, {name}) {
  const {User: user} = await call('iam', 'GetUser', {UserName: name});
  const errors = errorBox(null);
  const del = button('Delete', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete user', `Delete user ${name}? Its access keys, password, MFA ` +
                             'devices, group memberships and policies are removed first.')) return;
    await deleteUserCompletely(name);
    toast(`User ${name} deleted.`);
    go('#/iam/users');
  }), 'danger');
  page.append(pageHead(name, del), errors, section('Summary', keyValues([
    ['ARN', user.Arn], ['User ID', user.UserId], ['Path', user.Path],
    ['Created', fmtTime(user.CreateDate)], ['Password last used', fmtTime(user.PasswordLastUsed)],
  ])), tabs([
    {label: 'Permissions', render: async (p) => {
      await attachedPoliciesPanel('user', name, 'ListAttachedUserPolicies', 'AttachUserPolicy',
                                  'DetachUserPolicy', 'UserName')(p);
      const inline = h('div');
      p.append(inline);
      await inlinePoliciesPanel('UserName', name, 'ListUserPolicies', 'GetUserPolicy',
                                'PutUserPolicy', 'DeleteUserPolicy')(inline);
    }},
    {label: 'Groups', render: (p) => userGroupsPanel(p, name)},
    {label: 'Security credentials', render: (p) => credentialsPanel(p, name)},
  ]));
}

async function deleteUserCompletely(name) {
  const [keys, groups, attached, inline, mfa] = await Promise.all([
    callAll('iam', 'ListAccessKeys', {UserName: name}, 'AccessKeyMetadata'),
    callAll('iam', 'ListGroupsForUser', {UserName: name}, 'Groups'),
    callAll('iam', 'ListAttachedUserPolicies', {UserName: name}, 'AttachedPolicies'),
    callAll('iam', 'ListUserPolicies', {UserName: name}, 'PolicyNames'),
    callAll('iam', 'ListMFADevices', {UserName: name}, 'MFADevices'),
  ]);
  for (const k of keys) await call('iam', 'DeleteAccessKey', {UserName: name, AccessKeyId: k.AccessKeyId});
  for (const g of groups) await call('iam', 'RemoveUserFromGroup', {UserName: name, GroupName: g.GroupName});
  for (const p of attached) await call('iam', 'DetachUserPolicy', {UserName: name, PolicyArn: p.PolicyArn});
  for (const n of inline) await call('iam', 'DeleteUserPolicy', {UserName: name, PolicyName: n});
  for (const d of mfa) {
    await call('iam', 'DeactivateMFADevice', {UserName: name, SerialNumber: d.SerialNumber});
    await call('iam', 'DeleteVirtualMFADevice', {SerialNumber: d.SerialNumber});
  }
  try {
    await call('iam', 'DeleteLoginProfile', {UserName: name});
  } catch (e) {
    if (e.code !== 'NoSuchEntity') throw e;
  }
  await call('iam', 'DeleteUser', {UserName: name});
}

async function userGroupsPanel(panel, name) {
  const errors = errorBox(null);
  const holder = h('div');
  const refresh = async () => {
    const groups = await callAll('iam', 'ListGroupsForUser', {UserName: name}, 'Groups');
    clear(holder);
    holder.append(table([
      {label: 'Group name', render: (g) => link(hashFor('iam', 'groups', g.GroupName), g.GroupName)},
      {label: 'Actions', render: (g) => button('Remove', (ev) => runAction(ev.target, errors, async () => {
        await call('iam', 'RemoveUserFromGroup', {UserName: name, GroupName: g.GroupName});
        await refresh();
      }), 'danger', {'aria-label': `Remove from ${g.GroupName}`})},
    ], groups, {caption: 'Groups this user belongs to', empty: 'Not in any group.'}));
  };
  const add = button('Add user to groups', async () => {
    const picker = await groupPicker();
    const dlgErrors = errorBox(null);
    const dlg = openDialog(`Add ${name} to groups`, h('div', null, dlgErrors, picker.el), [
      button('Cancel', () => dlg.close()),
      button('Add to groups', (ev) => runAction(ev.target, dlgErrors, async () => {
        for (const g of picker.selected()) await call('iam', 'AddUserToGroup', {UserName: name, GroupName: g});
        dlg.close();
        await refresh();
      }), 'primary'),
    ]);
  }, 'primary');
  panel.append(errors, h('div', {class: 'actions'}, add), holder);
  await refresh();
}

async function credentialsPanel(panel, name) {
  const errors = errorBox(null);
  const consoleBox = h('div');
  const mfaBox = h('div');
  const keysBox = h('div');
  panel.append(errors, section('Console sign-in', consoleBox),
               section('Multi-factor authentication (MFA)', mfaBox), section('Access keys', keysBox));

  const refreshConsole = async () => {
    clear(consoleBox);
    let profile = null;
    try {
      profile = (await call('iam', 'GetLoginProfile', {UserName: name})).LoginProfile;
    } catch (e) {
      if (e.code !== 'NoSuchEntity') throw e;
    }
    const manage = () => {
      const pw = field(profile ? 'New password' : 'Console password', {type: 'password',
                                                                       autocomplete: 'new-password'});
      const reset = field('User must create a new password at next sign-in', {kind: 'checkbox', checked: true});
      const dlgErrors = errorBox(null);
      const dlg = openDialog('Manage console access', h('div', null, dlgErrors, pw, reset), [
        button('Cancel', () => dlg.close()),
        profile ? button('Disable console access', (ev) => runAction(ev.target, dlgErrors, async () => {
          await call('iam', 'DeleteLoginProfile', {UserName: name});
          dlg.close();
          await refreshConsole();
        }), 'danger') : null,
        button('Apply', (ev) => runAction(ev.target, dlgErrors, async () => {
          const input = {UserName: name, Password: pw.control.value,
                         PasswordResetRequired: reset.control.checked};
          await call('iam', profile ? 'UpdateLoginProfile' : 'CreateLoginProfile', input);
          dlg.close();
          await refreshConsole();
        }), 'primary'),
      ]);
    };
    consoleBox.append(keyValues([
      ['Console access', profile ? 'Enabled' : 'Disabled'],
      ['Created', profile ? fmtTime(profile.CreateDate) : '-'],
      ['Password reset required', profile ? (profile.PasswordResetRequired ? 'Yes' : 'No') : '-'],
    ]), h('div', {class: 'actions'}, button('Manage console access', manage)));
  };

  const refreshMfa = async () => {
    clear(mfaBox);
    const devices = await callAll('iam', 'ListMFADevices', {UserName: name}, 'MFADevices');
    mfaBox.append(table([
      {label: 'Identifier', render: (d) => d.SerialNumber, class: 'mono'},
      {label: 'Enabled', render: (d) => fmtTime(d.EnableDate)},
      {label: 'Actions', render: (d) => button('Remove', (ev) => runAction(ev.target, errors, async () => {
        if (!await confirmAction('Remove MFA device', `Remove ${d.SerialNumber}?`, 'Remove')) return;
        await call('iam', 'DeactivateMFADevice', {UserName: name, SerialNumber: d.SerialNumber});
        await call('iam', 'DeleteVirtualMFADevice', {SerialNumber: d.SerialNumber});
        await refreshMfa();
      }), 'danger')},
    ], devices, {empty: 'No MFA devices assigned.'}),
    h('div', {class: 'actions'}, button('Assign MFA device', () => assignMfa(name, refreshMfa))));
  };

  const refreshKeys = async () => {
    clear(keysBox);
    const keys = await callAll('iam', 'ListAccessKeys', {UserName: name}, 'AccessKeyMetadata');
    keysBox.append(table([
      {label: 'Access key ID', render: (k) => k.AccessKeyId, class: 'mono'},
      {label: 'Status', render: (k) => badge(k.Status, k.Status === 'Active' ? 'ok' : '')},
      {label: 'Created', render: (k) => fmtTime(k.CreateDate)},
      {label: 'Actions', render: (k) => h('div', {class: 'row'},
        button(k.Status === 'Active' ? 'Deactivate' : 'Activate', (ev) => runAction(ev.target, errors, async () => {
          await call('iam', 'UpdateAccessKey', {UserName: name, AccessKeyId: k.AccessKeyId,
                                                Status: k.Status === 'Active' ? 'Inactive' : 'Active'});
          await refreshKeys();
        })),
        button('Delete', (ev) => runAction(ev.target, errors, async () => {
          if (!await confirmAction('Delete access key', `Delete ${k.AccessKeyId}?`)) return;
          await call('iam', 'DeleteAccessKey', {UserName: name, AccessKeyId: k.AccessKeyId});
          await refreshKeys();
        }), 'danger'))},
    ], keys, {empty: 'No access keys.'}),
    h('div', {class: 'actions'}, button('Create access key', (ev) => runAction(ev.target, errors, async () => {
      const {AccessKey: key} = await call('iam', 'CreateAccessKey', {UserName: name});
      const dlg = openDialog('Retrieve access keys', h('div', null,
        notice('This is the only time the secret access key can be viewed or downloaded.', 'warning'),
        keyValues([['Access key', h('span', {class: 'secret'}, key.AccessKeyId)],
                   ['Secret access key', h('span', {class: 'secret'}, key.SecretAccessKey)]])), [
        button('Download .csv file', () => download(`${name}_accessKeys.csv`,
          `Access key ID,Secret access key\n${key.AccessKeyId},${key.SecretAccessKey}\n`, 'text/csv')),
        button('Done', () => dlg.close(), 'primary'),
      ]);
      await refreshKeys();
    }), 'primary')));
  };

  await Promise.all([refreshConsole(), refreshMfa(), refreshKeys()]).catch((e) => showError(errors, e));
}

// Base32StringSeed is a blob in the model, so the console API carries it base64-encoded; the
// authenticator app wants the base32 text itself.
function seedText(blob) {
  if (!blob) return '';
  try {
    const text = atob(blob);
    if (/^[A-Z2-7]+=*$/.test(text)) return text;
  } catch { /* not base64: show as is */ }
  return blob;
}

// Virtual MFA: CreateVirtualMFADevice returns the QR code PNG (base64) and the seed; two
// consecutive codes enable it.
function assignMfa(userName, done) {
  const devName = field('Device name', {value: userName, required: true});
  const dlgErrors = errorBox(null);
  const step2 = h('div', {hidden: true});
  let serial = null;
  const create = button('Show QR code', (ev) => runAction(ev.target, dlgErrors, async () => {
    const {VirtualMFADevice: d} = await call('iam', 'CreateVirtualMFADevice',
                                             {VirtualMFADeviceName: devName.control.value.trim()});
    serial = d.SerialNumber;
    const secret = h('span', {class: 'secret', hidden: true}, seedText(d.Base32StringSeed));
    const showSecret = button('Show secret key', () => {
      secret.hidden = !secret.hidden;
      showSecret.textContent = secret.hidden ? 'Show secret key' : 'Hide secret key';
    }, 'link');
    const c1 = field('MFA code 1', {attrs: {inputmode: 'numeric', maxlength: '6'}});
    const c2 = field('MFA code 2', {attrs: {inputmode: 'numeric', maxlength: '6'},
                                    hint: 'Wait for the code to change, then enter the next one.'});
    clear(step2);
    step2.append(h('p', null, 'Scan the QR code with your authenticator app, or enter the secret key.'),
                 d.QRCodePNG ? h('img', {class: 'qr', src: `data:image/png;base64,${d.QRCodePNG}`,
                                         alt: `QR code for MFA device ${serial}`}) : null,
                 h('p', null, showSecret, ' ', secret), h('p', {class: 'mono'}, serial), c1, c2);
    step2.hidden = false;
    create.hidden = true;
    enable.hidden = false;
    c1.control.focus();
    enable.codes = [c1.control, c2.control];
  }), 'primary');
  const enable = h('button', {type: 'button', class: 'primary', hidden: true}, 'Add MFA');
  enable.addEventListener('click', () => runAction(enable, dlgErrors, async () => {
    await call('iam', 'EnableMFADevice', {UserName: userName, SerialNumber: serial,
                                          AuthenticationCode1: enable.codes[0].value.trim(),
                                          AuthenticationCode2: enable.codes[1].value.trim()});
    enabled = true;
    dlg.close();
    toast('MFA device assigned.');
    await done();
  }));
  let enabled = false;
  const dlg = openDialog('Assign MFA device', h('div', null, dlgErrors, devName, step2),
                         [button('Cancel', () => dlg.close()), create, enable]);
  // A device created but never enabled is removed, so the name can be used again.
  dlg.addEventListener('close', () => {
    if (serial && !enabled) {
      call('iam', 'DeleteVirtualMFADevice', {SerialNumber: serial})
        .catch((e) => toast(`${e.code}: ${e.message}`, 'error'));
    }
  });
}

// ---------------------------------------------------------------- groups

async function renderGroups(page) {
  const groups = await callAll('iam', 'ListGroups', {}, 'Groups');
  page.append(pageHead(`User groups (${groups.length})`,
                       button('Create group', () => go('#/iam/groups/create'), 'primary')),
              filteredTable(groups, [
                {label: 'Group name', render: (g) => link(hashFor('iam', 'groups', g.GroupName), g.GroupName)},
                {label: 'Created', render: (g) => fmtTime(g.CreateDate)},
                {label: 'ARN', render: (g) => g.Arn, class: 'mono'},
              ], (g) => g.GroupName, {filterLabel: 'Find groups by name', empty: 'No groups.'}));
}

async function renderCreateGroup(page) {
  const errors = errorBox(null);
  const name = field('User group name', {required: true});
  const policies = await policyPicker();
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create group');
  const form = h('form', {novalidate: true}, name,
                 h('fieldset', null, h('legend', null, 'Attach permissions policies'), policies.el),
                 h('div', {class: 'actions'}, submit, button('Cancel', () => go('#/iam/groups'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    runAction(submit, errors, async () => {
      const groupName = name.control.value.trim();
      await call('iam', 'CreateGroup', {GroupName: groupName});
      for (const arn of policies.selected()) {
        await call('iam', 'AttachGroupPolicy', {GroupName: groupName, PolicyArn: arn});
      }
      toast(`Group ${groupName} created.`);
      go(hashFor('iam', 'groups', groupName));
    });
  });
  page.append(pageHead('Create user group'), errors, form);
}

async function renderGroup(page, {name}) {
  const errors = errorBox(null);
  const out = await call('iam', 'GetGroup', {GroupName: name});
  const del = button('Delete', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete group', `Delete group ${name}? Members are removed and policies detached.`)) return;
    const [attached, inline] = await Promise.all([
      callAll('iam', 'ListAttachedGroupPolicies', {GroupName: name}, 'AttachedPolicies'),
      callAll('iam', 'ListGroupPolicies', {GroupName: name}, 'PolicyNames')]);
    for (const u of out.Users || []) await call('iam', 'RemoveUserFromGroup', {GroupName: name, UserName: u.UserName});
    for (const p of attached) await call('iam', 'DetachGroupPolicy', {GroupName: name, PolicyArn: p.PolicyArn});
    for (const n of inline) await call('iam', 'DeleteGroupPolicy', {GroupName: name, PolicyName: n});
    await call('iam', 'DeleteGroup', {GroupName: name});
    go('#/iam/groups');
  }), 'danger');
  page.append(pageHead(name, del), errors, section('Summary', keyValues([
    ['ARN', out.Group.Arn], ['Created', fmtTime(out.Group.CreateDate)],
  ])), tabs([
    {label: 'Users', render: async (p) => {
      const holder = h('div');
      const refresh = async () => {
        const g = await call('iam', 'GetGroup', {GroupName: name});
        clear(holder);
        holder.append(table([
          {label: 'User name', render: (u) => link(hashFor('iam', 'users', u.UserName), u.UserName)},
          {label: 'Actions', render: (u) => button('Remove', (ev) => runAction(ev.target, errors, async () => {
            await call('iam', 'RemoveUserFromGroup', {GroupName: name, UserName: u.UserName});
            await refresh();
          }), 'danger', {'aria-label': `Remove ${u.UserName}`})},
        ], g.Users || [], {caption: 'Users in this group', empty: 'No users.'}));
      };
      const add = button('Add users', async () => {
        const users = await callAll('iam', 'ListUsers', {}, 'Users');
        const chosen = new Set();
        const list = h('div', {class: 'scroll-list', role: 'group', 'aria-label': 'Users'},
                       users.map((u) => {
                         const f = field(u.UserName, {kind: 'checkbox'});
                         f.control.addEventListener('change', () => {
                           if (f.control.checked) chosen.add(u.UserName); else chosen.delete(u.UserName);
                         });
                         return f;
                       }));
        const dlgErrors = errorBox(null);
        const dlg = openDialog(`Add users to ${name}`, h('div', null, dlgErrors, list), [
          button('Cancel', () => dlg.close()),
          button('Add users', (ev) => runAction(ev.target, dlgErrors, async () => {
            for (const u of chosen) await call('iam', 'AddUserToGroup', {GroupName: name, UserName: u});
            dlg.close();
            await refresh();
          }), 'primary')]);
      }, 'primary');
      p.append(h('div', {class: 'actions'}, add), holder);
      await refresh();
    }},
    {label: 'Permissions', render: async (p) => {
      await attachedPoliciesPanel('group', name, 'ListAttachedGroupPolicies', 'AttachGroupPolicy',
                                  'DetachGroupPolicy', 'GroupName')(p);
      const inline = h('div');
      p.append(inline);
      await inlinePoliciesPanel('GroupName', name, 'ListGroupPolicies', 'GetGroupPolicy',
                                'PutGroupPolicy', 'DeleteGroupPolicy')(inline);
    }},
  ]));
}

// ---------------------------------------------------------------- policies

async function renderPolicies(page, params, query) {
  const scope = query.get('scope') || 'Local';
  const policies = await listAllPolicies(scope);
  const scopeSel = field('Type', {kind: 'select', value: scope, options: [
    ['Local', 'Customer managed'], ['AWS', 'AWS managed'], ['All', 'All types']]});
  scopeSel.control.addEventListener('change', () => go(`#/iam/policies?scope=${scopeSel.control.value}`));
  page.append(pageHead(`Policies (${policies.length})`,
                       button('Create policy', () => go('#/iam/policies/create'), 'primary')),
              scopeSel,
              filteredTable(policies, [
                {label: 'Policy name', render: (p) => link(hashFor('iam', 'policies', p.Arn), p.PolicyName)},
                {label: 'Type', render: (p) => p.Arn.includes(':aws:policy/') ? 'AWS managed' : 'Customer managed'},
                {label: 'Attached entities', render: (p) => String(p.AttachmentCount ?? 0)},
                {label: 'Description', render: (p) => p.Description || ''},
              ], (p) => p.PolicyName, {filterLabel: 'Find policies by name', empty: 'No policies.'}));
}

const STARTER_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{Sid: 'Statement1', Effect: 'Allow', Action: [], Resource: []}],
}, null, 2);

async function renderCreatePolicy(page) {
  const errors = errorBox(null);
  const editor = policyEditor({value: STARTER_POLICY});
  const name = field('Policy name', {required: true,
                                     hint: 'Up to 128 letters, digits and + = , . @ - _'});
  const desc = field('Description - optional', {kind: 'textarea', rows: 2});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create policy');
  const form = h('form', {class: 'steps', novalidate: true},
                 h('fieldset', null, h('legend', null, 'Specify permissions'), editor.el),
                 h('fieldset', null, h('legend', null, 'Review and create'), name, desc),
                 h('div', {class: 'actions'}, submit, button('Cancel', () => go('#/iam/policies'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    runAction(submit, errors, async () => {
      if (!editor.valid()) {
        editor.textarea.focus();
        throw {code: 'MalformedPolicyDocument', message: 'The policy has errors; see the findings.'};
      }
      const input = {PolicyName: name.control.value.trim(), PolicyDocument: editor.value()};
      if (desc.control.value.trim()) input.Description = desc.control.value.trim();
      const {Policy: p} = await call('iam', 'CreatePolicy', input);
      toast(`Policy ${p.PolicyName} created.`);
      go(hashFor('iam', 'policies', p.Arn));
    });
  });
  page.append(pageHead('Create policy'), errors, form);
}

async function renderPolicy(page, {arn}) {
  const errors = errorBox(null);
  const {Policy: p} = await call('iam', 'GetPolicy', {PolicyArn: arn});
  const {PolicyVersion: v} = await call('iam', 'GetPolicyVersion',
                                        {PolicyArn: arn, VersionId: p.DefaultVersionId});
  const text = decodePolicyDocument(v.Document);
  const parsed = parseJson(text);
  const aws = arn.includes(':aws:policy/');
  const edit = aws ? null : button('Edit', () => {
    const editor = policyEditor({value: text});
    const dlgErrors = errorBox(null);
    const dlg = openDialog(`Edit ${p.PolicyName}`, h('div', null, dlgErrors, editor.el), [
      button('Cancel', () => dlg.close()),
      button('Save changes', (ev) => runAction(ev.target, dlgErrors, async () => {
        if (!editor.valid()) throw {code: 'MalformedPolicyDocument', message: 'Fix the errors in the policy first.'};
        const versions = await callAll('iam', 'ListPolicyVersions', {PolicyArn: arn}, 'Versions');
        if (versions.length >= 5) {
          const oldest = versions.filter((x) => !x.IsDefaultVersion)
            .sort((a, b) => String(a.CreateDate).localeCompare(String(b.CreateDate)))[0];
          if (oldest) await call('iam', 'DeletePolicyVersion', {PolicyArn: arn, VersionId: oldest.VersionId});
        }
        await call('iam', 'CreatePolicyVersion', {PolicyArn: arn, PolicyDocument: editor.value(),
                                                  SetAsDefault: true});
        dlg.close();
        toast('Policy saved as a new default version.');
        renderAgain();
      }), 'primary')]);
  }, 'primary');
  const del = aws ? null : button('Delete', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete policy', `Delete ${p.PolicyName}? It is detached from every entity first.`)) return;
    const ents = await call('iam', 'ListEntitiesForPolicy', {PolicyArn: arn});
    for (const u of ents.PolicyUsers || []) await call('iam', 'DetachUserPolicy', {UserName: u.UserName, PolicyArn: arn});
    for (const g of ents.PolicyGroups || []) await call('iam', 'DetachGroupPolicy', {GroupName: g.GroupName, PolicyArn: arn});
    for (const r of ents.PolicyRoles || []) await call('iam', 'DetachRolePolicy', {RoleName: r.RoleName, PolicyArn: arn});
    const versions = await callAll('iam', 'ListPolicyVersions', {PolicyArn: arn}, 'Versions');
    for (const x of versions) if (!x.IsDefaultVersion) await call('iam', 'DeletePolicyVersion', {PolicyArn: arn, VersionId: x.VersionId});
    await call('iam', 'DeletePolicy', {PolicyArn: arn});
    go('#/iam/policies');
  }), 'danger');
  const renderAgain = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  page.append(pageHead(p.PolicyName, edit, del), errors, section('Policy details', keyValues([
    ['ARN', p.Arn], ['Type', aws ? 'AWS managed' : 'Customer managed'],
    ['Description', p.Description], ['Default version', p.DefaultVersionId],
    ['Created', fmtTime(p.CreateDate)], ['Updated', fmtTime(p.UpdateDate)],
    ['Attached entities', String(p.AttachmentCount ?? 0)],
  ])), tabs([
    {label: 'Permissions', render: (panel) => {
      panel.append(parsed.value ? summaryTable(parsed.value) : null, h('h3', null, 'JSON'),
                   codeBlock(text, 'Policy document'));
    }},
    {label: 'Entities attached', render: async (panel) => {
      const ents = await call('iam', 'ListEntitiesForPolicy', {PolicyArn: arn});
      const rows = [...(ents.PolicyUsers || []).map((u) => ['User', u.UserName, hashFor('iam', 'users', u.UserName)]),
                    ...(ents.PolicyGroups || []).map((g) => ['Group', g.GroupName, hashFor('iam', 'groups', g.GroupName)]),
                    ...(ents.PolicyRoles || []).map((r) => ['Role', r.RoleName, hashFor('iam', 'roles', r.RoleName)])];
      panel.append(table([
        {label: 'Entity', render: (r) => link(r[2], r[1])}, {label: 'Type', render: (r) => r[0]},
      ], rows, {empty: 'Not attached to any entity.'}));
    }},
    {label: 'Policy versions', render: async (panel) => {
      const versions = await callAll('iam', 'ListPolicyVersions', {PolicyArn: arn}, 'Versions');
      panel.append(table([
        {label: 'Version', render: (x) => x.VersionId + (x.IsDefaultVersion ? ' (Default)' : '')},
        {label: 'Created', render: (x) => fmtTime(x.CreateDate)},
        {label: 'Actions', render: (x) => x.IsDefaultVersion || aws ? '' :
          button('Set as default', (ev) => runAction(ev.target, errors, async () => {
            await call('iam', 'SetDefaultPolicyVersion', {PolicyArn: arn, VersionId: x.VersionId});
            renderAgain();
          }))},
      ], versions));
    }},
  ]));
}

// ---------------------------------------------------------------- roles

async function renderRoles(page) {
  const roles = await callAll('iam', 'ListRoles', {}, 'Roles');
  page.append(pageHead(`Roles (${roles.length})`,
                       button('Create role', () => go('#/iam/roles/create'), 'primary')),
              filteredTable(roles, [
                {label: 'Role name', render: (r) => link(hashFor('iam', 'roles', r.RoleName), r.RoleName)},
                {label: 'Trusted entities', render: (r) => trustedEntities(r.AssumeRolePolicyDocument)},
                {label: 'Created', render: (r) => fmtTime(r.CreateDate)},
              ], (r) => r.RoleName, {filterLabel: 'Find roles by name', empty: 'No roles.'}));
}

function trustedEntities(doc) {
  const p = parseJson(decodePolicyDocument(doc));
  if (!p.value) return '-';
  const out = [];
  for (const st of [].concat(p.value.Statement || [])) {
    const pr = st.Principal || {};
    if (pr === '*') out.push('Anyone');
    for (const [k, v] of Object.entries(typeof pr === 'object' ? pr : {})) {
      for (const x of [].concat(v)) out.push(k === 'Service' ? `AWS service: ${x}` : `${k}: ${x}`);
    }
  }
  return out.join(', ') || '-';
}

function trustPolicyFor(kind, value) {
  const principal = kind === 'service' ? {Service: value} :
    {AWS: /^\d{12}$/.test(value) ? `arn:aws:iam::${value}:root` : value};
  return JSON.stringify({Version: '2012-10-17', Statement: [
    {Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole'}]}, null, 2);
}

async function renderCreateRole(page) {
  const errors = errorBox(null);
  const service = field('Service or use case', {kind: 'select', value: 'cloudtrail.amazonaws.com', options: [
    'cloudtrail.amazonaws.com', 'logs.amazonaws.com', 'sns.amazonaws.com', 'ec2.amazonaws.com',
    'lambda.amazonaws.com', 'monitoring.amazonaws.com', 's3.amazonaws.com']});
  const account = field('Account ID', {value: session.accountId});
  const trust = policyEditor({label: 'Custom trust policy', kind: 'trust',
                              value: trustPolicyFor('service', 'cloudtrail.amazonaws.com')});
  const panes = {service: h('div', null, service), account: h('div', {hidden: true}, account),
                 custom: h('div', {hidden: true}, trust.el)};
  const kind = radioGroup('Trusted entity type', 'trust-kind', [
    ['service', 'AWS service'], ['account', 'AWS account'], ['custom', 'Custom trust policy']],
  'service', (v) => { for (const [k, el] of Object.entries(panes)) el.hidden = k !== v; });
  const policies = await policyPicker();
  const name = field('Role name', {required: true});
  const desc = field('Description', {});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create role');
  const form = h('form', {class: 'steps', novalidate: true},
                 h('fieldset', null, h('legend', null, 'Select trusted entity'), kind, panes.service,
                   panes.account, panes.custom),
                 h('fieldset', null, h('legend', null, 'Add permissions'), policies.el),
                 h('fieldset', null, h('legend', null, 'Name, review, and create'), name, desc),
                 h('div', {class: 'actions'}, submit, button('Cancel', () => go('#/iam/roles'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    runAction(submit, errors, async () => {
      const k = kind.value();
      let doc;
      if (k === 'custom') {
        if (!trust.valid()) throw {code: 'MalformedPolicyDocument', message: 'Fix the trust policy first.'};
        doc = trust.value();
      } else {
        doc = trustPolicyFor(k, k === 'service' ? service.control.value : account.control.value.trim());
      }
      const roleName = name.control.value.trim();
      const input = {RoleName: roleName, AssumeRolePolicyDocument: doc};
      if (desc.control.value.trim()) input.Description = desc.control.value.trim();
      await call('iam', 'CreateRole', input);
      for (const arn of policies.selected()) await call('iam', 'AttachRolePolicy', {RoleName: roleName, PolicyArn: arn});
      toast(`Role ${roleName} created.`);
      go(hashFor('iam', 'roles', roleName));
    });
  });
  page.append(pageHead('Create role'), errors, form);
}

async function renderRole(page, {name}) {
  const errors = errorBox(null);
  const {Role: role} = await call('iam', 'GetRole', {RoleName: name});
  const trustText = decodePolicyDocument(role.AssumeRolePolicyDocument);
  const del = button('Delete', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete role', `Delete role ${name}? Its policies are removed first.`)) return;
    const [attached, inline] = await Promise.all([
      callAll('iam', 'ListAttachedRolePolicies', {RoleName: name}, 'AttachedPolicies'),
      callAll('iam', 'ListRolePolicies', {RoleName: name}, 'PolicyNames')]);
    for (const p of attached) await call('iam', 'DetachRolePolicy', {RoleName: name, PolicyArn: p.PolicyArn});
    for (const n of inline) await call('iam', 'DeleteRolePolicy', {RoleName: name, PolicyName: n});
    await call('iam', 'DeleteRole', {RoleName: name});
    go('#/iam/roles');
  }), 'danger');
  page.append(pageHead(name, del), errors, section('Summary', keyValues([
    ['ARN', role.Arn], ['Description', role.Description], ['Created', fmtTime(role.CreateDate)],
    ['Maximum session duration', `${role.MaxSessionDuration || 3600} seconds`],
  ])), tabs([
    {label: 'Permissions', render: async (p) => {
      await attachedPoliciesPanel('role', name, 'ListAttachedRolePolicies', 'AttachRolePolicy',
                                  'DetachRolePolicy', 'RoleName')(p);
      const inline = h('div');
      p.append(inline);
      await inlinePoliciesPanel('RoleName', name, 'ListRolePolicies', 'GetRolePolicy',
                                'PutRolePolicy', 'DeleteRolePolicy')(inline);
    }},
    {label: 'Trust relationships', render: (p) => {
      const editor = policyEditor({label: 'Trust policy', kind: 'trust', value: trustText});
      const save = button('Update policy', (ev) => runAction(ev.target, errors, async () => {
        if (!editor.valid()) throw {code: 'MalformedPolicyDocument', message: 'Fix the trust policy first.'};
        await call('iam', 'UpdateAssumeRolePolicy', {RoleName: name, PolicyDocument: editor.value()});
        toast('Trust policy updated.');
      }), 'primary');
      p.append(editor.el, h('div', {class: 'actions'}, save));
    }},
  ]));
}

// ---------------------------------------------------------------- account settings

async function renderAccountSettings(page) {
  const errors = errorBox(null);
  let policy = null;
  try {
    policy = (await call('iam', 'GetAccountPasswordPolicy', {})).PasswordPolicy;
  } catch (e) {
    if (e.code !== 'NoSuchEntity') throw e;
  }
  const p = policy || {};
  const minLen = field('Minimum password length', {type: 'number', value: p.MinimumPasswordLength || 8,
                                                   attrs: {min: '6', max: '128'}});
  const checks = [
    ['RequireUppercaseCharacters', 'Require at least one uppercase letter from the Latin alphabet (A-Z)'],
    ['RequireLowercaseCharacters', 'Require at least one lowercase letter from the Latin alphabet (a-z)'],
    ['RequireNumbers', 'Require at least one number'],
    ['RequireSymbols', 'Require at least one nonalphanumeric character'],
    ['AllowUsersToChangePassword', 'Allow users to change their own password'],
    ['HardExpiry', 'Prevent password reuse after expiration (require administrator reset)'],
  ].map(([key, label]) => [key, field(label, {kind: 'checkbox', checked: Boolean(p[key])})]);
  const maxAge = field('Password expiration (days, 0 = never)', {type: 'number', value: p.MaxPasswordAge || 0,
                                                                 attrs: {min: '0', max: '1095'}});
  const reuse = field('Prevent password reuse (remembered passwords, 0 = off)', {type: 'number',
                      value: p.PasswordReusePrevention || 0, attrs: {min: '0', max: '24'}});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Save changes');
  const reset = policy ? button('Reset to default', (ev) => runAction(ev.target, errors, async () => {
    await call('iam', 'DeleteAccountPasswordPolicy', {});
    toast('Password policy deleted: IAM defaults apply.');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }), 'danger') : null;
  const form = h('form', {novalidate: true},
                 h('fieldset', null, h('legend', null, 'Password policy'), minLen,
                   checks.map(([, f]) => f), maxAge, reuse),
                 h('div', {class: 'actions'}, submit, reset));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    runAction(submit, errors, async () => {
      const input = {MinimumPasswordLength: Number(minLen.control.value)};
      for (const [key, f] of checks) input[key] = f.control.checked;
      if (Number(maxAge.control.value) > 0) input.MaxPasswordAge = Number(maxAge.control.value);
      if (Number(reuse.control.value) > 0) input.PasswordReusePrevention = Number(reuse.control.value);
      await call('iam', 'UpdateAccountPasswordPolicy', input);
      toast('Password policy saved.');
    });
  });
  const soft = softErrors();
  const alias = await soft(call('iam', 'ListAccountAliases', {}), {AccountAliases: []});
  page.append(pageHead('Account settings'), errors, soft.box,
              section('Account', keyValues([['Account ID', session.accountId],
                                            ['Account alias', (alias.AccountAliases || []).join(', ')]])),
              policy ? null : notice('This account uses the default IAM password policy.', 'info'),
              form);
}

// ---------------------------------------------------------------- credential report

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') {
      row.push(cell); rows.push(row); row = []; cell = '';
    } else if (c !== '\r') cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

function decodeBase64(b64) {
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

async function renderCredentialReport(page) {
  const errors = errorBox(null);
  const holder = h('div');
  const load = async () => {
    let report;
    for (let i = 0; i < 20; i++) {
      const g = await call('iam', 'GenerateCredentialReport', {});
      if (g.State === 'COMPLETE') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    report = await call('iam', 'GetCredentialReport', {});
    const csv = report.Content ? decodeBase64(report.Content) : '';
    const rows = parseCsv(csv.trim());
    const [head = [], ...body] = rows;
    clear(holder);
    const show = ['user', 'arn', 'password_enabled', 'password_last_used', 'mfa_active',
                  'access_key_1_active', 'access_key_1_last_used_date', 'access_key_2_active'];
    const idx = show.map((s) => head.indexOf(s)).filter((i) => i >= 0);
    holder.append(keyValues([['Generated', fmtTime(report.GeneratedTime)]]),
                  table(idx.map((i) => ({label: head[i], render: (r) => r[i] ?? ''})), body,
                        {caption: 'Credential report'}),
                  h('div', {class: 'actions'}, button('Download report', () =>
                    download('credential-report.csv', csv, 'text/csv'))));
  };
  page.append(pageHead('Credential report', button('Generate report', (ev) =>
    runAction(ev.target, errors, load), 'primary')), errors,
              h('p', null, 'The report lists every user and the status of their credentials: ' +
                           'passwords, access keys and MFA devices.'), holder);
  await runAction(null, errors, load);
}

export const routes = [
  {path: 'iam/users', render: renderUsers},
  {path: 'iam/users/create', render: renderCreateUser},
  {path: 'iam/users/:name', render: renderUser},
  {path: 'iam/groups', render: renderGroups},
  {path: 'iam/groups/create', render: renderCreateGroup},
  {path: 'iam/groups/:name', render: renderGroup},
  {path: 'iam/policies', render: renderPolicies},
  {path: 'iam/policies/create', render: renderCreatePolicy},
  {path: 'iam/policies/:arn', render: renderPolicy},
  {path: 'iam/roles', render: renderRoles},
  {path: 'iam/roles/create', render: renderCreateRole},
  {path: 'iam/roles/:name', render: renderRole},
  {path: 'iam/account-settings', render: renderAccountSettings},
  {path: 'iam/credential-report', render: renderCredentialReport},
];
