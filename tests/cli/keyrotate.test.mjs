// `linli key rotate|reseal|status|retire` and `linli retention run
// [--dry-run]` against a real database: values re-sealed under a new key
// read back through the API, an old key refused for retirement while any
// value uses it (as after a crash between rotating and re-sealing), and the
// retention job's dry run changing nothing while the real run does.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { startServer, login, scopeId } from '../api/lib.mjs';
import { BIN, BACKEND } from '../api/lib.mjs';

function run(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, LINLI_ACCESS_LOG: 'off' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function idcard(d17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(d17[i]) * w[i];
  return d17 + '10X98765432'[s % 11];
}

describe('key rotation and retention on the command line', { skip: BACKEND !== 'sqlite', timeout: 120_000 }, () => {
  let srv, worker, base, ids = [];
  const ID = idcard('11010119700101001');

  before(async () => {
    // the demo without its residents: the test counts every sealed value
    srv = await startServer({ env: { LINLI_DEMO_RESIDENTS: '0' } });
    worker = await login(srv.base, 'worker');
    base = `/api/communities/${scopeId(worker.user, 'worker', 'community')}`;
    let r = await worker.post(`${base}/residents`, { name: '轮换甲', id_number: ID, phone: '13811112222' });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
    r = await worker.post(`${base}/residents`, { name: '轮换乙', gender: 'male', phone: '13833334444' });
    ids.push(r.json.id);
    r = await worker.post(`${base}/residents`, { name: '搬走丙', gender: 'female', phone: '13855556666' });
    ids.push(r.json.id);
    r = await worker.req('PUT', `${base}/residents/${ids[2]}/moved-out`, { moved_out_at: Math.floor(Date.now() / 1000) - 3 * 86400 });
    assert.equal(r.status, 204, r.text);
    r = await worker.req('PUT', `${base}/privacy/categories`, { category: 'contact', lawful_basis: 'consent', retention_days: 2, retention_from: 'moved_out' });
    assert.equal(r.status, 200, r.text);
    await srv.stop();
  });

  after(async () => { if (srv) await srv.cleanup(); });

  it('status counts values per key; the key file stays 0600', () => {
    const r = run(['key', 'status', '--db', srv.db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /current key 1/);
    assert.match(r.out, /key 1: 4 values/); // one ID number, three phones
    assert.equal(statSync(`${srv.db}.key`).mode & 0o777, 0o600);
    assert.equal(run(['key', 'retire', '1', '--db', srv.db]).code, 1); // the current key
    assert.equal(run(['key', 'spin', '--db', srv.db]).code, 2);
  });

  it('rotate adds key 2 and re-seals everything; a crash before re-sealing is finished by reseal', () => {
    const before = `${srv.tmp}/before-rotate.db`;
    assert.equal(run(['backup', before, '--db', srv.db]).code, 0);
    let r = run(['key', 'rotate', '--db', srv.db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /added key 2/);
    assert.match(r.out, /residents\.id_number: 1 read, 1 re-sealed under key 2/);
    assert.match(r.out, /residents\.phone: 3 read, 3 re-sealed under key 2/);
    assert.match(r.out, /key 2: 4 values/);
    assert.doesNotMatch(r.out, /key 1: /);
    // as if it had stopped after writing the key file: values under key 1 again
    assert.equal(run(['restore', before, '--db', srv.db]).code, 0);
    r = run(['key', 'retire', '1', '--db', srv.db]);
    assert.equal(r.code, 1);
    assert.match(r.err, /4 values still use key 1/);
    r = run(['key', 'reseal', '--db', srv.db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /4 values re-sealed under key 2/);
    r = run(['key', 'reseal', '--db', srv.db]);
    assert.match(r.out, /0 values re-sealed/);
    r = run(['key', 'retire', '1', '--db', srv.db]);
    assert.equal(r.code, 0, r.err);
    const file = readFileSync(`${srv.db}.key`, 'utf8');
    assert.doesNotMatch(file, /^key 1 /m);
    assert.match(file, /^key 2 /m);
    assert.match(file, /^hash /m);
    assert.equal(statSync(`${srv.db}.key`).mode & 0o777, 0o600);
  });

  it('retention --dry-run reports and changes nothing; the real run clears and audits', () => {
    let r = run(['retention', 'run', '--dry-run', '--db', srv.db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`retention.contact community \\d+ resident ${ids[2]}`));
    assert.match(r.out, /dry run \(nothing changed\): 0 residents deleted, 1 phones cleared/);
    r = run(['retention', 'run', '--dry-run', '--db', srv.db]);
    assert.match(r.out, /1 phones cleared/);
    r = run(['retention', 'run', '--db', srv.db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^0 residents deleted, 1 phones cleared/m);
    r = run(['retention', 'run', '--db', srv.db]);
    assert.match(r.out, /0 residents deleted, 0 phones cleared/);
    assert.equal(run(['audit', 'verify', '--db', srv.db]).code, 0);
    assert.equal(run(['retention', '--db', srv.db]).code, 2);
  });

  it('the server reads every value back under the new key, and the job ran', async () => {
    await srv.restart();
    worker = await login(srv.base, 'worker');
    let r = await worker.get(`${base}/residents/${ids[0]}?unmask=1`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id_number, ID);
    assert.equal(r.json.phone, '13811112222');
    r = await worker.get(`${base}/residents/${ids[2]}?unmask=1`);
    assert.equal(r.json.phone, null);
    r = await worker.get(`${base}/residents/${ids[2]}/pipl/export`);
    assert.ok(r.json.parts.audit.some((a) => a.action === 'retention.contact' && a.actor === 'retention'));
    // a new resident is sealed under key 2
    r = await worker.post(`${base}/residents`, { name: '新人', gender: 'male', phone: '13900000000' });
    assert.equal(r.status, 201, r.text);
    await srv.stop();
    const s = run(['key', 'status', '--db', srv.db]);
    assert.match(s.out, /key 2: 4 values/);
  });
});
