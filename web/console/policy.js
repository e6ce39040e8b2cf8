// The policy JSON editor: validates as you type (JSON syntax with line and column, then the IAM
// policy grammar: elements, Effect, action and ARN formats, condition operators, limits) and shows
// a visual summary of what the policy allows or denies, per service.
import {h, clear, uid, debounce, table, button} from './ui.js';
import {call} from './api.js';

const SERVICE_NAMES = {
  '*': 'All services', iam: 'IAM', sts: 'STS', s3: 'S3', logs: 'CloudWatch Logs',
  cloudwatch: 'CloudWatch', sns: 'SNS', cloudtrail: 'CloudTrail', ec2: 'EC2', lambda: 'Lambda',
  kms: 'KMS', dynamodb: 'DynamoDB', sqs: 'SQS', 'access-analyzer': 'IAM Access Analyzer',
  organizations: 'Organizations', events: 'EventBridge', rds: 'RDS', signin: 'Sign-in',
  'aws-portal': 'Billing', config: 'Config', secretsmanager: 'Secrets Manager', ssm: 'Systems Manager',
};

const CONDITION_OPERATORS = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase',
  'StringLike', 'StringNotLike', 'NumericEquals', 'NumericNotEquals', 'NumericLessThan',
  'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals', 'DateEquals',
  'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan',
  'DateGreaterThanEquals', 'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals',
  'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
]);

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction',
                                'Resource', 'NotResource', 'Condition']);

function asList(v) {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function lineCol(text, pos) {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return {line, col};
}

// Finds where JSON text first goes wrong (browsers' JSON.parse messages do not all say where).
// Returns {pos, message} or null when the text is valid JSON.
export function locateJsonError(text) {
  let i = 0;
  const fail = (message) => { throw {pos: i, message}; };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const describe = () => (i >= text.length ? 'the end of the text' : `"${text[i]}"`);
  const literal = (word) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describe()}`);
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape in a string');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i])) fail('bad escape in a string');
      } else if (text.charCodeAt(i) < 0x20) fail('control character in a string (escape it)');
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
  };
  const number = () => {
    const m = text.slice(i).match(/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/);
    if (!m || m[0] === '' || m[0] === '-') fail(`unexpected ${describe()}`);
    i += m[0].length;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ":" after the property name, found ${describe()}`);
        i++;
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail(`expected "," or "}", found ${describe()}`);
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail(`expected "," or "]", found ${describe()}`);
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else fail(`unexpected ${describe()}`);
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the document`);
    return null;
  } catch (e) {
    if (e && typeof e.pos === 'number') return e;
    throw e;
  }
}

// Parses JSON and reports a syntax error with its line and column.
export function parseJson(text) {
  try {
    return {value: JSON.parse(text)};
  } catch (e) {
    const where = locateJsonError(text);
    if (!where) return {error: `JSON syntax error: ${e.message}`};
    const p = lineCol(text, where.pos);
    return {error: `JSON syntax error at line ${p.line}, column ${p.col}: ${where.message}.`};
  }
}

function checkAction(a, where, findings) {
  if (typeof a !== 'string') {
    findings.push({level: 'error', text: `${where}: an action must be a string.`});
    return;
  }
  if (a === '*') return;
  const m = a.match(/^([a-zA-Z0-9-]+):([A-Za-z0-9*?]+)$/);
  if (!m) {
    findings.push({level: 'error',
                   text: `${where}: "${a}" is not an action. Use the form service:Action ` +
                         '(for example s3:GetObject or iam:*).'});
    return;
  }
  if (m[1] !== m[1].toLowerCase()) {
    findings.push({level: 'warning', text: `${where}: service prefixes are lower case ("${m[1]}").`});
  }
}

function checkResource(r, where, findings) {
  if (typeof r !== 'string') {
    findings.push({level: 'error', text: `${where}: a resource must be a string.`});
    return;
  }
  if (r === '*') return;
  if (!r.startsWith('arn:')) {
    findings.push({level: 'error', text: `${where}: "${r}" is not an ARN or "*". ` +
                                       'Resources start with arn:partition:service:.'});
    return;
  }
  if (r.split(':').length < 6) {
    findings.push({level: 'error', text: `${where}: the ARN "${r}" needs six colon-separated ` +
                                       'parts: arn:partition:service:region:account:resource.'});
  }
}

function checkCondition(cond, where, findings) {
  if (typeof cond !== 'object' || cond === null || Array.isArray(cond)) {
    findings.push({level: 'error', text: `${where}: Condition must be an object of operators.`});
    return;
  }
  for (const [op, block] of Object.entries(cond)) {
    let base = op.replace(/^(ForAllValues|ForAnyValue):/, '');
    if (base.endsWith('IfExists')) base = base.slice(0, -'IfExists'.length);
    if (!CONDITION_OPERATORS.has(base)) {
      findings.push({level: 'error', text: `${where}: "${op}" is not a condition operator.`});
    }
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      findings.push({level: 'error', text: `${where}: the ${op} block must map condition keys ` +
                                         'to values.'});
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      if (!/^[A-Za-z0-9-]+:[^\s]+$/.test(key)) {
        findings.push({level: 'warning', text: `${where}: "${key}" does not look like a ` +
                                             'condition key (prefix:Name).'});
      }
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        findings.push({level: 'error', text: `${where}: the value of ${key} must be a string, ` +
                                           'number, boolean or a list of them.'});
      }
    }
  }
}

// kind: 'identity' (managed/inline policies) or 'trust' (a role's trust policy).
export function validatePolicy(text, kind = 'identity') {
  const findings = [];
  if (!text.trim()) return {findings: [{level: 'error', text: 'The policy is empty.'}]};
  const parsed = parseJson(text);
  if (parsed.error) return {findings: [{level: 'error', text: parsed.error}]};
  const doc = parsed.value;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return {findings: [{level: 'error', text: 'A policy is a JSON object.'}]};
  }
  const compact = JSON.stringify(doc).length;
  const limit = kind === 'trust' ? 2048 : 6144;
  if (compact > limit) {
    findings.push({level: 'error', text: `The policy is ${compact} characters without ` +
                                       `whitespace; the limit is ${limit}.`});
  }
  for (const key of Object.keys(doc)) {
    if (!['Version', 'Id', 'Statement'].includes(key)) {
      findings.push({level: 'error', text: `"${key}" is not a policy element ` +
                                         '(expected Version, Id, Statement).'});
    }
  }
  if (doc.Version === undefined) {
    findings.push({level: 'warning', text: 'Add "Version": "2012-10-17"; without it policy ' +
                                         'variables are not supported.'});
  } else if (!['2012-10-17', '2008-10-17'].includes(doc.Version)) {
    findings.push({level: 'error', text: `Version "${doc.Version}" is not valid; use ` +
                                       '"2012-10-17".'});
  }
  if (doc.Statement === undefined) {
    findings.push({level: 'error', text: 'The policy has no Statement.'});
    return {doc, findings};
  }
  const statements = asList(doc.Statement);
  if (statements.length === 0) findings.push({level: 'error', text: 'Statement is empty.'});
  const sids = new Set();
  statements.forEach((st, i) => {
    const where = `Statement ${i + 1}${st && st.Sid ? ` (${st.Sid})` : ''}`;
    if (typeof st !== 'object' || st === null || Array.isArray(st)) {
      findings.push({level: 'error', text: `${where}: a statement is a JSON object.`});
      return;
    }
    for (const key of Object.keys(st)) {
      if (!STATEMENT_KEYS.has(key)) {
        findings.push({level: 'error', text: `${where}: "${key}" is not a statement element.`});
      }
    }
    if (st.Sid !== undefined) {
      if (typeof st.Sid !== 'string' || (kind === 'identity' && !/^[A-Za-z0-9]*$/.test(st.Sid))) {
        findings.push({level: 'error', text: `${where}: Sid must contain only letters and digits.`});
      }
      if (sids.has(st.Sid)) findings.push({level: 'error', text: `${where}: duplicate Sid.`});
      sids.add(st.Sid);
    }
    if (st.Effect === undefined) {
      findings.push({level: 'error', text: `${where}: Effect is required.`});
    } else if (st.Effect !== 'Allow' && st.Effect !== 'Deny') {
      findings.push({level: 'error', text: `${where}: Effect must be "Allow" or "Deny".`});
    }
    const hasAction = st.Action !== undefined;
    const hasNotAction = st.NotAction !== undefined;
    if (hasAction === hasNotAction) {
      findings.push({level: 'error', text: `${where}: use exactly one of Action or NotAction.`});
    }
    if (hasAction !== hasNotAction && asList(st.Action ?? st.NotAction).length === 0) {
      findings.push({level: 'error', text: `${where}: the statement names no action.`});
    }
    asList(st.Action ?? st.NotAction).forEach((a) => checkAction(a, where, findings));
    const hasPrincipal = st.Principal !== undefined || st.NotPrincipal !== undefined;
    if (kind === 'identity') {
      if (hasPrincipal) {
        findings.push({level: 'error', text: `${where}: identity policies cannot name a ` +
                                           'Principal; use a trust or resource policy.'});
      }
      if ((st.Resource !== undefined) === (st.NotResource !== undefined)) {
        findings.push({level: 'error', text: `${where}: use exactly one of Resource or ` +
                                           'NotResource.'});
      }
    } else if (!hasPrincipal) {
      findings.push({level: 'error', text: `${where}: a trust policy names a Principal.`});
    }
    if ((st.Resource !== undefined || st.NotResource !== undefined) &&
        asList(st.Resource ?? st.NotResource).length === 0) {
      findings.push({level: 'error', text: `${where}: the statement names no resource.`});
    }
    asList(st.Resource ?? st.NotResource).forEach((r) => checkResource(r, where, findings));
    if (st.Condition !== undefined) checkCondition(st.Condition, where, findings);
    const actions = asList(st.Action);
    const resources = asList(st.Resource);
    if (st.Effect === 'Allow' && actions.includes('*') && resources.includes('*') && !st.Condition) {
      findings.push({level: 'warning', text: `${where}: allows every action on every resource ` +
                                           '(full administrator access).'});
    }
    if (st.Effect === 'Allow' && st.NotAction !== undefined) {
      findings.push({level: 'warning', text: `${where}: Allow with NotAction grants every ` +
                                           'action not listed, including future ones.'});
    }
    if (st.Effect === 'Allow' && actions.some((a) => /^iam:(PassRole|\*)$/.test(a)) &&
        resources.includes('*')) {
      findings.push({level: 'warning', text: `${where}: iam:PassRole on every resource lets ` +
                                           'the principal pass any role to a service.'});
    }
  });
  return {doc, findings};
}

// Per service: effect, actions, resources, conditions.
export function summarizePolicy(doc) {
  const rows = new Map();
  for (const st of asList(doc && doc.Statement)) {
    if (!st || typeof st !== 'object') continue;
    const not = st.NotAction !== undefined;
    for (const a of asList(st.Action ?? st.NotAction)) {
      if (typeof a !== 'string') continue;
      const service = a === '*' ? '*' : a.split(':')[0];
      const action = a === '*' ? '*' : a.split(':').slice(1).join(':');
      const key = `${st.Effect}|${service}|${not}`;
      if (!rows.has(key)) {
        rows.set(key, {effect: st.Effect, service, not, actions: new Set(), resources: new Set(),
                       conditions: new Set()});
      }
      const row = rows.get(key);
      row.actions.add(action === '*' ? 'All actions' : action);
      for (const r of asList(st.Resource ?? st.NotResource)) {
        row.resources.add(r === '*' ? 'All resources' : (st.NotResource ? `not ${r}` : r));
      }
      if (st.Condition && typeof st.Condition === 'object') {
        for (const [op, block] of Object.entries(st.Condition)) {
          for (const [k, v] of Object.entries(block || {})) {
            row.conditions.add(`${k} ${op} ${JSON.stringify(v)}`);
          }
        }
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.service.localeCompare(b.service));
}

export function summaryTable(doc) {
  const rows = summarizePolicy(doc);
  return table([
    {label: 'Service', render: (r) => SERVICE_NAMES[r.service] ?
      `${SERVICE_NAMES[r.service]}${r.service === '*' ? '' : ` (${r.service})`}` : r.service},
    {label: 'Effect', render: (r) => h('span', {class: `badge ${r.effect === 'Allow' ? 'ok' : 'alarm'}`},
                                        r.effect || '?')},
    {label: 'Actions', render: (r) => (r.not ? 'All except: ' : '') + [...r.actions].join(', ')},
    {label: 'Resources', render: (r) => [...r.resources].join(', ') || '-'},
    {label: 'Request conditions', render: (r) => [...r.conditions].join('; ') || 'None'},
  ], rows, {caption: 'Policy summary', empty: 'This policy grants nothing.'});
}

// The editor widget: a labelled JSON text area, findings (live region) and summary.
export function policyEditor({label = 'Policy editor', value = '', kind = 'identity',
                              onchange} = {}) {
  const id = uid('policy');
  const findingsId = `${id}-findings`;
  const textarea = h('textarea', {id, class: 'code', spellcheck: 'false', rows: 18,
                                  'aria-describedby': findingsId, autocomplete: 'off'});
  textarea.value = value;
  const findingsEl = h('div', {id: findingsId, 'aria-live': 'polite'});
  const summaryEl = h('div', {class: 'summary'});
  const serverEl = h('div', {'aria-live': 'polite'});
  let state = {findings: []};
  let serverSeq = 0;
  // Once the policy passes the checks here, IAM's own parser and the policy simulator
  // (SimulateCustomPolicy) judge it: a MalformedPolicyDocument finding as IAM words it, and
  // the decision for each concrete action the policy names.
  const serverCheck = debounce(async () => {
    const seq = ++serverSeq;
    clear(serverEl);
    if (kind !== 'identity' || !state.doc || state.findings.some((f) => f.level === 'error')) return;
    const actions = [...new Set(asList(state.doc.Statement).flatMap((st) => asList(st && st.Action))
      .filter((a) => typeof a === 'string' && /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)))].slice(0, 20);
    if (actions.length === 0) return;
    try {
      const out = await call('iam', 'SimulateCustomPolicy', {PolicyInputList: [textarea.value],
                                                             ActionNames: actions});
      if (seq !== serverSeq) return;
      serverEl.append(table([
        {label: 'Action', render: (r) => r.EvalActionName},
        {label: 'Decision on all resources', render: (r) => h('span', {class: `badge ${r.EvalDecision === 'allowed' ? 'ok' : 'alarm'}`},
                                                             r.EvalDecision)},
      ], out.EvaluationResults || [], {caption: 'Policy simulator (IAM)'}));
    } catch (e) {
      if (seq !== serverSeq) return;
      if (e.code === 'AccessDenied' || e.code === 'NotSignedIn') return;  // no simulator for this user
      serverEl.append(h('ul', {class: 'findings'}, h('li', {class: 'error'},
                        h('strong', null, `IAM: ${e.code}: `), e.message)));
    }
  }, 800);
  const update = () => {
    state = validatePolicy(textarea.value, kind);
    clear(findingsEl);
    const errors = state.findings.filter((f) => f.level === 'error').length;
    const warnings = state.findings.length - errors;
    findingsEl.append(h('h3', null, `Findings: ${errors} error${errors === 1 ? '' : 's'}, ` +
                                    `${warnings} warning${warnings === 1 ? '' : 's'}`),
                      h('ul', {class: 'findings'},
                        state.findings.length === 0 ?
                          h('li', {class: 'ok'}, 'No errors: the policy is valid.') :
                          state.findings.map((f) => h('li', {class: f.level},
                                                      h('strong', null, f.level === 'error' ?
                                                        'Error: ' : 'Warning: '), f.text))));
    clear(summaryEl);
    if (state.doc && kind === 'identity') summaryEl.append(summaryTable(state.doc));
    if (onchange) onchange(state);
    serverCheck();
  };
  const later = debounce(update, 250);
  textarea.addEventListener('input', later);
  const format = button('Format JSON', () => {
    const p = parseJson(textarea.value);
    if (!p.error) textarea.value = JSON.stringify(p.value, null, 2);
    update();
  });
  const el = h('div', {class: 'policy-editor'},
               h('div', {class: 'editor-grid'},
                 h('div', {class: 'field'}, h('label', {for: id}, label), textarea,
                   h('div', {class: 'row'}, format)),
                 h('div', null, findingsEl)),
               summaryEl, serverEl);
  update();
  return {
    el,
    textarea,
    value: () => textarea.value,
    setValue: (v) => { textarea.value = v; update(); },
    valid: () => { update(); return !state.findings.some((f) => f.level === 'error'); },
    findings: () => state.findings,
  };
}

// IAM returns policy documents URL-encoded in its XML; accept either that or plain JSON.
export function decodePolicyDocument(doc) {
  if (doc === undefined || doc === null) return '';
  if (typeof doc === 'object') return JSON.stringify(doc, null, 2);
  let text = String(doc);
  if (/^%7B/i.test(text.trim()) || /%22/.test(text)) {
    try { text = decodeURIComponent(text.replace(/\+/g, ' ')); } catch { /* keep as is */ }
  }
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}
