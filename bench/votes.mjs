// Owners' votes under load (issue 6): casting ballots sustained, and none
// lost. Run by bench/votes.sh (which builds build/linli first).
//
//   1. a fresh database with the demo, plus 10,000 owned dwellings (two
//      buildings of 5,000 laid out through the API; residents, owners and
//      register areas written straight into the SQLite file in one
//      transaction, which is set-up, not what is measured);
//   2. a secret vote over the community, opened (the electorate frozen);
//   3. every elector's ballot cast through POST .../paper (a write
//      transaction each: status, elector, turnout, box, totals, audit entry)
//      from CONCURRENCY keep-alive clients; ballots per second over the run,
//      and p50/p99 latency;
//   4. the server is killed with SIGKILL and started again: every
//      acknowledged ballot must be in the turnout, and the totals must match.
//
// Prints one line per figure against the targets (1,000 ballots/s, none lost).

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

const BIN = process.env.LINLI_BIN || path.resolve('build/linli');
const CONCURRENCY = Number(process.env.CONCURRENCY || 32);
const PASSWORD = 'bench-pass-123';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function start(db, port) {
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, LINLI_RATE_LIMIT: '0', LINLI_ACCESS_LOG: 'off' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return child;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start: ${err}`);
}

async function login(base, username) {
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (r.status !== 200) throw new Error(`login ${r.status}`);
  const j = await r.json();
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('linli_session='));
  const call = async (method, p, body) => {
    const res = await fetch(base + p, {
      method, headers: { cookie, 'x-csrf-token': j.csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, text };
  };
  return { user: j.user, call };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-votes-'));
const db = path.join(tmp, 'votes.db');
try {
  const init = spawnSync(BIN, ['init', '--demo', '--db', db], { env: { ...process.env, LINLI_DEMO_PASSWORD: PASSWORD }, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await start(db, port);
  const worker = await login(base, 'worker');
  const community = worker.user.grants.find((g) => g.role === 'worker').community_id;
  const cbase = `/api/communities/${community}`;

  let r = await worker.call('POST', `${cbase}/compounds`, { name: '表决压测小区' });
  const compound = r.json.id;
  const buildings = [];
  for (const name of ['压测1栋', '压测2栋']) {
    r = await worker.call('POST', `${cbase}/buildings`, { compound_id: compound, name });
    buildings.push(r.json.id);
    r = await worker.call('POST', `${cbase}/buildings/${r.json.id}/layout`, { units: 10, floors: 25, rooms_per_floor: 20, area: 9000 });
    if (r.status !== 201) throw new Error(`layout: ${r.text}`);
  }
  // residents, owners, areas: set-up straight into the file (python3's sqlite3)
  const py = `
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=30)
now = int(time.time())
cur = con.cursor()
cur.execute("BEGIN IMMEDIATE")
rows = cur.execute("SELECT id FROM dwellings WHERE building_id IN (?, ?) ORDER BY id", (int(sys.argv[3]), int(sys.argv[4]))).fetchall()
c = int(sys.argv[2])
for i, (d,) in enumerate(rows):
    cur.execute("INSERT INTO residents (community_id, dwelling_id, name, gender, relation, residency, volunteer_willing, created_at, updated_at) VALUES (?, ?, ?, 'male', 'householder', 'huji', 0, ?, ?)", (c, d, '业主%d' % i, now, now))
    rid = cur.lastrowid
    cur.execute("INSERT INTO ownership_owners (community_id, dwelling_id, resident_id, developer, share, voter, created_at) VALUES (?, ?, ?, 0, '', 1, ?)", (c, d, rid, now))
    cur.execute("INSERT INTO ownership_areas (community_id, dwelling_id, source, area, note, updated_at) VALUES (?, ?, 'register', ?, '', ?)", (c, d, 6000 + (i * 37) % 8000, now))
con.commit()
print(len(rows))
`;
  const made = execFileSync('python3', ['-c', py, db, String(community), String(buildings[0]), String(buildings[1])], { encoding: 'utf8' }).trim();

  r = await worker.call('POST', `${cbase}/votes`, { title: '压测表决', scope: 'compound', scope_id: compound, rule: 'art278-general', secret: true });
  const vote = `${cbase}/votes/${r.json.id}`;
  let t0 = performance.now();
  r = await worker.call('PATCH', vote, { status: 'open' });
  if (r.status !== 200) throw new Error(`open: ${r.text}`);
  const openMs = performance.now() - t0;
  r = await worker.call('GET', `${vote}/electors`);
  const electors = r.json.electors.map((x) => x.elector);

  const choices = ['yes', 'no', 'abstain', 'yes'];
  const lat = [];
  let acked = 0, failed = 0, next = 0;
  t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < electors.length) {
      const i = next++;
      const s = performance.now();
      const res = await worker.call('POST', `${vote}/paper`, { elector: electors[i], choice: choices[i % 4], channel: 'paper', evidence: `纸质选票第 ${i + 1} 号` });
      lat.push(performance.now() - s);
      if (res.status === 201) acked++; else failed++;
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);

  const metrics = await (await fetch(`${base}/metrics`)).text();
  const metric = (name) => Number((new RegExp(`^${name} (\\d+)`, 'm').exec(metrics) || [])[1] || 0);
  const commits = metric('linli_store_durable_commits_total'), syncs = metric('linli_store_syncs_total');

  // kill -9 and count again
  server.kill('SIGKILL');
  await new Promise((res) => server.once('exit', res));
  server = await start(db, port);
  const again = await login(base, 'worker');
  r = await again.call('GET', vote);
  const voted = r.json.voted;
  server.kill('SIGTERM');
  await new Promise((res) => server.once('exit', res));

  const rate = acked / secs;
  console.log(`owners' votes bench  ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} CPU(s)`);
  console.log(`  electorate   ${electors.length} owners (${made} set up) frozen at open in ${openMs.toFixed(0)} ms`);
  console.log(`  casting      ${acked} ballots acknowledged in ${secs.toFixed(2)} s with ${CONCURRENCY} clients: ${rate.toFixed(0)} ballots/s (target 1,000: ${rate >= 1000 ? 'met' : 'NOT met'}); p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; ${failed} refused`);
  if (syncs) console.log(`  group sync   ${commits} durable commits made by ${syncs} syncs of the log (${(commits / syncs).toFixed(1)} commits per sync)`);
  else console.log(`  group sync   off (LINLI_GROUP_COMMIT=${process.env.LINLI_GROUP_COMMIT ?? ''} or synchronous=${process.env.LINLI_SYNCHRONOUS ?? 'full'})`);
  console.log(`  after kill -9  ${voted} ballots in the turnout of ${acked} acknowledged: ${voted === acked ? 'none lost' : 'LOST ' + (acked - voted)}`);
  if (voted !== acked) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
