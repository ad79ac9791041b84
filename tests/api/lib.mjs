// Helpers for the API tests: start a real linli server on a loopback port
// with a temporary demo database, log in as a demo user, and talk raw HTTP.
//
// The database is SQLite (a file in a temp dir) unless LINLI_TEST_PG_BASE
// holds the base URL of a throwaway PostgreSQL cluster (scripts/pg.sh start
// DIR prints one): then every server gets a fresh database of its own in
// that cluster, made with psql and dropped by cleanup().
//
// No npm dependencies: global fetch (undici) for ordinary requests,
// node:net for byte-exact requests that fetch would normalise away.

import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync, mkdirSync, rmSync, existsSync, writeFileSync, readFileSync, copyFileSync, chmodSync, statSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.LINLI_BIN || path.join(REPO, 'build', 'linli');
export const WEB = path.join(REPO, 'web');
export const DEMO_PASSWORD = 'demo-pass-123';

/** The base URL of the test run's PostgreSQL cluster, or '' for SQLite. */
export const PG_BASE = process.env.LINLI_TEST_PG_BASE || '';
// On PostgreSQL the key file of sealed fields cannot sit beside a database
// file: one key file for the whole run, shared by every process and database
// (each server passes it on through the environment).
if (PG_BASE && !process.env.LINLI_KEY_FILE) {
  process.env.LINLI_KEY_FILE = path.join(os.tmpdir(), `linli-test-${process.pid}.key`);
}
/** 'postgres' when the tests run on PostgreSQL, else 'sqlite'. */
export const BACKEND = PG_BASE ? 'postgres' : 'sqlite';
const PSQL = process.env.LINLI_TEST_PSQL || 'psql';

/**
 * Run SQL with psql against a connection URL (default: the cluster's base
 * URL). Returns stdout (unaligned, tuples only). Throws with psql's message.
 */
export function psql(sql, url = PG_BASE) {
  if (!url) throw new Error('psql(): no URL and LINLI_TEST_PG_BASE is not set');
  const r = spawnSync(PSQL, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], {
    encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
  if (r.error) throw new Error(`psql could not run (${r.error.message}); install the Debian package postgresql-client`);
  if (r.status !== 0) throw new Error(`psql failed (status ${r.status}) on ${url}: ${sql}\n${r.stderr}`);
  return r.stdout;
}

/** The URL of database `name` in the cluster whose URL is `base`. */
export function pgDbUrl(base, name) {
  const m = /^(postgres(?:ql)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/.exec(base);
  if (!m) throw new Error(`LINLI_TEST_PG_BASE is not a postgres:// URL: ${base}`);
  return `${m[1]}/${name}${m[2] || ''}`;
}

const liveDatabases = new Set(); // dropped at exit if a test forgot cleanup()
process.on('exit', () => { for (const d of liveDatabases) d.drop(); });

/**
 * A fresh, empty database for one server: {db, drop()}. On SQLite db is a
 * file path inside dir; on PostgreSQL it is the URL of a new database
 * t_<pid>_<random> in the test cluster, and drop() removes it.
 */
export function freshDatabase(dir) {
  if (!PG_BASE) return { db: path.join(dir, 'linli.db'), drop() {} };
  const name = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  psql(`CREATE DATABASE ${name}`);
  let dropped = false;
  const d = {
    db: pgDbUrl(PG_BASE, name),
    name,
    drop() {
      liveDatabases.delete(d);
      if (dropped || process.env.LINLI_KEEP_TMP) return;
      dropped = true;
      try { psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* the cluster may be down */ }
    },
  };
  liveDatabases.add(d);
  return d;
}

/**
 * `linli init --demo` into a database from freshDatabase(), through a cache:
 * the first call (per binary, demo settings, key file and day) builds the
 * demo once; every later call, in this process or another of the same run,
 * copies it: the file and its key file on SQLite, CREATE DATABASE ...
 * TEMPLATE on PostgreSQL. The demo is deterministic (a fixed seed; ages
 * count from today), so the copy is what init would have made, in a
 * fraction of the time (the demo seals thousands of ID numbers). Returns
 * {status, stdout, stderr} like spawnSync.
 */
export function initDemo(fresh, env) {
  const parts = [BIN, statSync(BIN).mtimeMs, env.LINLI_DEMO_RESIDENTS || '', env.LINLI_DEMO_PASSWORD || '',
    PG_BASE, env.LINLI_KEY_FILE || '', new Date().toISOString().slice(0, 10)];
  const key = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'linli-demo-cache', key);
  const done = path.join(dir, 'done');
  const tpl = `tpl_${key}`;
  if (!existsSync(done)) {
    let mine = false;
    try {
      mkdirSync(path.join(os.tmpdir(), 'linli-demo-cache'), { recursive: true });
      mkdirSync(dir);
      mine = true;
    } catch { /* another process builds it */ }
    if (mine) {
      let target = path.join(dir, 'linli.db');
      if (PG_BASE) {
        psql(`DROP DATABASE IF EXISTS ${tpl}`);
        psql(`CREATE DATABASE ${tpl}`);
        target = pgDbUrl(PG_BASE, tpl);
      }
      const r = spawnSync(BIN, ['init', '--demo', '--db', target], { env, encoding: 'utf8', timeout: 180_000 });
      if (r.status !== 0) {
        rmSync(dir, { recursive: true, force: true });
        return r;
      }
      writeFileSync(path.join(dir, 'stdout'), r.stdout || '');
      writeFileSync(done, '');
    } else {
      const until = Date.now() + 180_000;
      while (!existsSync(done)) {
        if (Date.now() > until || !existsSync(dir)) return spawnSync(BIN, ['init', '--demo', '--db', fresh.db], { env, encoding: 'utf8', timeout: 180_000 });
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      }
    }
  }
  if (PG_BASE) {
    psql(`DROP DATABASE ${fresh.name}`);
    psql(`CREATE DATABASE ${fresh.name} TEMPLATE ${tpl}`);
  } else {
    copyFileSync(path.join(dir, 'linli.db'), fresh.db);
    copyFileSync(path.join(dir, 'linli.db.key'), `${fresh.db}.key`);
    chmodSync(`${fresh.db}.key`, 0o600);
  }
  return { status: 0, stdout: readFileSync(path.join(dir, 'stdout'), 'utf8'), stderr: '' };
}

const STDERR_KEEP = 64 * 1024;

/** A free TCP port on 127.0.0.1 (bind to 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Start `linli serve` on a fresh demo database.
 * opts.env: extra environment (overrides the defaults, e.g. LINLI_RATE_LIMIT).
 * opts.healthTimeout: ms to wait for /healthz (default 10 s).
 * opts.db: serve this existing database (no init; cleanup() leaves it), e.g.
 * a second process on the database of a first one.
 * Returns {base, port, proc, tmp, db, backend, stderr(), stop(), restart(),
 * kill(), cleanup()}; db is a file path (SQLite) or a postgres:// URL.
 * restart() starts a new process on the same database (on a new port: base
 * and port on the returned object are updated).
 */
export async function startServer(opts = {}) {
  if (!existsSync(BIN)) {
    throw new Error(`linli binary not found at ${BIN} (build it with make, or set LINLI_BIN)`);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-api-'));
  const fresh = opts.db ? { db: opts.db, drop() {} } : freshDatabase(tmp);
  const db = fresh.db;
  const env = {
    ...process.env,
    LINLI_DEMO_PASSWORD: DEMO_PASSWORD,
    LINLI_RATE_LIMIT: '0',
    LINLI_WEB: WEB,
    ...(opts.env || {}),
  };

  const init = opts.db ? { status: 0 } : initDemo(fresh, env);
  if (init.status !== 0) {
    fresh.drop();
    throw new Error(`linli init --demo failed (status ${init.status}, signal ${init.signal}):\n` +
      `${init.stdout || ''}\n${init.stderr || ''}`);
  }

  const srv = {
    base: '', port: 0, proc: null, tmp, db, backend: BACKEND,
    _err: '',
    stderr() { return this._err; },
    async stop() { await stopProc(this.proc, 'SIGTERM'); },
    async kill() { await stopProc(this.proc, 'SIGKILL'); },
    async restart() {
      await stopProc(this.proc, 'SIGTERM');
      await launch(this, env, opts.healthTimeout ?? 10_000);
      return this;
    },
    async cleanup() {
      await stopProc(this.proc, 'SIGTERM');
      // LINLI_TEST_LOG=DIR keeps the tail of each server's output there.
      if (process.env.LINLI_TEST_LOG) {
        mkdirSync(process.env.LINLI_TEST_LOG, { recursive: true });
        writeFileSync(path.join(process.env.LINLI_TEST_LOG, `${path.basename(tmp)}.log`), this._err);
      }
      fresh.drop();
      if (!process.env.LINLI_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
    },
  };
  await launch(srv, env, opts.healthTimeout ?? 10_000);
  return srv;
}

async function launch(srv, env, healthTimeout) {
  let lastErr = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', srv.db], {
      env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    srv._err = '';
    // Drain both pipes so that a chatty access log never blocks the server.
    const keep = (chunk) => {
      srv._err += chunk.toString('utf8');
      if (srv._err.length > STDERR_KEEP) srv._err = srv._err.slice(-STDERR_KEEP);
    };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    proc.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    srv.proc = proc;
    srv.port = port;
    srv.base = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(srv, healthTimeout);
      return;
    } catch (e) {
      lastErr = e;
      await stopProc(proc, 'SIGKILL');
      // Only retry when the port was taken between freePort() and bind().
      if (!/address already in use|EADDRINUSE/i.test(srv._err)) break;
    }
  }
  throw lastErr;
}

async function waitHealthy(srv, timeout) {
  const deadline = Date.now() + timeout;
  let exited = null;
  srv.proc.exited.then((x) => { exited = x; });
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`linli serve exited early (code ${exited.code}, signal ${exited.signal}):\n${srv._err}`);
    }
    try {
      const r = await fetch(`${srv.base}/healthz`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch { /* not listening yet */ }
    await sleep(50);
  }
  throw new Error(`linli serve did not answer /healthz within ${timeout} ms:\n${srv._err}`);
}

async function stopProc(proc, signal) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill(signal);
  const t = setTimeout(() => { try { proc.kill('SIGKILL'); } catch { /* gone */ } }, 10_000);
  await proc.exited;
  clearTimeout(t);
}

/**
 * One HTTP request with fetch. body: an object (sent as JSON), a string or a
 * Buffer (sent as is). headers: extra headers (override defaults).
 * timeout: ms before the request is aborted (the promise rejects).
 * Returns {status, json, text, headers}.
 */
export async function request(base, method, p, { body, headers = {}, cookie, timeout } = {}) {
  const h = {};
  let payload;
  if (body !== undefined) {
    h['content-type'] = 'application/json';
    payload = (typeof body === 'string' || body instanceof Uint8Array) ? body : JSON.stringify(body);
  }
  if (cookie) h.cookie = cookie;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || v === null) delete h[k.toLowerCase()];
    else h[k.toLowerCase()] = v;
  }
  const signal = timeout ? AbortSignal.timeout(timeout) : undefined;
  const r = await fetch(base + p, { method, headers: h, body: payload, redirect: 'manual', signal });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: r.status, json, text, headers: r.headers };
}

/** Parse the session cookie out of a fetch Headers object. */
export function sessionCookie(headers) {
  for (const c of headers.getSetCookie()) {
    const m = /^linli_session=([^;]*)/.exec(c);
    if (m) return { raw: c, value: m[1], pair: `linli_session=${m[1]}` };
  }
  return null;
}

/**
 * A logged-in client. Throws unless the login answers 200.
 * The client sends JSON, the cookie, and X-CSRF-Token on non-GET requests;
 * per-call headers can override or remove (value null) any of them.
 */
export async function login(base, username, password = DEMO_PASSWORD) {
  const r = await request(base, 'POST', '/api/session', { body: { username, password } });
  if (r.status !== 200) {
    throw new Error(`login ${username}: ${r.status} ${r.text}`);
  }
  const c = sessionCookie(r.headers);
  if (!c) throw new Error(`login ${username}: no linli_session cookie in ${JSON.stringify(r.headers.getSetCookie())}`);
  return makeClient(base, c.pair, r.json.csrf, r.json.user, r);
}

export function makeClient(base, cookie, csrf, user, loginResponse) {
  const client = {
    base, cookie, csrf, user, loginResponse,
    req(method, p, body, headers = {}) {
      const h = { cookie: client.cookie };
      if (method !== 'GET' && method !== 'HEAD' && client.csrf) h['x-csrf-token'] = client.csrf;
      return request(client.base, method, p, { body, headers: { ...h, ...headers } });
    },
    get(p, headers) { return client.req('GET', p, undefined, headers); },
    post(p, body, headers) { return client.req('POST', p, body, headers); },
    patch(p, body, headers) { return client.req('PATCH', p, body, headers); },
    del(p, body, headers) { return client.req('DELETE', p, body, headers); },
  };
  return client;
}

/**
 * Send raw bytes on a fresh TCP connection and resolve with everything the
 * server sent (latin1-decoded text) once it closes, or after `timeout` ms.
 */
export function raw(port, bytes, { timeout = 2000 } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    let done = false;
    const sock = net.connect(port, '127.0.0.1');
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(t);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const t = setTimeout(finish, timeout);
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', finish);
  });
}

/**
 * Parse the first HTTP response in `text`: {status, headers (lower-case
 * names, arrays joined by ', '), body (de-chunked), rest}.
 * Returns null when there is no complete status line.
 */
export function parseResponse(text) {
  const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(text);
  if (!m) return null;
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: Number(m[1]), headers: {}, body: '', rest: '' };
  const headers = {};
  for (const line of text.slice(m[0].length, headEnd).split('\r\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] !== undefined ? `${headers[k]}, ${v}` : v;
  }
  let rest = text.slice(headEnd + 4);
  let body = '';
  if (/chunked/i.test(headers['transfer-encoding'] || '')) {
    for (;;) {
      const eol = rest.indexOf('\r\n');
      if (eol < 0) break;
      const n = parseInt(rest.slice(0, eol), 16);
      if (!Number.isFinite(n)) break;
      rest = rest.slice(eol + 2);
      if (n === 0) {
        const end = rest.indexOf('\r\n');
        rest = end >= 0 ? rest.slice(end + 2) : '';
        break;
      }
      body += rest.slice(0, n);
      rest = rest.slice(n + 2);
    }
  } else if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    body = rest.slice(0, n);
    rest = rest.slice(n);
  } else {
    body = rest;
    rest = '';
  }
  return { status: Number(m[1]), headers, body, rest };
}

/** Utility: assert-friendly view of an error body. */
export function errOf(r) {
  return r.json && r.json.error ? r.json.error : null;
}

/** The community id a worker-like user is scoped to, from their grants. */
export function scopeId(user, role, scope) {
  const g = (user.grants || []).find((x) => x.role === role && (!scope || x.scope === scope));
  return g ? g.scope_id : undefined;
}

/** Run `fn` over items with at most `n` in flight. */
export async function pool(items, n, fn) {
  let i = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) {
      const k = i++;
      await fn(items[k], k);
    }
  });
  await Promise.all(workers);
}

export function unique(prefix = 't') {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Stop the server with SIGTERM and return {code, signal, sanitizer}, where
 * sanitizer is the first AddressSanitizer/UBSan/LeakSanitizer report line in
 * its output, or null.
 */
export async function stopAndInspect(srv) {
  await srv.stop();
  const x = await srv.proc.exited;
  const m = /^.*(AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer).*$/m.exec(srv.stderr());
  return { code: x.code, signal: x.signal, sanitizer: m ? m[0] : null };
}
