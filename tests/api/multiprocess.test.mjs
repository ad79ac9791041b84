// Several processes, one database (PostgreSQL only): two linli servers on
// two ports serve the same users. A session made through one works through
// the other, a write through one is read through the other, a logout through
// one ends the session in both, and failed logins count across both.
//
// Then the database goes away during a stream of writes: PostgreSQL is
// stopped (scripts/pg.sh stop, a fast shutdown that cuts every connection)
// and started again. While it is down the server answers 503 with the JSON
// code "unavailable" (no 500, no hang, no dropped connection); once it is
// back the writes succeed again; and every write acknowledged with 201
// before, during or after is stored.
//
// Needs LINLI_TEST_PG_BASE (the base URL that scripts/pg.sh start DIR
// printed; DIR is read from its host= parameter). Without it every test here
// is skipped.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  PG_BASE, REPO, startServer, login, makeClient, request, errOf, scopeId, unique,
} from './lib.mjs';

const SKIP = 'needs PostgreSQL: set LINLI_TEST_PG_BASE to the URL printed by scripts/pg.sh start DIR';
const PG_SH = path.join(REPO, 'scripts', 'pg.sh');
// A logout made through another process may be served from a session cache
// for AUTH_CACHE_SECONDS (2 s): wait that long, and a second more, at most.
const CACHE_GRACE_MS = 3_000;

/** The cluster directory: the host= parameter of the base URL. */
function clusterDir() {
  const q = PG_BASE.indexOf('?');
  const host = q < 0 ? null : new URLSearchParams(PG_BASE.slice(q + 1)).get('host');
  if (!host || !host.startsWith('/')) {
    throw new Error(`LINLI_TEST_PG_BASE has no host=/DIR parameter (a Unix socket directory): ${PG_BASE}`);
  }
  return host;
}

/** scripts/pg.sh CMD DIR, asynchronously (the event loop keeps serving the stream). */
function pgsh(cmd) {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', [PG_SH, cmd, clusterDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`scripts/pg.sh ${cmd} failed (${code}):\n${out}`))));
  });
}

describe('two processes, one PostgreSQL database', { timeout: 180_000 }, () => {
  let a; // server A
  let b; // server B, on A's database
  let demo;

  before(async () => {
    if (!PG_BASE) return;
    a = await startServer();
    b = await startServer({ db: a.db });
  });
  after(async () => {
    await b?.cleanup();
    await a?.cleanup();
  });

  it('shares sessions, writes, logouts and login throttling', async (t) => {
    if (!PG_BASE) { t.skip(SKIP); return; }
    assert.notEqual(a.port, b.port);

    const viaA = await login(a.base, 'worker');
    demo = scopeId(viaA.user, 'worker', 'community');
    assert.equal(typeof demo, 'number');
    const viaB = makeClient(b.base, viaA.cookie, viaA.csrf, viaA.user);

    // The session made through A works through B.
    const s = await viaB.get('/api/session');
    assert.equal(s.status, 200, `GET /api/session through B: ${s.text}`);
    assert.equal(s.json.user.username, 'worker');

    // A write through B (cookie and CSRF token from A's login) is read through A.
    const nameB = unique('mp-b');
    const w = await viaB.post(`/api/communities/${demo}/grids`, { name: nameB });
    assert.equal(w.status, 201, `POST grid through B: ${w.text}`);
    const readA = await viaA.get(`/api/communities/${demo}`);
    assert.equal(readA.status, 200, readA.text);
    assert.ok(readA.json.grids.some((g) => g.name === nameB && g.id === w.json.id), 'grid written through B is read through A');

    // And the other way round.
    const nameA = unique('mp-a');
    const w2 = await viaA.post(`/api/communities/${demo}/grids`, { name: nameA });
    assert.equal(w2.status, 201, `POST grid through A: ${w2.text}`);
    const readB = await viaB.get(`/api/communities/${demo}`);
    assert.ok(readB.json.grids.some((g) => g.name === nameA), 'grid written through A is read through B');

    // A CSRF token is checked the same way in both.
    const bad = await viaB.post(`/api/communities/${demo}/grids`, { name: unique('mp-x') }, { 'x-csrf-token': 'wrong' });
    assert.equal(bad.status, 403, `wrong CSRF token through B: ${bad.status} ${bad.text}`);

    // Logging out through B ends the session in A too: at once in the
    // database, and in A's per-thread session cache within its lifetime
    // (AUTH_CACHE_SECONDS, 2 s; see src/auth/auth.h).
    const out = await viaB.del('/api/session');
    assert.ok(out.status === 200 || out.status === 204, `DELETE /api/session through B: ${out.status} ${out.text}`);
    const loggedOut = Date.now();
    let dead;
    for (;;) {
      dead = await viaA.get('/api/session', { connection: 'close' });
      if (dead.status !== 200 || Date.now() - loggedOut > CACHE_GRACE_MS) break;
      await sleep(100);
    }
    assert.equal(dead.status, 401,
      `the session logged out through B still works through A after ${Date.now() - loggedOut} ms: ${dead.text}`);
    const lag = Date.now() - loggedOut;
    if (lag > 200) console.log(`logout through B took effect in A after ${lag} ms (session cache)`);

    // Login throttling lives in the database: 5 failures for one account,
    // spread over both servers, refuse the next try on either.
    const codes = [];
    for (let i = 0; i < 5; i++) {
      const srv = i % 2 ? b : a;
      const r = await request(srv.base, 'POST', '/api/session', { body: { username: 'grid', password: `wrong-${i}` } });
      codes.push(r.status);
    }
    assert.deepEqual(codes, [401, 401, 401, 401, 401]);
    for (const srv of [a, b]) {
      const r = await request(srv.base, 'POST', '/api/session', { body: { username: 'grid', password: 'wrong-again' } });
      assert.equal(r.status, 429, `6th failed login (through ${srv === a ? 'A' : 'B'}) after 5 spread over A and B: ${r.status} ${r.text}`);
    }
  });

  it('answers 503 while PostgreSQL is down, recovers, and loses no acknowledged write', async (t) => {
    if (!PG_BASE) { t.skip(SKIP); return; }
    const worker = await login(a.base, 'worker');
    demo = scopeId(worker.user, 'worker', 'community');
    const run = unique('pgdown');
    const IN_FLIGHT = 4;
    const HANG_MS = 5_000; // no answer may take longer than this
    const log = []; // {name, status, code, ms, phase, sent, done}
    let phase = 'before'; // before -> down -> back
    let stopWriting = false;
    let n = 0;
    let backAt = 0;
    let firstOkAfterBack = 0;

    const writer = async () => {
      while (!stopWriting) {
        const name = `${run}-${String(n++).padStart(4, '0')}`;
        const sent = Date.now();
        const sentPhase = phase;
        let status = 0; let code = null; let err = null;
        try {
          const r = await request(a.base, 'POST', `/api/communities/${demo}/grids`, {
            body: { name }, headers: { cookie: worker.cookie, 'x-csrf-token': worker.csrf }, timeout: 30_000,
          });
          status = r.status;
          code = errOf(r)?.code ?? null;
          if (status === 201) assert.equal(r.json.name, name);
        } catch (e) {
          err = e.message;
        }
        const done = Date.now();
        if (status === 201 && sentPhase === 'back' && !firstOkAfterBack) firstOkAfterBack = done;
        log.push({ name, status, code, err, ms: done - sent, phase: sentPhase, sent, done });
        if (status !== 201) await sleep(20); // do not spin while the database is away
      }
    };
    const acked = () => log.filter((x) => x.status === 201).length;
    const waitFor = async (cond, ms, what) => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(20);
      }
    };

    const writers = Array.from({ length: IN_FLIGHT }, writer);
    let health = null;
    try {
      await waitFor(() => acked() >= 30, 30_000, '30 acknowledged writes before the outage');
      phase = 'down';
      const stopStart = Date.now();
      await pgsh('stop');
      const stopMs = Date.now() - stopStart;
      await sleep(1_500); // writes go on against a stopped database
      health = await request(a.base, 'GET', '/healthz').catch((e) => ({ status: 0, text: e.message }));
      await pgsh('start');
      phase = 'back';
      backAt = Date.now();
      console.log(`pg down: stop took ${stopMs} ms, outage ~${backAt - stopStart} ms`);
      // Recovery: a 201 within 5 s of the database's return, then a run of
      // 20 more answers sent after that.
      await waitFor(() => firstOkAfterBack, 5_000, 'the first 201 after PostgreSQL came back');
      await waitFor(() => log.filter((x) => x.sent > firstOkAfterBack).length >= 20, 20_000,
        '20 requests after recovery');
    } finally {
      stopWriting = true;
      await Promise.all(writers);
      // Whatever happened, the cluster must be up for the tests after this one.
      await pgsh('start').catch((e) => console.log(`could not restart PostgreSQL: ${e.message}`));
    }

    const by = (p) => log.filter((x) => x.phase === p);
    const summary = ['before', 'down', 'back'].map((p) => {
      const xs = by(p);
      const counts = {};
      for (const x of xs) counts[x.err ? 'neterr' : x.status] = (counts[x.err ? 'neterr' : x.status] || 0) + 1;
      return `${p}: ${JSON.stringify(counts)}`;
    }).join('; ');
    console.log(`writes during the outage test: ${log.length} (${summary}); ` +
      `first 201 ${firstOkAfterBack - backAt} ms after the restart; slowest answer ${Math.max(...log.map((x) => x.ms))} ms`);

    // /healthz tells a load balancer the database is away.
    assert.equal(health.status, 503, `GET /healthz with PostgreSQL stopped: ${health.status} ${health.text}`);

    // Only 201 and 503 "unavailable"; no 500, no cut connection, no hang.
    const wrong = log.filter((x) => x.err || (x.status !== 201 && !(x.status === 503 && x.code === 'unavailable')));
    assert.deepEqual(wrong.map((x) => `${x.name} [${x.phase}]: ${x.err || `${x.status} ${x.code}`}`), [],
      'every answer is 201 or 503 {"error":{"code":"unavailable"}}');
    const slow = log.filter((x) => x.ms > HANG_MS);
    assert.deepEqual(slow.map((x) => `${x.name} [${x.phase}]: ${x.ms} ms`), [], `no answer slower than ${HANG_MS} ms`);
    assert.ok(by('down').some((x) => x.status === 503), 'writes sent while PostgreSQL was down were answered 503');

    // After recovery every request succeeds.
    const late = log.filter((x) => x.sent > firstOkAfterBack && x.status !== 201);
    assert.deepEqual(late.map((x) => `${x.name}: ${x.status}`), [], 'every write after the first success succeeds');

    // B was idle while PostgreSQL was down: its connections were cut without
    // it noticing. Its first requests afterwards must succeed all the same
    // (fresh TCP connections, so that they spread over B's worker threads).
    const probes = [];
    for (let i = 0; i < 24; i++) {
      const r = await request(b.base, 'GET', '/api/session', {
        headers: { cookie: worker.cookie, connection: 'close' }, timeout: 10_000,
      });
      probes.push(r.status);
    }
    const failedProbes = probes.filter((x) => x !== 200).length;

    // Every acknowledged write is there, through both servers, once.
    for (const srv of [a, b]) {
      const c = await login(srv.base, 'worker');
      let r;
      for (let i = 0; i < 8; i++) { // a stale connection may answer 503 once per thread
        r = await c.get(`/api/communities/${demo}`);
        if (r.status !== 503) break;
      }
      assert.equal(r.status, 200, r.text);
      const stored = r.json.grids.filter((g) => g.name.startsWith(`${run}-`)).map((g) => g.name);
      const set = new Set(stored);
      const lost = log.filter((x) => x.status === 201 && !set.has(x.name)).map((x) => `${x.name} [${x.phase}]`);
      assert.deepEqual(lost, [], `acknowledged writes missing through ${srv === a ? 'A' : 'B'}`);
      assert.equal(set.size, stored.length, 'no grid stored twice');
    }
    assert.equal(failedProbes, 0,
      `the server that was idle during the outage answered ${failedProbes} of its first ${probes.length} requests ` +
      `after PostgreSQL came back with an error (${probes.join(' ')}): each of its threads still held a connection ` +
      'the restart had cut, and found out only by failing a request');
  });
});
