// `linli migrate-data`: a community that outgrew its SQLite file moves to
// PostgreSQL, verified by row counts and checksums, all or nothing. Runs
// only on the PostgreSQL stage of the suite (LINLI_TEST_PG_BASE).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, PG_BASE, DEMO_PASSWORD, freshDatabase, startServer, login, psql } from './lib.mjs';

const run = (args, env = {}) => spawnSync(BIN, args, {
  encoding: 'utf8', env: { ...process.env, LINLI_DEMO_PASSWORD: DEMO_PASSWORD, ...env },
});

describe('linli migrate-data', { timeout: 120_000 }, () => {
  let tmp, target;
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'linli-move-'));
  });
  after(() => {
    target?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('moves the demo community to PostgreSQL losslessly', async (t) => {
    if (!PG_BASE) {
      t.skip('LINLI_TEST_PG_BASE is not set: the PostgreSQL stage of make test runs this');
      return;
    }
    const file = path.join(tmp, 'demo.db');
    let r = run(['init', '--demo', '--db', file]);
    assert.equal(r.status, 0, r.stderr);
    target = freshDatabase(tmp);
    r = run(['migrate-data', '--from', file, '--to', target.db]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    // one line per table with rows and checksum; the big ones named
    assert.match(r.stdout, /dwellings\s+1488\b/);
    assert.match(r.stdout, /statement_votes\s+\d+/);
    assert.match(r.stdout, /moved /);
    assert.equal(psql('SELECT COUNT(*) FROM dwellings', target.db).trim(), '1488');
    // the moved database serves: the demo accounts log in, the audit chain holds
    r = run(['audit', 'verify', '--db', target.db]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const srv = await startServer({ db: target.db });
    try {
      const worker = await login(srv.base, 'worker');
      const c = await worker.get('/api/communities');
      assert.equal(c.json.communities[0].dwellings, 1488);
      // new rows get fresh ids after the copied ones (sequences were reset)
      const g = await worker.post(`/api/communities/${c.json.communities[0].id}/grids`, { name: '搬迁后新网格' });
      assert.equal(g.status, 201, g.text);
      assert.ok(g.json.id > 3);
    } finally {
      await srv.stop();
    }
  });

  it('refuses a target that holds data, and a source that does not exist', (t) => {
    if (!PG_BASE) {
      t.skip('LINLI_TEST_PG_BASE is not set');
      return;
    }
    const file = path.join(tmp, 'demo.db');
    const before = psql('SELECT COUNT(*) FROM grids', target.db).trim();
    let r = run(['migrate-data', '--from', file, '--to', target.db]);
    assert.notEqual(r.status, 0);
    assert.equal(psql('SELECT COUNT(*) FROM grids', target.db).trim(), before, 'the target is unchanged');
    r = run(['migrate-data', '--from', path.join(tmp, 'missing.db'), '--to', target.db]);
    assert.notEqual(r.status, 0);
    r = run(['migrate-data', '--from', file]);
    assert.equal(r.status, 2);
  });
});
