// Residents register API (issue 4, core): sealed ID numbers and phones,
// masking per role, audited unmasked reads, search, another community's ids
// (404) and roles (403). See docs/api.md "New resources: residents".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { startServer, login, errOf, scopeId, unique, stopAndInspect, BIN, BACKEND } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

// A valid ID number from its first 17 digits (GB 11643 check character).
function idcard(d17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(d17[i]) * w[i];
  return d17 + '10X98765432'[s % 11];
}

describe('residents', { timeout: 110_000 }, () => {
  let srv, admin, worker, grid, lead, volunteer, resident, expert;
  let demo, base, other;
  const ID_F = '11010519491231002X'; // female, 1949-12-31
  const ID_M = idcard('44030419900101123'); // male, 1990-01-01
  let zhang, li;

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, lead, volunteer, resident, expert] = await Promise.all(
      ['admin', 'worker', 'grid', 'lead', 'volunteer', 'resident', 'expert'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    base = `/api/communities/${demo}`;
    let r = await admin.post('/api/streets', { name: unique('另一街道') });
    assert.equal(r.status, 201, r.text);
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    assert.equal(r.status, 201, r.text);
    other = { community: r.json.id };
    r = await admin.post(`/api/communities/${other.community}/residents`,
      { name: '外区人', gender: 'male', relation: 'householder', residency: 'huji' });
    assert.equal(r.status, 201, r.text);
    other.resident = r.json.id;
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  it('creates residents; gender and birth date come from the ID number; reads are masked', async () => {
    let r = await worker.post(`${base}/residents`, {
      name: '张丽', id_number: ID_F.toLowerCase(), phone: '+86 138-1234-5678',
      relation: 'householder', residency: 'huji', skills: '会计', volunteer_willing: true,
    });
    assert.equal(r.status, 201, r.text);
    zhang = r.json.id;
    assert.equal(r.json.gender, 'female');
    assert.equal(r.json.birth_date, '1949-12-31');
    assert.equal(r.json.id_number, '110105********002X');
    assert.equal(r.json.phone, '138****5678');
    assert.equal(r.json.volunteer_willing, true);
    r = await worker.post(`${base}/residents`, {
      name: '李四', id_number: ID_M, phone: '13900001111', relation: 'child', residency: 'tenant',
    });
    assert.equal(r.status, 201, r.text);
    li = r.json.id;
    assert.equal(r.json.gender, 'male');
    assert.equal(r.json.birth_date, '1990-01-01');
    r = await worker.post(`${base}/residents`, { name: '王五', gender: 'male', birth_date: '2015-06-01' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.id_number, null);
    assert.equal(r.json.relation, 'other');
  });

  it('refuses bad ID numbers, phones and fields, naming the field', async () => {
    const bad = idcard('11010519491231002').slice(0, 17) + (ID_F.endsWith('X') ? '1' : 'X');
    let r = await worker.post(`${base}/residents`, { name: '错号', id_number: bad });
    assertError(r, 400, null, 'id_number');
    r = await worker.post(`${base}/residents`, { name: '错日', id_number: idcard('11010519000229001') });
    assertError(r, 400, null, 'id_number');
    r = await worker.post(`${base}/residents`, { name: '错电', gender: 'male', phone: '12345' });
    assertError(r, 400, null, 'phone');
    r = await worker.post(`${base}/residents`, { name: '无性别' });
    assertError(r, 400, null, 'gender');
    r = await worker.post(`${base}/residents`, { name: '关系', gender: 'male', relation: 'cousin' });
    assertError(r, 400, null, 'relation');
    r = await worker.post(`${base}/residents`, { name: '', gender: 'male' });
    assertError(r, 400, null, 'name');
    r = await worker.post(`${base}/residents`, { name: '不符', id_number: ID_M, gender: 'female' });
    assertError(r, 400, null, 'gender');
    r = await worker.post(`${base}/residents`, { name: '无房', gender: 'male', dwelling_id: 99999999 });
    assertError(r, 400, null, 'dwelling_id');
  });

  it('a second registration of an ID number is 409 naming id_number; another community may hold it', async () => {
    let r = await worker.post(`${base}/residents`, { name: '张丽二', id_number: ID_F });
    assertError(r, 409, null, 'id_number');
    r = await admin.post(`/api/communities/${other.community}/residents`, { name: '张丽', id_number: ID_F });
    assert.equal(r.status, 201, r.text);
  });

  it('lists masked and searches by name, phone tail, age', async () => {
    // the demo's residents come first; these three were added after them
    const from = `after=${zhang - 1}`;
    let r = await grid.get(`${base}/residents?${from}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.residents.length, 3);
    for (const x of r.json.residents) {
      if (x.id_number) assert.match(x.id_number, /^\d{6}\*{8}[\dX]{4}$/);
      if (x.phone) assert.match(x.phone, /^\d{3}\*{4}\d{4}$/);
    }
    r = await worker.get(`${base}/residents?${from}&q=${encodeURIComponent('张丽')}`);
    assert.deepEqual(r.json.residents.map((x) => x.id), [zhang]);
    r = await worker.get(`${base}/residents?${from}&q=${encodeURIComponent('四')}`);
    assert.deepEqual(r.json.residents.map((x) => x.id), [li]);
    r = await worker.get(`${base}/residents?${from}&phone_tail=5678`);
    assert.deepEqual(r.json.residents.map((x) => x.id), [zhang]);
    r = await worker.get(`${base}/residents?${from}&age_min=70`);
    assert.deepEqual(r.json.residents.map((x) => x.id), [zhang]);
    r = await worker.get(`${base}/residents?${from}&age_min=18&age_max=60`);
    assert.deepEqual(r.json.residents.map((x) => x.id), [li]);
    r = await worker.get(`${base}/residents?${from}&limit=2`);
    assert.equal(r.json.residents.length, 2);
    assert.equal(typeof r.json.next, 'number');
    r = await worker.get(`${base}/residents?limit=2&after=${r.json.next}`);
    assert.equal(r.json.residents.length, 1);
    assert.equal(r.json.next, null);
    r = await worker.get(`${base}/residents?phone_tail=56`);
    assertError(r, 400, null, 'phone_tail');
    r = await worker.get(`${base}/residents?age_min=x`);
    assertError(r, 400, null, 'age_min');
  });

  it('unmasks only for workers, and audits each unmasked read', async () => {
    let r = await worker.get(`${base}/residents/${zhang}`);
    assert.equal(r.json.id_number, '110105********002X');
    r = await worker.get(`${base}/residents/${zhang}?unmask=1`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id_number, ID_F);
    assert.equal(r.json.phone, '13812345678');
    r = await grid.get(`${base}/residents/${zhang}?unmask=1`);
    assertError(r, 403);
    r = await lead.get(`${base}/residents/${zhang}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.phone, '138****5678');
  });

  it('patches all or nothing', async () => {
    let r = await worker.patch(`${base}/residents/${li}`, { phone: '13700002222', skills: '电工' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.phone, '137****2222');
    assert.equal(r.json.skills, '电工');
    r = await worker.patch(`${base}/residents/${li}`, { skills: '木工', phone: 'bad' });
    assertError(r, 400, null, 'phone');
    r = await worker.get(`${base}/residents/${li}?unmask=1`);
    assert.equal(r.json.skills, '电工');
    assert.equal(r.json.phone, '13700002222');
    r = await worker.patch(`${base}/residents/${li}`, { id_number: ID_F });
    assertError(r, 409, null, 'id_number');
    r = await grid.patch(`${base}/residents/${li}`, { skills: 'x' });
    assertError(r, 403);
  });

  it('another community\'s resident is 404; volunteers, residents and experts 403', async () => {
    for (const [m, body] of [['get'], ['patch', { skills: 'x' }], ['del']]) {
      const r = await worker[m](`${base}/residents/${other.resident}`, body);
      assertError(r, 404);
    }
    for (const c of [volunteer, resident, expert]) {
      assertError(await c.get(`${base}/residents`), 403);
      assertError(await c.get(`${base}/residents/${zhang}`), 403);
      assertError(await c.post(`${base}/residents`, { name: '某', gender: 'male' }), 403);
    }
  });

  it('links a dwelling of the community, filters by it, and clears it', async () => {
    let r = await worker.get(`${base}/dwellings?limit=1`);
    assert.equal(r.status, 200, r.text);
    const d = r.json.dwellings[0].id;
    r = await worker.patch(`${base}/residents/${li}`, { dwelling_id: d });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.dwelling_id, d);
    r = await worker.get(`${base}/residents?dwelling=${d}&after=${zhang - 1}`);
    assert.deepEqual(r.json.residents.map((x) => x.id), [li]);
    r = await admin.post(`/api/communities/${other.community}/residents`,
      { name: '跨区', gender: 'male', dwelling_id: d });
    assertError(r, 400, null, 'dwelling_id');
    r = await worker.patch(`${base}/residents/${li}`, { dwelling_id: null });
    assert.equal(r.json.dwelling_id, null);
  });

  it('deletes (audited): the row is gone', async () => {
    let r = await worker.post(`${base}/residents`, { name: '临时', gender: 'female' });
    const id = r.json.id;
    r = await worker.del(`${base}/residents/${id}`);
    assert.equal(r.status, 204, r.text);
    assertError(await worker.get(`${base}/residents/${id}`), 404);
    assertError(await worker.del(`${base}/residents/${id}`), 404);
  });

  it('keeps the audit chain, records resident.unmask, and never stores the raw ID number', { skip: BACKEND !== 'sqlite' }, async () => {
    await srv.stop();
    const v = spawnSync(BIN, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
    const q = spawnSync('sqlite3', [srv.db,
      "SELECT COUNT(*) FROM audit_log WHERE action = 'resident.unmask';"], { encoding: 'utf8' });
    if (q.error) {
      // no sqlite3 program: look for the action in the file's bytes
      assert.ok(readFileSync(srv.db).includes(Buffer.from('resident.unmask')));
    } else {
      assert.equal(q.status, 0, q.stderr);
      assert.ok(Number(q.stdout.trim()) >= 1, q.stdout);
    }
    for (const f of [srv.db, `${srv.db}-wal`]) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      for (const s of [ID_F, ID_M, '13812345678', '13700002222'])
        assert.ok(!bytes.includes(Buffer.from(s)), `${s} found in ${f}`);
    }
    assert.equal(statSync(`${srv.db}.key`).mode & 0o077, 0);
    // a missing key file on a database with residents stops the server
    const s = spawnSync(BIN, ['serve', '--db', srv.db, '--listen', '127.0.0.1:1'],
      { encoding: 'utf8', env: { ...process.env, LINLI_KEY_FILE: `${srv.db}.nokey` }, timeout: 20_000 });
    assert.notEqual(s.status, 0);
    assert.match(s.stderr, /key file .* missing.*restore/);
    await srv.restart();
  });
});
