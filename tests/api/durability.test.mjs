// Acknowledged writes survive a crash: fire ~300 grid creations, 8 in flight,
// SIGKILL the server at a random moment in the middle, restart it on the same
// database, and check that every grid that got 201 is there.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, scopeId, pool } from './lib.mjs';

const TOTAL = 300;
const IN_FLIGHT = 8;

describe('durability', { timeout: 110_000 }, () => {
  let srv;
  let worker;
  let demo;

  before(async () => {
    srv = await startServer();
    worker = await login(srv.base, 'worker');
    demo = scopeId(worker.user, 'worker', 'community');
    assert.equal(typeof demo, 'number');
  });
  after(async () => { await srv?.cleanup(); });

  it('every acknowledged grid survives SIGKILL and restart', async () => {
    const run = `${process.pid}-${Date.now().toString(36)}`;
    const names = Array.from({ length: TOTAL }, (_, i) => `dur-${run}-${String(i).padStart(3, '0')}`);
    const acked = [];
    const failedOther = [];
    let errors = 0;
    // Kill after a random number of acknowledgements between 25% and 70% of TOTAL.
    const killAt = Math.floor(TOTAL * (0.25 + Math.random() * 0.45));
    let killed = false;
    let killedAfter = -1;

    const kill = () => {
      if (killed) return;
      killed = true;
      killedAfter = acked.length;
      srv.proc.kill('SIGKILL');
    };

    await pool(names, IN_FLIGHT, async (name) => {
      if (killed) return;
      try {
        const r = await worker.post(`/api/communities/${demo}/grids`, { name });
        if (r.status === 201) {
          assert.equal(r.json.name, name);
          acked.push(name);
          if (acked.length >= killAt) kill();
        } else {
          failedOther.push(`${name}: ${r.status} ${r.text.slice(0, 100)}`);
        }
      } catch {
        errors++; // connection reset/refused once the server is gone
      }
    });
    kill(); // in case every request finished before the threshold
    await srv.proc.exited;

    console.log(`durability: ${acked.length} of ${TOTAL} grids acknowledged before SIGKILL ` +
      `(kill triggered at ack #${killedAfter}; ${errors} requests cut off)`);
    assert.deepEqual(failedOther.filter((x) => !/ 503 /.test(x)), [], 'no unexpected non-201 answers before the kill');
    assert.ok(acked.length >= Math.min(killAt, 50), `enough writes acknowledged before the kill (${acked.length})`);

    await srv.restart();
    const again = await login(srv.base, 'worker');
    const r = await again.get(`/api/communities/${demo}`);
    assert.equal(r.status, 200, r.text);
    const stored = new Set(r.json.grids.map((g) => g.name));
    const lost = acked.filter((n) => !stored.has(n));
    assert.deepEqual(lost, [], `acknowledged grids lost after SIGKILL (${lost.length} of ${acked.length})`);
    const ours = r.json.grids.filter((g) => g.name.startsWith(`dur-${run}-`));
    assert.equal(new Set(ours.map((g) => g.name)).size, ours.length, 'no grid stored twice');
    assert.ok(ours.length <= acked.length + IN_FLIGHT, 'at most the in-flight requests were stored unacknowledged');
  });
});
