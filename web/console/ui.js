// DOM helpers for the console. Everything is built with createElement (never innerHTML with
// markup), so the strict Content-Security-Policy holds: no inline scripts, handlers or styles.

let idCounter = 0;
export function uid(prefix = 'f') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// h('button', {class: 'primary', onclick: fn}, 'Save')
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (key === 'class') {
        el.className = value;
      } else if (key === 'for') {
        el.htmlFor = value;
      } else if (key === 'value') {
        el.value = value;
      } else if (key === 'checked' || key === 'selected' || key === 'disabled' ||
                 key === 'required' || key === 'multiple' || key === 'hidden' || key === 'open') {
        el[key] = Boolean(value);
        if (key === 'hidden' || key === 'open') el.toggleAttribute(key, Boolean(value));
      } else if (key === 'dataset') {
        Object.assign(el.dataset, value);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function link(href, text, attrs = {}) {
  return h('a', {href, ...attrs}, text);
}

export function hashFor(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(p)).join('/');
}

// A labelled form control. kind: input (default), textarea, select, checkbox, radio.
// Returns the wrapper; wrapper.control is the input element.
export function field(label, opts = {}) {
  const id = opts.id || uid('field');
  const hintId = opts.hint ? `${id}-hint` : null;
  let control;
  const common = {id, name: opts.name || id, required: opts.required,
                  'aria-describedby': hintId, autocomplete: opts.autocomplete || 'off',
                  ...(opts.attrs || {})};
  if (opts.kind === 'textarea') {
    control = h('textarea', {...common, rows: opts.rows || 6, spellcheck: 'false'});
    control.value = opts.value ?? '';
  } else if (opts.kind === 'select') {
    control = h('select', common,
                (opts.options || []).map((o) => {
                  const [value, text] = Array.isArray(o) ? o : [o, o];
                  return h('option', {value, selected: String(opts.value) === String(value)}, text);
                }));
  } else if (opts.kind === 'checkbox' || opts.kind === 'radio') {
    control = h('input', {...common, type: opts.kind, checked: opts.checked, value: opts.value});
    const wrap = h('div', {class: 'check'}, control, h('label', {for: id}, label),
                   opts.hint ? h('p', {class: 'hint', id: hintId}, opts.hint) : null);
    wrap.control = control;
    return wrap;
  } else {
    control = h('input', {...common, type: opts.type || 'text', value: opts.value ?? '',
                          placeholder: opts.placeholder, list: opts.list});
  }
  const wrap = h('div', {class: 'field'}, h('label', {for: id}, label),
                 opts.hint ? h('p', {class: 'hint', id: hintId}, opts.hint) : null, control);
  wrap.control = control;
  return wrap;
}

// A group of radio buttons in a fieldset with a legend. options: [[value, label, hint?], ...]
export function radioGroup(legend, name, options, selected, onchange) {
  const fs = h('fieldset', {class: 'radios'}, h('legend', null, legend));
  for (const [value, label, hint] of options) {
    const f = field(label, {kind: 'radio', name, value, checked: value === selected, hint});
    if (onchange) f.control.addEventListener('change', () => onchange(value));
    fs.append(f);
  }
  fs.value = () => {
    const c = fs.querySelector(`input[name="${name}"]:checked`);
    return c ? c.value : null;
  };
  return fs;
}

export function button(text, onclick, cls = '', attrs = {}) {
  return h('button', {type: 'button', class: cls, onclick, ...attrs}, text);
}

// An alert region for errors; errorBox(e) shows the code and the message the server returned.
export function errorBox(error) {
  if (!error) return h('div', {class: 'alert error', role: 'alert', hidden: true});
  const code = error.code ? `${error.code}: ` : '';
  return h('div', {class: 'alert error', role: 'alert'}, h('strong', null, code),
           error.message || String(error));
}

export function showError(region, error) {
  clear(region);
  region.hidden = !error;
  if (!error) return;
  region.className = 'alert error';
  region.setAttribute('role', 'alert');
  append(region, [h('strong', null, error.code ? `${error.code}: ` : ''),
                  error.message || String(error)]);
}

// For a page's secondary lookups: keeps the page usable when one is refused, and shows why.
// const soft = softErrors(); await soft(call(...), fallback); page.append(soft.box);
export function softErrors() {
  const box = h('div');
  const soft = (promise, fallback) => promise.catch((e) => {
    box.append(h('div', {class: 'alert warning', role: 'alert'}, h('strong', null, `${e.code || 'Error'}: `),
                 e.message || String(e)));
    return fallback;
  });
  soft.box = box;
  return soft;
}

export function notice(text, kind = 'success') {
  return h('div', {class: `alert ${kind}`, role: 'status'}, text);
}

// Shows a transient message in the live region of the shell.
export function toast(text, kind = 'success') {
  const region = document.getElementById('toasts');
  if (!region) return;
  const t = h('div', {class: `toast ${kind}`}, text);
  region.append(t);
  while (region.children.length > 2) region.firstChild.remove();
  setTimeout(() => t.remove(), 5000);
}

// columns: [{label, render: (row) => node|string, class?}]
export function table(columns, rows, opts = {}) {
  const t = h('table', {class: 'data'},
              opts.caption ? h('caption', null, opts.caption) : null,
              h('thead', null, h('tr', null, columns.map((c) => h('th', {scope: 'col'}, c.label)))));
  const body = h('tbody');
  if (!rows || rows.length === 0) {
    body.append(h('tr', null, h('td', {colspan: columns.length, class: 'empty'},
                                opts.empty || 'No resources to display.')));
  } else {
    for (const row of rows) {
      body.append(h('tr', null, columns.map((c) => h('td', {class: c.class || null},
                                                        c.render(row)))));
    }
  }
  t.append(body);
  return h('div', {class: 'table-wrap'}, t);
}

export function keyValues(pairs) {
  return h('dl', {class: 'kv'}, pairs.filter(Boolean).map(([k, v]) => [
    h('dt', null, k), h('dd', null, v === undefined || v === null || v === '' ? '-' : v),
  ]));
}

export function section(title, ...children) {
  const id = uid('sec');
  return h('section', {class: 'panel', 'aria-labelledby': id}, h('h2', {id}, title), children);
}

export function loading(text = 'Loading…') {
  return h('p', {class: 'loading', role: 'status'}, text);
}

// A modal dialog (native <dialog>: focus moves in, Escape closes, focus returns).
export function openDialog(title, body, actions = []) {
  const headingId = uid('dlg');
  const opener = document.activeElement;
  const dlg = h('dialog', {'aria-labelledby': headingId},
                h('h2', {id: headingId}, title), h('div', {class: 'dialog-body'}, body),
                h('div', {class: 'actions'}, actions));
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (opener && opener.focus) opener.focus();
  });
  document.body.append(dlg);
  dlg.showModal();
  const first = dlg.querySelector('input, textarea, select');
  if (first) first.focus();
  return dlg;
}

// Asks for confirmation; resolves true when the user confirms.
export function confirmAction(title, text, confirmText = 'Delete') {
  return new Promise((resolve) => {
    let ok = false;
    const dlg = openDialog(title, h('p', null, text), [
      button('Cancel', () => dlg.close()),
      button(confirmText, () => { ok = true; dlg.close(); }, 'danger'),
    ]);
    dlg.addEventListener('close', () => resolve(ok));
  });
}

export function fmtTime(value, utc = false) {
  if (value === undefined || value === null || value === '') return '-';
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  if (utc) return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
         `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function badge(text, kind = '') {
  return h('span', {class: `badge ${kind}`}, text);
}

// Pretty-prints a JSON string or value; returns the text unchanged when it is not JSON.
export function prettyJson(value) {
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

export function codeBlock(text, label) {
  return h('pre', {class: 'code', tabindex: '0', 'aria-label': label || 'Code'}, text);
}

// Runs an async action from a button: disables it, shows errors in region, re-enables.
export async function runAction(btn, region, fn) {
  if (btn) btn.disabled = true;
  if (region) showError(region, null);
  try {
    return await fn();
  } catch (e) {
    if (region) showError(region, e); else toast(`${e.code || 'Error'}: ${e.message}`, 'error');
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}

export function download(filename, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = h('a', {href: url, download: filename, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

// Tabs following the WAI-ARIA tabs pattern (arrow keys move between tabs).
export function tabs(items, selected = 0) {
  const list = h('div', {role: 'tablist', class: 'tabs'});
  const panels = [];
  const buttons = items.map((item, i) => {
    const tabId = uid('tab');
    const panelId = uid('panel');
    const b = h('button', {type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId,
                           'aria-selected': String(i === selected),
                           tabindex: i === selected ? '0' : '-1'}, item.label);
    const p = h('div', {role: 'tabpanel', id: panelId, 'aria-labelledby': tabId,
                        hidden: i !== selected, tabindex: '0'});
    panels.push(p);
    let rendered = false;
    const show = () => {
      buttons.forEach((o, j) => {
        o.setAttribute('aria-selected', String(j === i));
        o.tabIndex = j === i ? 0 : -1;
        panels[j].hidden = j !== i;
      });
      if (!rendered) {
        rendered = true;
        Promise.resolve(item.render(p)).catch((e) => p.append(errorBox(e)));
      }
    };
    b.addEventListener('click', show);
    b.addEventListener('keydown', (ev) => {
      const n = items.length;
      let j = null;
      if (ev.key === 'ArrowRight') j = (i + 1) % n;
      if (ev.key === 'ArrowLeft') j = (i + n - 1) % n;
      if (ev.key === 'Home') j = 0;
      if (ev.key === 'End') j = n - 1;
      if (j !== null) {
        ev.preventDefault();
        buttons[j].click();
        buttons[j].focus();
      }
    });
    b.show = show;
    return b;
  });
  list.append(...buttons);
  const wrap = h('div', {class: 'tabset'}, list, panels);
  buttons[selected].show();
  return wrap;
}
