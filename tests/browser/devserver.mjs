// Development proxy for the console front end: serves web/console/ and uPlot from disk (so an
// edit shows on reload without rebuilding the binary) and forwards everything else, the console
// API included, to a running trailwatch. Loopback only.
//
//   node tests/browser/devserver.mjs http://127.0.0.1:4566 [port]
//
// The tutorial test uses it when TW_WEB_FROM_DISK=1 (startDevProxy below).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = path.join(ROOT, 'web', 'console');
const VENDOR = path.join(ROOT, 'web', 'node_modules', 'uplot', 'dist');
const TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
               '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml'};
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
            "form-action 'self'; frame-ancestors 'none'";

function sendFile(res, file) {
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404, {'Content-Type': 'text/plain'});
      res.end('not found');
      return;
    }
    res.writeHead(200, {'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
                        'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache'});
    res.end(data);
  });
}

function inside(dir, rel) {
  const file = path.resolve(dir, rel);
  return file.startsWith(dir + path.sep) ? file : null;
}

export function startDevProxy(upstream, port = 0) {
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const p = url.pathname;
    if (p.startsWith('/console/static/')) {
      const file = inside(WEB, decodeURIComponent(p.slice('/console/static/'.length)));
      return file ? sendFile(res, file) : res.writeHead(404).end();
    }
    if (p.startsWith('/console/vendor/')) {
      const file = inside(VENDOR, decodeURIComponent(p.slice('/console/vendor/'.length)));
      return file ? sendFile(res, file) : res.writeHead(404).end();
    }
    if ((p === '/console' || p.startsWith('/console/')) && !p.startsWith('/console/api/') &&
        req.method === 'GET') {
      return sendFile(res, path.join(WEB, 'index.html'));
    }
    const fwd = http.request({host: target.hostname, port: target.port, method: req.method,
                              path: req.url, headers: req.headers}, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    fwd.on('error', (e) => {
      res.writeHead(502, {'Content-Type': 'text/plain'});
      res.end(`upstream error: ${e.message}`);
    });
    req.pipe(fwd);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({server, url: `http://127.0.0.1:${server.address().port}`});
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const upstream = process.argv[2] || 'http://127.0.0.1:4566';
  const {url} = await startDevProxy(upstream, Number(process.argv[3] || 0));
  console.log(`console dev proxy on ${url}/console -> ${upstream}`);
}
