// CloudWatch pages: log groups, streams and events (JSON pretty-printed), metric filters (create
// wizard with a live TestMetricFilter), Logs Insights (CWLI, SQL, PPL), metrics with a uPlot
// chart (1h/3h/12h/1d, local or UTC), and alarms (create wizard, list, detail with the chart,
// threshold line and history).
import {call, callAll} from './api.js';
import {
  h, clear, field, radioGroup, button, errorBox, showError, table, keyValues, section, loading,
  confirmAction, fmtTime, badge, codeBlock, runAction, toast, tabs, hashFor, link, notice,
  prettyJson, debounce, uid, softErrors,
} from './ui.js';
import {pageHead} from './iam.js';
import {timeSeriesChart} from './chart.js';

export const CW = 'monitoring';  // the console API's name for CloudWatch metrics and alarms

function go(hash) {
  location.hash = hash;
}

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

// ---------------------------------------------------------------- log groups

async function renderLogGroups(page) {
  const errors = errorBox(null);
  const groups = await callAll('logs', 'DescribeLogGroups', {}, 'logGroups', 'nextToken', 'nextToken');
  const create = button('Create log group', () => {
    const name = field('Log group name', {required: true});
    const retention = field('Retention setting', {kind: 'select', value: '', options: [
      ['', 'Never expire'], ['1', '1 day'], ['7', '1 week'], ['30', '1 month'], ['90', '3 months'],
      ['365', '1 year']]});
    const errs = errorBox(null);
    const form = h('form', {novalidate: true}, errs, name, retention,
                   h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Create')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      runAction(form.querySelector('button[type=submit]'), errs, async () => {
        const n = name.control.value.trim();
        await call('logs', 'CreateLogGroup', {logGroupName: n});
        if (retention.control.value) {
          await call('logs', 'PutRetentionPolicy', {logGroupName: n,
                                                     retentionInDays: Number(retention.control.value)});
        }
        toast(`Log group ${n} created.`);
        go(hashFor('cloudwatch', 'log-groups', n));
      });
    });
    clear(createBox);
    createBox.append(section('Create log group', form));
    name.control.focus();
  }, 'primary');
  const createBox = h('div');
  const holder = h('div');
  const render = (q) => {
    clear(holder);
    holder.append(table([
      {label: 'Log group', render: (g) => link(hashFor('cloudwatch', 'log-groups', g.logGroupName), g.logGroupName)},
      {label: 'Retention', render: (g) => (g.retentionInDays ? `${g.retentionInDays} days` : 'Never expire')},
      {label: 'Metric filters', render: (g) => String(g.metricFilterCount ?? 0)},
      {label: 'Stored bytes', render: (g) => String(g.storedBytes ?? 0)},
      {label: 'Created', render: (g) => fmtTime(g.creationTime)},
    ], groups.filter((g) => !q || g.logGroupName.toLowerCase().includes(q)), {empty: 'No log groups.'}));
  };
  const filter = field('Filter log groups', {type: 'search'});
  filter.control.addEventListener('input', () => render(filter.control.value.trim().toLowerCase()));
  render('');
  page.append(pageHead(`Log groups (${groups.length})`, create), errors, createBox, filter, holder);
}

async function renderLogGroup(page, {name}) {
  const errors = errorBox(null);
  const out = await call('logs', 'DescribeLogGroups', {logGroupNamePrefix: name});
  const g = (out.logGroups || []).find((x) => x.logGroupName === name);
  if (!g) throw {code: 'ResourceNotFoundException', message: `The log group ${name} does not exist.`};
  const del = button('Delete log group', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete log group', `Delete ${name} and all its log events?`)) return;
    await call('logs', 'DeleteLogGroup', {logGroupName: name});
    go('#/cloudwatch/log-groups');
  }), 'danger');
  page.append(pageHead(name, button('Create metric filter', () =>
    go(hashFor('cloudwatch', 'log-groups', name, 'create-metric-filter')), 'primary'), del), errors,
  section('Log group details', keyValues([
    ['ARN', g.arn], ['Creation time', fmtTime(g.creationTime)],
    ['Retention', g.retentionInDays ? `${g.retentionInDays} days` : 'Never expire'],
    ['Stored bytes', String(g.storedBytes ?? 0)], ['Metric filters', String(g.metricFilterCount ?? 0)],
  ])), tabs([
    {label: 'Log streams', render: async (p) => {
      const streams = await callAll('logs', 'DescribeLogStreams', {logGroupName: name, orderBy: 'LastEventTime',
                                    descending: true}, 'logStreams', 'nextToken', 'nextToken', 5);
      p.append(table([
        {label: 'Log stream', render: (s) => link(hashFor('cloudwatch', 'log-groups', name, 'streams', s.logStreamName),
                                                 s.logStreamName)},
        {label: 'Last event time', render: (s) => fmtTime(s.lastEventTimestamp)},
        {label: 'Created', render: (s) => fmtTime(s.creationTime)},
      ], streams, {empty: 'No log streams.'}));
    }},
    {label: 'Metric filters', render: async (p) => {
      const filters = await callAll('logs', 'DescribeMetricFilters', {logGroupName: name}, 'metricFilters',
                                    'nextToken', 'nextToken');
      p.append(metricFilterTable(filters, errors));
    }},
    {label: 'Search log group', render: (p) => searchEvents(p, name)},
  ]));
}

// Events of a group (FilterLogEvents) or of one stream, with a filter pattern and JSON expansion.
function eventList(events) {
  return table([
    {label: 'Timestamp', render: (e) => fmtTime(e.timestamp)},
    {label: 'Message', render: (e) => {
      const text = e.message || '';
      const pretty = prettyJson(text);
      if (pretty === text) return h('span', {class: 'mono'}, text);
      return h('details', null, h('summary', {class: 'mono'}, text.length > 160 ? text.slice(0, 160) + '…' : text),
               codeBlock(pretty, 'Log event JSON'));
    }},
    {label: 'Stream', render: (e) => e.logStreamName || ''},
  ], events, {empty: 'No events found.'});
}

async function searchEvents(panel, group, stream) {
  const errors = errorBox(null);
  const pattern = field('Filter events', {type: 'search', hint: 'A filter pattern, for example ' +
                        '{ $.eventName = "ConsoleLogin" } or ERROR. Empty shows every event.'});
  const holder = h('div', null, loading());
  let nextToken = null;
  const more = button('Load more', () => load(true));
  more.hidden = true;
  const load = async (append = false) => {
    await runAction(null, errors, async () => {
      const input = {logGroupName: group, limit: 100};
      if (stream) input.logStreamNames = [stream];
      if (pattern.control.value.trim()) input.filterPattern = pattern.control.value.trim();
      if (append && nextToken) input.nextToken = nextToken;
      const out = await call('logs', 'FilterLogEvents', input);
      nextToken = out.nextToken || null;
      more.hidden = !nextToken;
      const events = (out.events || []).sort((a, b) => b.timestamp - a.timestamp);
      if (!append) clear(holder);
      holder.append(eventList(events));
    });
  };
  const form = h('form', {class: 'row', role: 'search'}, pattern,
                 h('button', {type: 'submit', class: 'primary'}, 'Search'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  panel.append(errors, form, holder, more);
  await load();
}

async function renderStream(page, {name, stream}) {
  const errors = errorBox(null);
  const holder = h('div', null, loading());
  const load = () => runAction(null, errors, async () => {
    const out = await call('logs', 'GetLogEvents', {logGroupName: name, logStreamName: stream,
                                                    startFromHead: false, limit: 200});
    clear(holder);
    holder.append(eventList((out.events || []).slice().reverse()));
  });
  page.append(pageHead(stream, button('Refresh', load)),
              h('p', null, 'Log group: ', link(hashFor('cloudwatch', 'log-groups', name), name)),
              errors, section('Log events', holder), section('Search this stream', h('div', {id: uid('s')})));
  await load();
  await searchEvents(page.lastChild, name, stream);
}

// ---------------------------------------------------------------- metric filters

function metricFilterTable(filters, errors) {
  return table([
    {label: 'Filter name', render: (f) => f.filterName},
    {label: 'Log group', render: (f) => link(hashFor('cloudwatch', 'log-groups', f.logGroupName), f.logGroupName)},
    {label: 'Filter pattern', render: (f) => h('code', null, f.filterPattern || '(all events)')},
    {label: 'Metric', render: (f) => (f.metricTransformations || []).map((t) =>
      `${t.metricNamespace} / ${t.metricName} = ${t.metricValue}`).join('; ')},
    {label: 'Actions', render: (f) => {
      const t = (f.metricTransformations || [])[0] || {};
      return h('div', {class: 'row'},
               link(`#/cloudwatch/alarms/create?namespace=${encodeURIComponent(t.metricNamespace || '')}` +
                    `&metric=${encodeURIComponent(t.metricName || '')}`, 'Create alarm'),
               button('Delete', (ev) => runAction(ev.target, errors, async () => {
                 if (!await confirmAction('Delete metric filter', `Delete ${f.filterName}?`)) return;
                 await call('logs', 'DeleteMetricFilter', {logGroupName: f.logGroupName, filterName: f.filterName});
                 reload();
               }), 'danger', {'aria-label': `Delete ${f.filterName}`}));
    }},
  ], filters, {caption: 'Metric filters', empty: 'No metric filters.'});
}

async function renderMetricFilters(page) {
  const errors = errorBox(null);
  const filters = await callAll('logs', 'DescribeMetricFilters', {}, 'metricFilters', 'nextToken', 'nextToken');
  page.append(pageHead(`Metric filters (${filters.length})`,
                       link('#/cloudwatch/log-groups', 'Choose a log group to create a filter')),
              errors, metricFilterTable(filters, errors));
}

const SAMPLE_EVENTS = [
  '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"alice"},"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","errorMessage":"Failed authentication","responseElements":{"ConsoleLogin":"Failure"}}',
  '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"alice"},"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"}}',
  '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"alice"},"eventSource":"s3.amazonaws.com","eventName":"CreateBucket","requestParameters":{"bucketName":"example"}}',
  '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"bob"},"eventSource":"iam.amazonaws.com","eventName":"CreateUser","errorCode":"AccessDenied"}',
].join('\n');

async function renderCreateMetricFilter(page, {name}) {
  const errors = errorBox(null);
  const pattern = field('Filter pattern', {kind: 'textarea', rows: 3, hint:
    'Terms, space-delimited, JSON ({ $.eventName = "ConsoleLogin" }) or regex (%...%) patterns.'});
  const soft = softErrors();
  const streams = await soft(callAll('logs', 'DescribeLogStreams', {logGroupName: name, orderBy: 'LastEventTime',
                                     descending: true}, 'logStreams', 'nextToken', 'nextToken', 1), []);
  const source = field('Select log data to test', {kind: 'select', value: '__custom', options: [
    ['__custom', 'Custom log data'], ['__recent', 'Recent events of the log group'],
    ...streams.slice(0, 20).map((s) => [s.logStreamName, `Stream: ${s.logStreamName}`])]});
  const sample = field('Log event messages (one per line)', {kind: 'textarea', rows: 8, value: SAMPLE_EVENTS});
  const results = h('div', {'aria-live': 'polite'});
  const testErrors = errorBox(null);
  const loadSample = async () => {
    const v = source.control.value;
    if (v === '__custom') return;
    await runAction(null, testErrors, async () => {
      const input = {logGroupName: name, limit: 50};
      if (v !== '__recent') input.logStreamNames = [v];
      const out = await call('logs', 'FilterLogEvents', input);
      sample.control.value = (out.events || []).map((e) => e.message.replace(/\n/g, ' ')).join('\n');
    });
    test();
  };
  source.control.addEventListener('change', loadSample);
  const test = async () => {
    const messages = sample.control.value.split('\n').filter((l) => l.trim() !== '');
    clear(results);
    if (messages.length === 0) {
      results.append(h('p', {class: 'muted'}, 'Add log event messages to test the pattern against.'));
      return;
    }
    await runAction(null, testErrors, async () => {
      const out = await call('logs', 'TestMetricFilter', {filterPattern: pattern.control.value,
                                                          logEventMessages: messages.slice(0, 50)});
      const matches = out.matches || [];
      clear(results);
      results.append(h('p', null, h('strong', null, `Found ${matches.length} matches out of ` +
                                    `${Math.min(messages.length, 50)} event(s) in the sample log.`)),
                     table([
                       {label: 'Event number', render: (m) => String(m.eventNumber)},
                       {label: 'Message', render: (m) => h('span', {class: 'mono'}, m.eventMessage)},
                       {label: 'Extracted values', render: (m) => Object.entries(m.extractedValues || {})
                         .map(([k, v]) => `${k}=${v}`).join(', ') || '-'},
                     ], matches, {caption: 'Test results', empty: 'No matches.'}));
    });
  };
  const live = debounce(test, 400);
  pattern.control.addEventListener('input', live);
  sample.control.addEventListener('input', live);

  const filterName = field('Filter name', {required: true});
  const namespace = field('Metric namespace', {required: true, value: 'CloudTrailMetrics'});
  const metricName = field('Metric name', {required: true});
  const metricValue = field('Metric value', {required: true, value: '1',
                                             hint: 'A number, or $.field / $name to publish a value from the event.'});
  const defaultValue = field('Default value - optional', {type: 'number',
                                                          hint: 'Published when no event matches in a period.'});
  const unit = field('Unit - optional', {kind: 'select', value: '', options: [
    ['', 'None'], 'Count', 'Seconds', 'Milliseconds', 'Bytes', 'Percent']});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create metric filter');
  const form = h('form', {class: 'steps', novalidate: true},
                 h('fieldset', null, h('legend', null, 'Define pattern'), pattern,
                   h('h3', null, 'Test pattern'), source, sample,
                   h('div', {class: 'actions'}, button('Test pattern', test)), testErrors, results),
                 h('fieldset', null, h('legend', null, 'Assign metric'), filterName, namespace, metricName,
                   metricValue, defaultValue, unit),
                 h('div', {class: 'actions'}, submit,
                   button('Cancel', () => go(hashFor('cloudwatch', 'log-groups', name)))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    runAction(submit, errors, async () => {
      const t = {metricName: metricName.control.value.trim(),
                 metricNamespace: namespace.control.value.trim(),
                 metricValue: metricValue.control.value.trim()};
      if (defaultValue.control.value !== '') t.defaultValue = Number(defaultValue.control.value);
      if (unit.control.value) t.unit = unit.control.value;
      await call('logs', 'PutMetricFilter', {logGroupName: name, filterName: filterName.control.value.trim(),
                                             filterPattern: pattern.control.value,
                                             metricTransformations: [t]});
      toast(`Metric filter ${filterName.control.value.trim()} created.`);
      go(hashFor('cloudwatch', 'log-groups', name));
    });
  });
  page.append(pageHead('Create metric filter'),
              h('p', null, 'Log group: ', link(hashFor('cloudwatch', 'log-groups', name), name)), errors,
              soft.box, form);
}

// ---------------------------------------------------------------- Logs Insights

const DEFAULT_QUERIES = {
  CWLI: 'fields @timestamp, @message\n| sort @timestamp desc\n| limit 20',
  SQL: 'SELECT `@timestamp`, `@message`\nFROM `LOG_GROUP`\nORDER BY `@timestamp` DESC\nLIMIT 20',
  PPL: 'fields `@timestamp`, `@message`\n| sort - `@timestamp`\n| head 20',
};

async function renderInsights(page) {
  const errors = errorBox(null);
  const groups = await callAll('logs', 'DescribeLogGroups', {}, 'logGroups', 'nextToken', 'nextToken');
  const groupSel = field('Log groups', {kind: 'select', attrs: {multiple: true, size: String(Math.min(6, Math.max(2, groups.length)))},
                                        options: groups.map((g) => g.logGroupName),
                                        hint: 'Select one or more log groups (Ctrl or Shift to select several).'});
  if (groups[0]) groupSel.control.options[0].selected = true;
  let language = 'CWLI';
  const queryField = field('Query', {kind: 'textarea', rows: 8, value: DEFAULT_QUERIES.CWLI});
  queryField.control.classList.add('code');
  const langGroup = radioGroup('Query language', 'query-lang', [
    ['CWLI', 'Logs Insights QL'], ['PPL', 'OpenSearch PPL'], ['SQL', 'OpenSearch SQL']], 'CWLI', (v) => {
    const firstGroup = selectedGroups()[0] || 'LOG_GROUP';
    if (Object.values(DEFAULT_QUERIES).some((q) => q.replace('LOG_GROUP', firstGroup) === queryField.control.value ||
                                            q === queryField.control.value)) {
      queryField.control.value = DEFAULT_QUERIES[v].replace('LOG_GROUP', firstGroup);
      lastSqlGroup = firstGroup;
    }
    language = v;
  });
  const range = field('Time range', {kind: 'select', value: '3600', options: [
    ['300', 'Last 5 minutes'], ['900', 'Last 15 minutes'], ['3600', 'Last 1 hour'],
    ['10800', 'Last 3 hours'], ['43200', 'Last 12 hours'], ['86400', 'Last 1 day'], ['604800', 'Last 1 week']]});
  const selectedGroups = () => [...groupSel.control.selectedOptions].map((o) => o.value);
  let lastSqlGroup = 'LOG_GROUP';
  groupSel.control.addEventListener('change', () => {
    // Keep the FROM clause of the starter SQL query on the chosen log group.
    const g = selectedGroups()[0];
    if (language === 'SQL' && g && queryField.control.value.includes(`\`${lastSqlGroup}\``)) {
      queryField.control.value = queryField.control.value.replace(`\`${lastSqlGroup}\``, `\`${g}\``);
      lastSqlGroup = g;
    }
  });
  const status = h('p', {role: 'status', class: 'muted'});
  const results = h('div');
  const run = h('button', {type: 'submit', class: 'primary'}, 'Run query');
  const cancel = button('Cancel', null);
  cancel.hidden = true;
  let current = null;
  cancel.addEventListener('click', async () => {
    if (!current) return;
    await runAction(cancel, errors, () => call('logs', 'StopQuery', {queryId: current}));
  });
  const form = h('form', {novalidate: true}, groupSel, langGroup, range, queryField,
                 h('div', {class: 'actions'}, run, cancel), status);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    runAction(run, errors, async () => {
      const end = Math.floor(Date.now() / 1000);
      const input = {queryString: queryField.control.value, startTime: end - Number(range.control.value),
                     endTime: end, queryLanguage: language};
      // SQL names its log groups in the FROM clause; the other languages take them as a parameter.
      if (language !== 'SQL') input.logGroupNames = selectedGroups();
      const {queryId} = await call('logs', 'StartQuery', input);
      current = queryId;
      cancel.hidden = false;
      clear(results);
      status.textContent = 'Query running…';
      try {
        for (let i = 0; i < 600; i++) {
          const out = await call('logs', 'GetQueryResults', {queryId});
          const st = out.statistics || {};
          status.textContent = `Status: ${out.status}. ${st.recordsMatched ?? 0} records matched, ` +
                               `${st.recordsScanned ?? 0} records scanned, ${st.bytesScanned ?? 0} bytes scanned.`;
          if (['Complete', 'Failed', 'Cancelled', 'Timeout'].includes(out.status)) {
            clear(results);
            results.append(queryResultsTable(out.results || []));
            break;
          }
          await new Promise((r) => setTimeout(r, 700));
        }
      } finally {
        current = null;
        cancel.hidden = true;
      }
    });
  });
  page.append(pageHead('Logs Insights'), errors, section('Query', form), section('Results', results));
}

function queryResultsTable(rows) {
  const fields = [];
  for (const row of rows) for (const c of row) if (c.field !== '@ptr' && !fields.includes(c.field)) fields.push(c.field);
  const data = rows.map((row) => Object.fromEntries(row.map((c) => [c.field, c.value])));
  return table([{label: '#', render: (r) => String(data.indexOf(r) + 1)},
                ...fields.map((f) => ({label: f, render: (r) => {
                  const v = r[f] ?? '';
                  const pretty = prettyJson(v);
                  return pretty !== v ? h('details', null, h('summary', {class: 'mono'}, v.slice(0, 120)),
                                          codeBlock(pretty, f)) : h('span', {class: 'mono'}, v);
                }}))], data, {caption: `${rows.length} record${rows.length === 1 ? '' : 's'}`,
                             empty: 'No records matched.'});
}

// ---------------------------------------------------------------- metrics

const RANGES = [['1h', 3600], ['3h', 10800], ['12h', 43200], ['1d', 86400]];

function periodFor(seconds) {
  if (seconds <= 10800) return 60;
  if (seconds <= 43200) return 300;
  return 900;
}

function dimsText(dims) {
  return (dims || []).map((d) => `${d.Name}=${d.Value}`).join(', ');
}

async function fetchSeries(metrics, rangeSeconds, stat, period, extra = {}) {
  const end = Date.now();
  const start = end - rangeSeconds * 1000;
  const queries = metrics.map((m, i) => ({
    Id: `m${i}`, Label: `${m.Namespace} ${m.MetricName}${m.Dimensions && m.Dimensions.length ? ` (${dimsText(m.Dimensions)})` : ''}`,
    MetricStat: {Metric: {Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions || []},
                 Period: period, Stat: stat}, ReturnData: true}));
  const out = await call(CW, 'GetMetricData', {MetricDataQueries: queries,
                                               StartTime: new Date(start).toISOString(),
                                               EndTime: new Date(end).toISOString(), ...extra});
  const series = (out.MetricDataResults || []).map((r) => ({
    label: r.Label || r.Id, timestamps: r.Timestamps || [], values: r.Values || []}));
  return {series, start, end};
}

// The range buttons, time zone, statistic and period controls shared by metrics and alarm pages.
function chartControls(state, onChange, withStat = true) {
  const rangeButtons = RANGES.map(([label, secs]) => {
    const b = button(label, () => {
      state.range = secs;
      rangeButtons.forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
      onChange();
    }, '', {'aria-pressed': String(state.range === secs)});
    return b;
  });
  const tz = field('Time zone', {kind: 'select', value: state.utc ? 'utc' : 'local',
                                 options: [['local', 'Local time zone'], ['utc', 'UTC']]});
  tz.control.addEventListener('change', () => { state.utc = tz.control.value === 'utc'; onChange(); });
  const stat = field('Statistic', {kind: 'select', value: state.stat, options:
    ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount']});
  stat.control.addEventListener('change', () => { state.stat = stat.control.value; onChange(); });
  const period = field('Period', {kind: 'select', value: String(state.period || ''), options: [
    ['', 'Automatic'], ['60', '1 minute'], ['300', '5 minutes'], ['900', '15 minutes'], ['3600', '1 hour']]});
  period.control.addEventListener('change', () => { state.period = Number(period.control.value) || 0; onChange(); });
  return h('div', {class: 'row'},
           h('div', {role: 'group', 'aria-label': 'Time range', class: 'row'}, rangeButtons),
           tz, withStat ? stat : null, withStat ? period : null);
}

async function renderMetrics(page, params, query) {
  const errors = errorBox(null);
  const metrics = await callAll(CW, 'ListMetrics', {}, 'Metrics', 'NextToken', 'NextToken');
  const namespaces = [...new Set(metrics.map((m) => m.Namespace))].sort();
  const state = {range: 10800, utc: false, stat: 'Sum', period: 0};
  const selected = new Set();
  const wanted = query.get('namespace');
  const chartBox = h('div', {class: 'chart'}, h('p', {class: 'muted'}, 'Select metrics to graph them.'));
  const draw = () => runAction(null, errors, async () => {
    const chosen = metrics.filter((m, i) => selected.has(i));
    if (chosen.length === 0) {
      clear(chartBox);
      chartBox.append(h('p', {class: 'muted'}, 'Select metrics to graph them.'));
      return;
    }
    const {series, start, end} = await fetchSeries(chosen, state.range, state.stat,
                                                   state.period || periodFor(state.range));
    timeSeriesChart(chartBox, series, {utc: state.utc, start, end});
  });
  const nsSel = field('Namespace', {kind: 'select', value: wanted || namespaces[0] || '',
                                    options: namespaces.length ?
                                      namespaces.map((n) => [n, n.startsWith('AWS/') ? n : `${n} (custom namespace)`]) :
                                      [['', 'No metrics yet']]});
  const list = h('div');
  const renderList = () => {
    clear(list);
    const ns = nsSel.control.value;
    list.append(table([
      {label: 'Graph', render: (m) => {
        const i = metrics.indexOf(m);
        const f = field(`Graph ${m.MetricName}${m.Dimensions && m.Dimensions.length ? ` (${dimsText(m.Dimensions)})` : ''}`,
                        {kind: 'checkbox', checked: selected.has(i)});
        f.control.addEventListener('change', () => {
          if (f.control.checked) selected.add(i); else selected.delete(i);
          draw();
        });
        return f;
      }},
      {label: 'Metric name', render: (m) => m.MetricName},
      {label: 'Dimensions', render: (m) => dimsText(m.Dimensions) || '-'},
      {label: 'Alarm', render: (m) => link(`#/cloudwatch/alarms/create?namespace=${encodeURIComponent(m.Namespace)}` +
                                          `&metric=${encodeURIComponent(m.MetricName)}`, 'Create alarm')},
    ], metrics.filter((m) => m.Namespace === ns), {caption: `Metrics in ${ns || 'no namespace'}`,
                                                   empty: 'No metrics.'}));
  };
  nsSel.control.addEventListener('change', renderList);
  renderList();
  if (wanted) {
    metrics.forEach((m, i) => {
      if (m.Namespace === wanted && (!query.get('metric') || query.get('metric') === m.MetricName)) selected.add(i);
    });
    renderList();
  }
  page.append(pageHead('Metrics'), errors,
              section('Graph', chartControls(state, draw), chartBox),
              section('Browse', h('p', {class: 'hint'}, `${namespaces.length} namespace(s): ` +
                                  (namespaces.join(', ') || 'none yet. Metric filters and PutMetricData create them.')),
                      nsSel, list));
  if (selected.size) await draw();
}

// ---------------------------------------------------------------- alarms

function stateBadge(s) {
  const kind = s === 'OK' ? 'ok' : s === 'ALARM' ? 'alarm' : 'insufficient';
  return badge(s === 'INSUFFICIENT_DATA' ? 'Insufficient data' : s === 'ALARM' ? 'In alarm' : s || '-', kind);
}

const COMPARISONS = {
  GreaterThanThreshold: '>', GreaterThanOrEqualToThreshold: '>=', LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

function conditionText(a) {
  return `${a.MetricName} ${COMPARISONS[a.ComparisonOperator] || a.ComparisonOperator} ${a.Threshold} ` +
         `for ${a.DatapointsToAlarm || a.EvaluationPeriods} datapoint(s) within ` +
         `${Math.round((a.Period * a.EvaluationPeriods) / 60)} minute(s)`;
}

async function renderAlarms(page, params, query) {
  const errors = errorBox(null);
  const out = await call(CW, 'DescribeAlarms', {MaxRecords: 100});
  const alarms = out.MetricAlarms || [];
  const stateSel = field('Alarm state', {kind: 'select', value: query.get('state') || '', options: [
    ['', 'Any state'], ['ALARM', 'In alarm'], ['OK', 'OK'], ['INSUFFICIENT_DATA', 'Insufficient data']]});
  const holder = h('div');
  const render = () => {
    clear(holder);
    const st = stateSel.control.value;
    holder.append(table([
      {label: 'Name', render: (a) => link(hashFor('cloudwatch', 'alarms', a.AlarmName), a.AlarmName)},
      {label: 'State', render: (a) => stateBadge(a.StateValue)},
      {label: 'Last state update', render: (a) => fmtTime(a.StateUpdatedTimestamp)},
      {label: 'Conditions', render: (a) => conditionText(a)},
      {label: 'Actions', render: (a) => (a.ActionsEnabled ? 'Actions enabled' : 'No actions')},
    ], alarms.filter((a) => !st || a.StateValue === st), {empty: 'No alarms.'}));
  };
  stateSel.control.addEventListener('change', render);
  render();
  page.append(pageHead(`Alarms (${alarms.length})`, button('Refresh', reload),
                       button('Create alarm', () => go('#/cloudwatch/alarms/create'), 'primary')),
              errors, stateSel, holder);
}

async function renderCreateAlarm(page, params, query) {
  const errors = errorBox(null);
  const soft = softErrors();
  const [metrics, topics] = await Promise.all([
    soft(callAll(CW, 'ListMetrics', {}, 'Metrics', 'NextToken', 'NextToken'), []),
    soft(callAll('sns', 'ListTopics', {}, 'Topics', 'NextToken', 'NextToken'), []),
  ]);
  const nsList = uid('ns');
  const mList = uid('metrics');
  const namespace = field('Namespace', {required: true, value: query.get('namespace') || '', list: nsList});
  const metricName = field('Metric name', {required: true, value: query.get('metric') || '', list: mList});
  const datalists = [
    h('datalist', {id: nsList}, [...new Set(metrics.map((m) => m.Namespace))].map((n) => h('option', {value: n}))),
    h('datalist', {id: mList}, [...new Set(metrics.map((m) => m.MetricName))].map((n) => h('option', {value: n}))),
  ];
  const statistic = field('Statistic', {kind: 'select', value: 'Sum',
                                        options: ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount']});
  const period = field('Period', {kind: 'select', value: '300', options: [
    ['10', '10 seconds'], ['60', '1 minute'], ['300', '5 minutes'], ['900', '15 minutes'], ['3600', '1 hour']]});
  const comparison = radioGroup('Whenever the metric is...', 'cmp', [
    ['GreaterThanThreshold', 'Greater (> threshold)'],
    ['GreaterThanOrEqualToThreshold', 'Greater/Equal (>= threshold)'],
    ['LessThanOrEqualToThreshold', 'Lower/Equal (<= threshold)'],
    ['LessThanThreshold', 'Lower (< threshold)']], 'GreaterThanOrEqualToThreshold');
  const threshold = field('than...', {type: 'number', value: '1', required: true,
                                      hint: 'Define the threshold value.'});
  const datapoints = field('Datapoints to alarm', {type: 'number', value: '1', attrs: {min: '1'}});
  const evalPeriods = field('Evaluation periods (out of)', {type: 'number', value: '1', attrs: {min: '1'}});
  const missing = field('Missing data treatment', {kind: 'select', value: 'notBreaching', options: [
    ['missing', 'Treat missing data as missing'], ['notBreaching', 'Treat missing data as good (not breaching threshold)'],
    ['breaching', 'Treat missing data as bad (breaching threshold)'], ['ignore', 'Ignore (maintain the alarm state)']]});

  const trigger = radioGroup('Alarm state trigger', 'trigger', [
    ['ALARM', 'In alarm'], ['OK', 'OK'], ['INSUFFICIENT_DATA', 'Insufficient data']], 'ALARM');
  const existing = field('Send a notification to...', {kind: 'select', options: [
    ['', topics.length ? 'Choose a topic' : 'No topics yet'], ...topics.map((t) => [t.TopicArn, t.TopicArn.split(':').pop()])]});
  const newTopic = field('Create a new topic...', {value: 'Default_CloudWatch_Alarms_Topic'});
  const newEmail = field('Email endpoints that will receive the notification...', {type: 'email',
                         hint: 'Add a comma-separated list of email addresses.'});
  const topicPanes = {existing: h('div', null, existing), new: h('div', {hidden: true}, newTopic, newEmail),
                      none: h('div', {hidden: true}, h('p', {class: 'muted'}, 'The alarm will have no action.'))};
  const topicKind = radioGroup('Send a notification to the following SNS topic', 'topic-kind', [
    ['existing', 'Select an existing SNS topic'], ['new', 'Create new topic'], ['none', 'No notification']],
  topics.length ? 'existing' : 'new', (v) => { for (const [k, el] of Object.entries(topicPanes)) el.hidden = k !== v; });
  for (const [k, el] of Object.entries(topicPanes)) el.hidden = k !== topicKind.value();

  const alarmName = field('Alarm name', {required: true});
  const description = field('Alarm description - optional', {kind: 'textarea', rows: 2});
  const preview = h('div', {class: 'chart'}, h('p', {class: 'muted'},
                      'A preview of the metric over the last 3 hours, with the threshold, appears here.'));
  const showPreview = debounce(() => {
    if (!namespace.control.value || !metricName.control.value) return;
    fetchSeries([{Namespace: namespace.control.value.trim(), MetricName: metricName.control.value.trim()}],
                10800, statistic.control.value, Number(period.control.value))
      .then(({series, start, end}) => timeSeriesChart(preview, series, {threshold: Number(threshold.control.value),
                                                                        start, end, height: 200}))
      .catch((e) => { clear(preview); preview.append(errorBox(e)); });
  }, 500);
  for (const f of [namespace, metricName, statistic, period, threshold]) {
    f.control.addEventListener('change', showPreview);
  }
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create alarm');
  const form = h('form', {class: 'steps', novalidate: true},
                 h('fieldset', null, h('legend', null, 'Specify metric and conditions'), datalists, namespace,
                   metricName, statistic, period, h('h3', null, 'Metric preview'), preview,
                   h('h3', null, 'Conditions'), comparison, threshold,
                   h('div', {class: 'row'}, datapoints, evalPeriods), missing),
                 h('fieldset', null, h('legend', null, 'Configure actions'), trigger, topicKind,
                   topicPanes.existing, topicPanes.new, topicPanes.none),
                 h('fieldset', null, h('legend', null, 'Add name and description'), alarmName, description),
                 h('div', {class: 'actions'}, submit, button('Cancel', () => go('#/cloudwatch/alarms'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    runAction(submit, errors, async () => {
      let actions = [];
      const tk = topicKind.value();
      if (tk === 'existing' && existing.control.value) actions = [existing.control.value];
      if (tk === 'new') {
        const {TopicArn} = await call('sns', 'CreateTopic', {Name: newTopic.control.value.trim()});
        for (const email of newEmail.control.value.split(',').map((s) => s.trim()).filter(Boolean)) {
          await call('sns', 'Subscribe', {TopicArn, Protocol: 'email', Endpoint: email});
        }
        actions = [TopicArn];
      }
      const input = {
        AlarmName: alarmName.control.value.trim(), Namespace: namespace.control.value.trim(),
        MetricName: metricName.control.value.trim(), Statistic: statistic.control.value,
        Period: Number(period.control.value), EvaluationPeriods: Number(evalPeriods.control.value),
        DatapointsToAlarm: Number(datapoints.control.value), Threshold: Number(threshold.control.value),
        ComparisonOperator: comparison.value(), TreatMissingData: missing.control.value,
        ActionsEnabled: true,
      };
      if (description.control.value.trim()) input.AlarmDescription = description.control.value.trim();
      const t = trigger.value();
      if (actions.length) input[t === 'ALARM' ? 'AlarmActions' : t === 'OK' ? 'OKActions' : 'InsufficientDataActions'] = actions;
      await call(CW, 'PutMetricAlarm', input);
      toast(`Alarm ${input.AlarmName} created.`);
      go(hashFor('cloudwatch', 'alarms', input.AlarmName));
    });
  });
  page.append(pageHead('Create alarm'), errors, soft.box, form);
  showPreview();
}

async function renderAlarm(page, {name}) {
  const errors = errorBox(null);
  const out = await call(CW, 'DescribeAlarms', {AlarmNames: [name]});
  const a = (out.MetricAlarms || [])[0];
  if (!a) throw {code: 'ResourceNotFound', message: `The alarm ${name} does not exist.`};
  const state = {range: 10800, utc: false, stat: a.Statistic || 'Sum', period: a.Period};
  const chartBox = h('div', {class: 'chart'});
  const draw = () => runAction(null, errors, async () => {
    const {series, start, end} = await fetchSeries([{Namespace: a.Namespace, MetricName: a.MetricName,
                                                     Dimensions: a.Dimensions}], state.range,
                                                   a.Statistic || 'Sum', a.Period);
    timeSeriesChart(chartBox, series, {utc: state.utc, threshold: a.Threshold, start, end,
                                       title: `${a.MetricName} (${a.Statistic}, ${a.Period}s)`});
  });
  const del = button('Delete', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete alarm', `Delete alarm ${name}?`)) return;
    await call(CW, 'DeleteAlarms', {AlarmNames: [name]});
    go('#/cloudwatch/alarms');
  }), 'danger');
  const toggle = button(a.ActionsEnabled ? 'Disable actions' : 'Enable actions', (ev) =>
    runAction(ev.target, errors, async () => {
      await call(CW, a.ActionsEnabled ? 'DisableAlarmActions' : 'EnableAlarmActions', {AlarmNames: [name]});
      reload();
    }));
  page.append(pageHead(name, button('Refresh', reload), toggle, del), errors,
              section('Details', keyValues([
                ['State', stateBadge(a.StateValue)], ['State reason', a.StateReason],
                ['Last state update', fmtTime(a.StateUpdatedTimestamp)],
                ['Threshold', conditionText(a)], ['Namespace', a.Namespace], ['Metric name', a.MetricName],
                ['Statistic', a.Statistic], ['Period', `${a.Period} seconds`],
                ['Missing data treatment', a.TreatMissingData], ['Description', a.AlarmDescription],
                ['Actions', (a.AlarmActions || []).length ? (a.AlarmActions || []).join(', ') : 'None'],
                ['ARN', a.AlarmArn],
              ])),
              section('Graph', chartControls(state, draw, false), chartBox),
              section('History', h('div', {id: 'alarm-history'})));
  await draw();
  const hist = await call(CW, 'DescribeAlarmHistory', {AlarmName: name, MaxRecords: 100, ScanBy: 'TimestampDescending'})
    .catch((e) => { showError(errors, e); return {}; });
  page.querySelector('#alarm-history').append(table([
    {label: 'Date', render: (x) => fmtTime(x.Timestamp)},
    {label: 'Type', render: (x) => x.HistoryItemType},
    {label: 'Description', render: (x) => x.HistorySummary},
    {label: 'Data', render: (x) => (x.HistoryData ? h('details', null, h('summary', null, 'Show JSON'),
                                                      codeBlock(prettyJson(x.HistoryData), 'History data')) : '-')},
  ], hist.AlarmHistoryItems || [], {empty: 'No history yet.'}));
}

export const routes = [
  {path: 'cloudwatch/log-groups', render: renderLogGroups},
  {path: 'cloudwatch/log-groups/:name', render: renderLogGroup},
  {path: 'cloudwatch/log-groups/:name/create-metric-filter', render: renderCreateMetricFilter},
  {path: 'cloudwatch/log-groups/:name/streams/:stream', render: renderStream},
  {path: 'cloudwatch/metric-filters', render: renderMetricFilters},
  {path: 'cloudwatch/insights', render: renderInsights},
  {path: 'cloudwatch/metrics', render: renderMetrics},
  {path: 'cloudwatch/alarms', render: renderAlarms},
  {path: 'cloudwatch/alarms/create', render: renderCreateAlarm},
  {path: 'cloudwatch/alarms/:name', render: renderAlarm},
];
