// Acknowledged door-card check-ins survive a crash: declare an activation
// over the demo community, fire concurrent check-ins from the door cards of
// a few hundred households, SIGKILL the server in the middle of the burst,
// restart it on the same database, and check that every check-in that got
// a 200 is there (issue 8, "Durability under burst").

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, request, scopeId, pool } from './lib.mjs';

const WANT = 300;      // households checking in
const IN_FLIGHT = 16;

describe('emergency check-ins survive kill -9', { timeout: 60_000 }, () => {
  let srv;
  let worker;
  let demo;
  let act;
  const cards = []; // {dwelling_id, token, status}

  before(async () => {
    srv = await startServer({ env: { LINLI_SAFE_RATE: '0' } });
    worker = await login(srv.base, 'worker');
    demo = scopeId(worker.user, 'worker', 'community');
    let r = await worker.post(`/api/communities/${demo}/activations`,
      { hazard: 'earthquake', title: '地震：请报平安', scope: 'community' });
    assert.equal(r.status, 201, r.text);
    act = r.json.id;
    r = await worker.get(`/api/communities/${demo}/activations/${act}/live`);
    assert.equal(r.status, 200, r.text);
    const occupied = new Set();
    const buildings = [];
    for (const b of r.json.buildings) {
      buildings.push(b.id);
      for (const f of b.floors) for (const d of f.dwellings) if (d.occupied) occupied.add(d.id);
    }
    for (const b of buildings) {
      if (cards.length >= WANT) break;
      r = await worker.post(`/api/communities/${demo}/buildings/${b}/door-cards`, {});
      assert.equal(r.status, 201, r.text);
      r = await worker.get(`/api/communities/${demo}/buildings/${b}/door-cards`);
      assert.equal(r.status, 200, r.text);
      for (const c of r.json.cards)
        if (occupied.has(c.dwelling_id) && cards.length < WANT) cards.push({ dwelling_id: c.dwelling_id, token: c.token });
    }
    assert.ok(cards.length >= 200, `enough households with cards (${cards.length})`);
  });
  after(async () => { await srv?.cleanup(); });

  it('every acknowledged check-in is there after SIGKILL and restart', async () => {
    const statuses = ['safe', 'away', 'needs_help'];
    const acked = [];
    const unexpected = [];
    let cut = 0;
    let killed = false;
    const killAt = Math.floor(cards.length * (0.3 + Math.random() * 0.3));
    const kill = () => {
      if (killed) return;
      killed = true;
      srv.proc.kill('SIGKILL');
    };

    await pool(cards, IN_FLIGHT, async (c, i) => {
      if (killed) return;
      const status = statuses[i % 3];
      const body = { token: c.token, status };
      if (status === 'needs_help') body.needs = ['water'];
      try {
        const r = await request(srv.base, 'POST', '/api/safe', { body });
        if (r.status === 200) {
          acked.push({ ...c, status });
          if (acked.length >= killAt) kill();
        } else {
          unexpected.push(`${r.status} ${r.text.slice(0, 100)}`);
        }
      } catch {
        cut++; // the connection died with the server
      }
    });
    kill();
    await srv.proc.exited;
    console.log(`emergency crash: ${acked.length} of ${cards.length} check-ins acknowledged before SIGKILL ` +
      `(${cut} cut off)`);
    assert.deepEqual(unexpected.filter((x) => !/^503 /.test(x)), []);
    assert.ok(acked.length >= Math.min(killAt, 50), `enough acknowledged (${acked.length})`);

    await srv.restart();
    const again = await login(srv.base, 'worker');
    const r = await again.get(`/api/communities/${demo}/activations/${act}/live`);
    assert.equal(r.status, 200, r.text);
    const status = new Map();
    for (const b of r.json.buildings) for (const f of b.floors) for (const d of f.dwellings) status.set(d.id, d.status);
    const lost = acked.filter((c) => status.get(c.dwelling_id) !== c.status);
    assert.deepEqual(lost, [], `acknowledged check-ins lost (${lost.length} of ${acked.length})`);
    const stored = cards.filter((c) => status.get(c.dwelling_id) !== 'unknown').length;
    assert.ok(stored <= acked.length + IN_FLIGHT, 'at most the in-flight check-ins were stored unacknowledged');
    const helps = acked.filter((c) => c.status === 'needs_help').length;
    const reqs = r.json.requests.length;
    assert.ok(reqs >= helps, `every acknowledged help request is there (${reqs} >= ${helps})`);
  });
});
