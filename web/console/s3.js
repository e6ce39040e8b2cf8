// S3 pages: buckets (create, delete) and a bucket's objects by prefix (for example the log files
// a trail delivers under AWSLogs/).
import {call} from './api.js';
import {
  h, clear, field, button, errorBox, table, section, confirmAction, fmtTime, runAction, toast,
  hashFor, link,
} from './ui.js';
import {pageHead} from './iam.js';

function go(hash) {
  location.hash = hash;
}

async function renderBuckets(page) {
  const errors = errorBox(null);
  const out = await call('s3', 'ListBuckets', {});
  const buckets = out.Buckets || [];
  const createBox = h('div');
  const create = button('Create bucket', () => {
    const name = field('Bucket name', {required: true,
                                       hint: '3-63 lower-case letters, digits, dots and hyphens.'});
    const submit = h('button', {type: 'submit', class: 'primary'}, 'Create bucket');
    const form = h('form', {novalidate: true}, name, h('div', {class: 'actions'}, submit));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      runAction(submit, errors, async () => {
        const b = name.control.value.trim();
        await call('s3', 'CreateBucket', {Bucket: b});
        toast(`Bucket ${b} created.`);
        go(hashFor('s3', 'buckets', b));
      });
    });
    clear(createBox);
    createBox.append(section('Create bucket', form));
    name.control.focus();
  }, 'primary');
  page.append(pageHead(`Buckets (${buckets.length})`, create), errors, createBox, table([
    {label: 'Name', render: (b) => link(hashFor('s3', 'buckets', b.Name), b.Name)},
    {label: 'Created', render: (b) => fmtTime(b.CreationDate)},
  ], buckets, {empty: 'No buckets.'}));
}

async function renderBucket(page, {name}, query) {
  const errors = errorBox(null);
  const prefix = query.get('prefix') || '';
  const out = await call('s3', 'ListObjectsV2', {Bucket: name, Prefix: prefix, Delimiter: '/', MaxKeys: 1000});
  const del = button('Delete bucket', (ev) => runAction(ev.target, errors, async () => {
    if (!await confirmAction('Delete bucket', `Delete bucket ${name}? It must be empty.`)) return;
    await call('s3', 'DeleteBucket', {Bucket: name});
    go('#/s3/buckets');
  }), 'danger');
  const folderHref = (p) => `${hashFor('s3', 'buckets', name)}?prefix=${encodeURIComponent(p)}`;
  const rows = [...(out.CommonPrefixes || []).map((p) => ({folder: true, Key: p.Prefix})),
                ...(out.Contents || [])];
  const parts = prefix.split('/').filter(Boolean);
  page.append(pageHead(name, del), errors,
              h('nav', {'aria-label': 'Folder path', class: 'row'},
                link(folderHref(''), name), parts.map((p, i) => ['/', link(folderHref(parts.slice(0, i + 1).join('/') + '/'), p)])),
              table([
                {label: 'Name', render: (o) => (o.folder ? link(folderHref(o.Key), o.Key.slice(prefix.length)) :
                                                   o.Key.slice(prefix.length))},
                {label: 'Type', render: (o) => (o.folder ? 'Folder' : 'Object')},
                {label: 'Size', render: (o) => (o.folder ? '-' : `${o.Size} B`)},
                {label: 'Last modified', render: (o) => (o.folder ? '-' : fmtTime(o.LastModified))},
              ], rows, {caption: `Objects${prefix ? ` under ${prefix}` : ''}`, empty: 'No objects.'}));
}

export const routes = [
  {path: 's3/buckets', render: renderBuckets},
  {path: 's3/buckets/:name', render: renderBucket},
];
