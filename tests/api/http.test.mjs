// HTTP protocol hardening and platform routes: raw-socket request smuggling
// and malformed requests, keep-alive, security headers, static files and
// path traversal, /healthz, /metrics, per-address rate limit.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, request, raw, parseResponse, errOf, stopAndInspect } from './lib.mjs';

const CRLF = '\r\n';

async function assertHealthy(srv) {
  const r = await request(srv.base, 'GET', '/healthz');
  assert.equal(r.status, 200, 'server still answers /healthz');
  assert.deepEqual(r.json, { status: 'ok' });
}

function assertSecurityHeaders(get, what) {
  const csp = get('content-security-policy') || '';
  assert.match(csp, /default-src 'self'/, `${what}: CSP has default-src 'self' (got "${csp}")`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP has frame-ancestors 'none' (got "${csp}")`);
  assert.equal((get('x-content-type-options') || '').toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
  const rp = (get('referrer-policy') || '').toLowerCase();
  assert.ok(rp && rp !== 'unsafe-url' && rp !== 'no-referrer-when-downgrade', `${what}: Referrer-Policy is set and strict (got "${rp}")`);
}

describe('http', { timeout: 90_000 }, () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.cleanup(); });

  describe('platform routes', () => {
    it('GET /healthz → 200 {"status":"ok"} as JSON', async () => {
      const r = await request(srv.base, 'GET', '/healthz');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { status: 'ok' });
      assert.match(r.headers.get('content-type') || '', /^application\/json/);
    });

    it('GET /metrics → Prometheus text with the documented series', async () => {
      await request(srv.base, 'GET', '/healthz');
      const r = await request(srv.base, 'GET', '/metrics');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') || '', /^text\/plain/);
      assert.match(r.text, /^linli_requests_total\{[^}]*route=[^}]*status=[^}]*\} \d+/m);
      assert.match(r.text, /linli_request_duration_seconds_bucket\{/);
      assert.match(r.text, /^linli_inflight_requests \d+/m);
      assert.match(r.text, /^linli_uptime_seconds [\d.]+/m);
    });
  });

  describe('security headers', () => {
    it('are on a JSON route (/healthz)', async () => {
      const r = await request(srv.base, 'GET', '/healthz');
      assertSecurityHeaders((h) => r.headers.get(h), '/healthz');
    });

    it('are on an error (401 and 404)', async () => {
      const a = await request(srv.base, 'GET', '/api/session');
      assert.equal(a.status, 401);
      assertSecurityHeaders((h) => a.headers.get(h), '401 /api/session');
      const b = await request(srv.base, 'GET', '/api/no-such-route');
      assert.equal(b.status, 404);
      assert.equal(errOf(b)?.code, 'not_found');
      assertSecurityHeaders((h) => b.headers.get(h), '404 /api/no-such-route');
    });

    it('are on 405, 413 and 415 errors', async () => {
      const a = await request(srv.base, 'PUT', '/api/session', { body: {} });
      assert.equal(a.status, 405);
      assertSecurityHeaders((h) => a.headers.get(h), '405');
      const b = await request(srv.base, 'POST', '/api/session', { body: 'x'.repeat(70 * 1024) });
      assert.equal(b.status, 413);
      assertSecurityHeaders((h) => b.headers.get(h), '413');
      const c = await request(srv.base, 'POST', '/api/session', { body: 'a=b', headers: { 'content-type': 'text/plain' } });
      assert.equal(c.status, 415);
      assertSecurityHeaders((h) => c.headers.get(h), '415');
    });

    it('are on a 304', async () => {
      const r = await request(srv.base, 'GET', '/app.js');
      const r2 = await request(srv.base, 'GET', '/app.js', { headers: { 'if-none-match': r.headers.get('etag') } });
      assert.equal(r2.status, 304);
      assertSecurityHeaders((h) => r2.headers.get(h), '304');
    });

    it('are on a static file (/ and /app.js)', async () => {
      for (const p of ['/', '/app.js']) {
        const r = await request(srv.base, 'GET', p);
        assert.equal(r.status, 200, p);
        assertSecurityHeaders((h) => r.headers.get(h), p);
      }
    });
  });

  describe('static files', () => {
    let indexHtml;
    before(async () => {
      const r = await request(srv.base, 'GET', '/');
      indexHtml = Buffer.from(r.text, 'utf8').toString('latin1'); // raw() decodes latin1
    });

    it('GET / → text/html', async () => {
      const r = await request(srv.base, 'GET', '/');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') || '', /^text\/html/);
      assert.match(r.text, /<html/i);
    });

    it('GET /app.js → JavaScript with an ETag, and If-None-Match → 304', async () => {
      const r = await request(srv.base, 'GET', '/app.js');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') || '', /^(application|text)\/javascript/);
      const etag = r.headers.get('etag');
      assert.ok(etag, 'ETag present');
      const r2 = await request(srv.base, 'GET', '/app.js', { headers: { 'if-none-match': etag } });
      assert.equal(r2.status, 304);
      assert.equal(r2.text, '', '304 has no body');
      const r3 = await request(srv.base, 'GET', '/app.js', { headers: { 'if-none-match': '"not-the-etag"' } });
      assert.equal(r3.status, 200, 'a different ETag gets the file');
    });

    it('GET a missing static file → 404', async () => {
      const r = await request(srv.base, 'GET', '/no-such-file.js');
      assert.equal(r.status, 404);
    });

    for (const target of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd',
      '/..%2f..%2f..%2f..%2fetc/passwd',
      '/app.js/../../../../etc/passwd',
      '/....//....//etc/passwd',
      '//etc/passwd',
      '/%252e%252e/%252e%252e/etc/passwd',
    ]) {
      it(`never serves /etc/passwd for GET ${target}`, async () => {
        const text = await raw(srv.port, `GET ${target} HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${CRLF}`);
        const res = parseResponse(text);
        assert.ok(res, `got an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
        assert.doesNotMatch(text, /root:.*:0:0:/, 'no passwd content');
        if (res.status === 200) {
          // The app's history fallback may answer an extension-less path with
          // index.html; anything else than exactly that is a leak.
          assert.equal(res.body, indexHtml, `200 for ${target} must be the app's index.html`);
        } else {
          assert.ok(res.status >= 400 && res.status < 500, `4xx for ${target}, got ${res.status}`);
        }
        await assertHealthy(srv);
      });
    }
  });

  describe('raw-socket protocol hardening', () => {
    it('Content-Length and Transfer-Encoding together → 400 bad_request', async () => {
      const body = '{"username":"worker","password":"x"}';
      const text = await raw(srv.port,
        `POST /api/session HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: application/json${CRLF}` +
        `Content-Length: ${body.length + 7}${CRLF}Transfer-Encoding: chunked${CRLF}Connection: close${CRLF}${CRLF}` +
        `${body.length.toString(16)}${CRLF}${body}${CRLF}0${CRLF}${CRLF}`);
      const res = parseResponse(text);
      assert.ok(res, `got an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.body).error.code, 'bad_request');
      await assertHealthy(srv);
    });

    it('two Content-Length headers → 400 bad_request', async () => {
      const body = '{"username":"worker","password":"x"}';
      const text = await raw(srv.port,
        `POST /api/session HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: application/json${CRLF}` +
        `Content-Length: ${body.length}${CRLF}Content-Length: 5${CRLF}Connection: close${CRLF}${CRLF}${body}`);
      const res = parseResponse(text);
      assert.ok(res, `got an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.body).error.code, 'bad_request');
      await assertHealthy(srv);
    });

    it('two identical Content-Length headers → 400 too', async () => {
      const body = '{"username":"worker","password":"x"}';
      const text = await raw(srv.port,
        `POST /api/session HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: application/json${CRLF}` +
        `Content-Length: ${body.length}${CRLF}Content-Length: ${body.length}${CRLF}Connection: close${CRLF}${CRLF}${body}`);
      const res = parseResponse(text);
      assert.ok(res, `got an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
      assert.equal(res.status, 400);
      await assertHealthy(srv);
    });

    // A request line that is not HTTP at all never reaches linli's code:
    // libmicrohttpd answers 400 or closes the connection (docs/architecture.md).
    // Either is fine; what matters is that nothing else is served and the
    // server goes on.
    it('a malformed request line → 4xx or a closed connection, and the server goes on', async () => {
      for (const line of ['GARBAGE', 'GET', 'GET  HTTP/1.1', 'GET /healthz']) {
        const text = await raw(srv.port, `${line}${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${CRLF}`);
        const res = parseResponse(text);
        if (text.length > 0) {
          assert.ok(res, `${JSON.stringify(line)}: an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
          assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(line)}: 4xx, got ${res.status}`);
        }
        await assertHealthy(srv);
      }
    });

    it('a header larger than 32 KiB → 4xx', async () => {
      const text = await raw(srv.port,
        `GET /healthz HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}X-Big: ${'a'.repeat(40 * 1024)}${CRLF}Connection: close${CRLF}${CRLF}`);
      const res = parseResponse(text);
      assert.ok(res, `got an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
      assert.ok(res.status >= 400 && res.status < 500, `4xx, got ${res.status}`);
      await assertHealthy(srv);
    });

    it('a chunked body with invalid JSON → 400 with a JSON error', async () => {
      const body = '{"username": "worker", ';
      const text = await raw(srv.port,
        `POST /api/session HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: application/json${CRLF}` +
        `Transfer-Encoding: chunked${CRLF}Connection: close${CRLF}${CRLF}` +
        `${body.length.toString(16)}${CRLF}${body}${CRLF}0${CRLF}${CRLF}`);
      const res = parseResponse(text);
      assert.ok(res, `got an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
      assert.equal(res.status, 400);
      assert.match(res.headers['content-type'] || '', /^application\/json/);
      assert.equal(JSON.parse(res.body).error.code, 'invalid');
      await assertHealthy(srv);
    });

    it('a valid chunked body in two chunks is decoded (missing password → 400 field password)', async () => {
      const a = '{"usern';
      const b = 'ame": "worker"}';
      const text = await raw(srv.port,
        `POST /api/session HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: application/json${CRLF}` +
        `Transfer-Encoding: chunked${CRLF}Connection: close${CRLF}${CRLF}` +
        `${a.length.toString(16)}${CRLF}${a}${CRLF}${b.length.toString(16)}${CRLF}${b}${CRLF}0${CRLF}${CRLF}`);
      const res = parseResponse(text);
      assert.ok(res, `got an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.body).error.field, 'password');
      await assertHealthy(srv);
    });

    it('a chunked body larger than 64 KiB → 413', async () => {
      const chunk = 'a'.repeat(16 * 1024);
      let body = '';
      for (let i = 0; i < 5; i++) body += `${chunk.length.toString(16)}${CRLF}${chunk}${CRLF}`;
      const text = await raw(srv.port,
        `POST /api/session HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: application/json${CRLF}` +
        `Transfer-Encoding: chunked${CRLF}Connection: close${CRLF}${CRLF}${body}0${CRLF}${CRLF}`);
      const res = parseResponse(text);
      assert.ok(res, `got an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
      assert.equal(res.status, 413);
      await assertHealthy(srv);
    });

    it('a connection that sends half a request and stalls does not block others', async () => {
      const sock = net.connect(srv.port, '127.0.0.1');
      await new Promise((r) => sock.on('connect', r));
      sock.write(`POST /api/session HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Length: 100${CRLF}`);
      try {
        await assertHealthy(srv);
      } finally {
        sock.destroy();
      }
    });

    it('keep-alive: two requests on one socket are both answered', async () => {
      const sock = net.connect(srv.port, '127.0.0.1');
      let buf = '';
      let closed = false;
      sock.on('data', (d) => { buf += d.toString('latin1'); });
      sock.on('close', () => { closed = true; });
      sock.on('error', () => { closed = true; });
      await new Promise((r) => sock.on('connect', r));
      const waitFor = async (pred, ms = 3000) => {
        const end = Date.now() + ms;
        while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
        return pred();
      };
      try {
        sock.write(`GET /healthz HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}${CRLF}`);
        const first = await waitFor(() => {
          const p = parseResponse(buf);
          return p && p.headers['content-length'] !== undefined
            ? p.body.length >= Number(p.headers['content-length'])
            : p && /\r\n0\r\n\r\n/.test(buf);
        });
        assert.ok(first, `first response complete: ${JSON.stringify(buf.slice(0, 300))}`);
        const r1 = parseResponse(buf);
        assert.equal(r1.status, 200);
        assert.ok(!closed, 'socket still open after the first response');
        assert.notEqual((r1.headers.connection || '').toLowerCase(), 'close', 'server did not ask to close');
        const firstLen = buf.length - r1.rest.length;
        sock.write(`GET /healthz HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${CRLF}`);
        await waitFor(() => closed);
        const r2 = parseResponse(buf.slice(firstLen));
        assert.ok(r2, `second response: ${JSON.stringify(buf.slice(firstLen, firstLen + 300))}`);
        assert.equal(r2.status, 200);
        assert.deepEqual(JSON.parse(r2.body), { status: 'ok' });
      } finally {
        sock.destroy();
      }
      await assertHealthy(srv);
    });
  });

  describe('rate limit (LINLI_RATE_LIMIT=5)', () => {
    let limited;
    before(async () => { limited = await startServer({ env: { LINLI_RATE_LIMIT: '5' } }); });
    after(async () => { await limited?.cleanup(); });

    it('a burst of 40 requests yields some 429 rate_limited, and not all', async () => {
      const rs = await Promise.all(Array.from({ length: 40 }, () => request(limited.base, 'GET', '/api/session')));
      const statuses = rs.map((r) => r.status);
      const limitedRs = rs.filter((r) => r.status === 429);
      assert.ok(limitedRs.length > 0, `some 429 in ${statuses.join(',')}`);
      assert.ok(limitedRs.length < 40, 'the burst allowance lets some through');
      const passed = rs.length - limitedRs.length;
      assert.ok(passed <= 10 + 5, `at most burst (2×5) plus refill passed, got ${passed}`);
      for (const r of limitedRs) assert.equal(errOf(r)?.code, 'rate_limited');
      for (const r of rs) if (r.status !== 429) assert.equal(r.status, 401);
    });
  });

  it('the server exits cleanly on SIGTERM, with no sanitizer report', async () => {
    const x = await stopAndInspect(srv);
    assert.equal(x.sanitizer, null, 'sanitizer report in server output');
    assert.equal(x.signal, null, 'not killed by a signal');
    assert.equal(x.code, 0, `exit code 0; output tail:\n${srv.stderr().slice(-2000)}`);
  });
});
