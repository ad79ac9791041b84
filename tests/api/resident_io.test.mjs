// Residents import (an upload, then a job polled to its end) and export
// (CSV and XLSX, masked by role, unmasked reads audited); another
// community's ids are 404, roles that may not are 403, an upload over the
// 20 MiB limit is 413. See docs/api.md "Residents: import and export".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, login, errOf, scopeId, unique, stopAndInspect, raw, parseResponse, BIN, BACKEND } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

function idcard(d17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(d17[i]) * w[i];
  return d17 + '10X98765432'[s % 11];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('residents import and export', { timeout: 110_000 }, () => {
  let srv, admin, worker, grid, volunteer, demo, base, other;
  const ID_A = idcard('11010519800102011'); // male
  const ID_B = idcard('11010519851111022'); // female
  const csv = [
    '姓名,性别,身份证号,手机,小区,楼栋,单元,房号,与户主关系,户籍类型,备注',
    `张伟,男,${ID_A},13812345678,阳光花园,1号楼,1单元,101,户主,户籍,甲`,
    `李娜,,${ID_B},,阳光花园,1,1,101,配偶,户籍,`,
    '王芳,女,,139-0000-1111,阳光花园,2号楼,1,201,户主,租户,',
  ].join('\r\n') + '\r\n';

  const upload = (client, body, query = '', type = 'text/csv') =>
    client.req('POST', `${base}/residents/imports${query}`, body, { 'content-type': type });

  async function until(client, id, path = base) {
    for (let i = 0; i < 200; i++) {
      const r = await client.get(`${path}/residents/imports/${id}`);
      assert.equal(r.status, 200, r.text);
      if (r.json.state === 'done' || r.json.state === 'failed') return r.json;
      await sleep(50);
    }
    throw new Error('the import did not finish');
  }

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, volunteer] = await Promise.all(
      ['admin', 'worker', 'grid', 'volunteer'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    base = `/api/communities/${demo}`;
    let r = await admin.post('/api/streets', { name: unique('另一街道') });
    assert.equal(r.status, 201, r.text);
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    assert.equal(r.status, 201, r.text);
    other = r.json.id;
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  it('a dry run reports every bad row and writes nothing', async () => {
    const bad = csv + '赵六,男,11010519800102123X,,阳光花园,99号楼,1,101,户主,户籍,\r\n' +
      '钱七,不详,,,,,,,,,\r\n';
    let r = await upload(worker, bad, '?dry_run=1');
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.state, 'queued');
    const job = await until(worker, r.json.id);
    assert.equal(job.state, 'done');
    assert.equal(job.dry_run, true);
    assert.equal(job.rows, 5);
    assert.equal(job.bad, 2);
    assert.equal(job.written, false);
    assert.deepEqual(job.unknown_columns, ['备注']);
    assert.equal(job.errors.length, 2);
    assert.match(job.errors[0], /^line 5: building: no building 阳光花园 99号楼/);
    assert.match(job.errors[1], /^line 6: gender: /);
    // nothing written: none of the file's people is in the register (the
    // demo's residents are, so the test looks for its own by name)
    for (const name of ['张伟', '李娜', '赵六']) {
      r = await worker.get(`${base}/residents?q=${encodeURIComponent(name)}&limit=200`);
      assert.ok(!r.json.residents.some((x) => x.name === name && x.id_number && x.id_number.endsWith(ID_A.slice(14))), name);
    }
  });

  it('imports as a job to the end; its GB18030 export imports back with no change', async () => {
    // Node has no GB18030 encoder: the server's own export makes one below;
    // the first upload is UTF-8 with a byte order mark, as Excel's "CSV UTF-8".
    let r = await upload(worker, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    assert.equal(r.status, 202, r.text);
    let job = await until(worker, r.json.id);
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.encoding, 'utf-8');
    assert.deepEqual([job.added, job.updated, job.unchanged, job.bad], [3, 0, 0, 0]);
    assert.equal(job.rows_done, 3);
    assert.equal(job.rows_total, 3);
    assert.equal(job.written, true);

    // export in GB18030, unmasked (a worker), and import that file back
    const back = await fetch(srv.base + `${base}/residents/export?format=csv&encoding=gb18030&unmask=1`,
      { headers: { cookie: worker.cookie } });
    const bytes = Buffer.from(await back.arrayBuffer());
    assert.equal(back.headers.get('content-type'), 'text/csv; charset=gb18030');
    assert.ok(!bytes.includes(Buffer.from('张伟')), 'not UTF-8');
    assert.ok(bytes.includes(Buffer.from(ID_A)));
    r = await upload(worker, bytes, '', 'application/octet-stream');
    assert.equal(r.status, 202, r.text);
    job = await until(worker, r.json.id);
    assert.equal(job.encoding, 'gb18030');
    // the export holds the demo's residents too: every row comes back unchanged
    assert.deepEqual([job.added, job.updated, job.unchanged, job.bad], [0, 0, job.rows, 0], JSON.stringify(job));
    assert.ok(job.rows >= 3);
  });

  it('exports masked for a grid worker, unmasked for a worker (audited), XLSX too', async () => {
    let r = await grid.get(`${base}/residents/export?format=csv`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.ok(r.text.startsWith('\ufeff姓名,') || r.text.startsWith('姓名,'), r.text.slice(0, 20));
    assert.ok(r.text.includes(`110105********${ID_A.slice(14)}`), r.text);
    assert.ok(r.text.includes('138****5678'));
    assert.ok(!r.text.includes(ID_A));
    assert.ok(!r.text.includes('13812345678'));
    assertError(await grid.get(`${base}/residents/export?format=csv&unmask=1`), 403, 'forbidden', 'unmask');
    r = await worker.get(`${base}/residents/export?format=csv&unmask=1`);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(ID_A));
    assert.ok(r.text.includes('13812345678'));
    const x = await fetch(srv.base + `${base}/residents/export?format=xlsx`, { headers: { cookie: grid.cookie } });
    assert.equal(x.status, 200);
    assert.equal(x.headers.get('content-type'),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const z = Buffer.from(await x.arrayBuffer());
    assert.deepEqual([...z.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
    assertError(await grid.get(`${base}/residents/export?format=pdf`), 400, 'invalid', 'format');
  });

  it('refuses roles that may not, other communities, bad types and bad options', async () => {
    assertError(await upload(grid, csv), 403, 'forbidden');
    assertError(await upload(volunteer, csv), 403);
    assertError(await volunteer.get(`${base}/residents/export?format=csv`), 403);
    // another community: 404, and a job of this community is not found there
    const r = await worker.req('POST', `/api/communities/${other}/residents/imports`, csv,
      { 'content-type': 'text/csv' });
    assertError(r, 404, 'not_found');
    assertError(await worker.get(`/api/communities/${other}/residents/export`), 404);
    const ok = await upload(admin, csv, '?dry_run=1');
    assert.equal(ok.status, 202, ok.text);
    assertError(await admin.get(`/api/communities/${other}/residents/imports/${ok.json.id}`), 404);
    assertError(await worker.get(`${base}/residents/imports/999999`), 404);
    await until(admin, ok.json.id);
    assertError(await upload(worker, csv, '', 'application/json'), 415, undefined, 'Content-Type');
    assertError(await upload(worker, csv, '?encoding=latin1'), 400, 'invalid', 'encoding');
    assertError(await upload(worker, csv, '?dry_run=yes'), 400, 'invalid', 'dry_run');
    assertError(await upload(worker, csv, '?map=' + encodeURIComponent('[1]')), 400, 'invalid', 'map');
    // a map that names no column fails the job, naming the field
    const m = await upload(worker, csv, '?dry_run=1&map=' + encodeURIComponent(JSON.stringify({ 户主: 'name' })));
    assert.equal(m.status, 202, m.text);
    const job = await until(worker, m.json.id);
    assert.equal(job.state, 'failed');
    assert.equal(job.error.field, 'map');
    // a map that names a heading the server does not know
    const m2 = await upload(worker, csv.replace('姓名', '户主姓名'),
      '?dry_run=1&map=' + encodeURIComponent(JSON.stringify({ 户主姓名: 'name' })));
    const j2 = await until(worker, m2.json.id);
    assert.equal(j2.state, 'done', JSON.stringify(j2));
    assert.equal(j2.bad, 0);
  });

  it('413 for an upload over 20 MiB, 413 for a JSON body over 64 KiB elsewhere', async () => {
    // declared over the limit: refused before a byte of the body is read
    const text = await raw(srv.port,
      `POST ${base}/residents/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${worker.cookie}\r\n` +
      `X-CSRF-Token: ${worker.csrf}\r\nContent-Type: text/csv\r\n` +
      `Content-Length: ${20 * 1024 * 1024 + 1}\r\nConnection: close\r\n\r\nabc`);
    const res = parseResponse(text);
    assert.ok(res, text.slice(0, 200));
    assert.equal(res.status, 413);
    // sent in chunks past the limit: 413 when the body ends
    const big = await fetch(srv.base + `${base}/residents/imports`, {
      method: 'POST', duplex: 'half',
      headers: { cookie: worker.cookie, 'x-csrf-token': worker.csrf, 'content-type': 'text/csv' },
      body: new ReadableStream({
        i: 0,
        pull(c) { if (this.i++ < 21) c.enqueue(new Uint8Array(1024 * 1024).fill(0x41)); else c.close(); },
      }),
    });
    assert.equal(big.status, 413);
    // a large file under the limit is accepted (the route's own limit)
    const ok = await upload(worker, Buffer.concat([Buffer.from(csv), Buffer.alloc(100 * 1024, 0x0a)]), '?dry_run=1');
    assert.equal(ok.status, 202, ok.text);
    await until(worker, ok.json.id);
    const j = await worker.post(`${base}/residents`, { name: 'x'.repeat(70 * 1024) });
    assert.equal(j.status, 413);
  });

  it('records resident.import and resident.export.unmasked in the audit log', { skip: BACKEND !== 'sqlite' }, async () => {
    await srv.stop();
    const v = spawnSync(BIN, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
    const q = spawnSync('sqlite3', [srv.db,
      "SELECT action, COUNT(*) FROM audit_log WHERE action LIKE 'resident.%' GROUP BY action ORDER BY action;"],
    { encoding: 'utf8' });
    if (q.error) {
      assert.ok(readFileSync(srv.db).includes(Buffer.from('resident.export.unmasked')));
    } else {
      assert.equal(q.status, 0, q.stderr);
      // two real imports (the dry runs write nothing), two unmasked exports
      assert.match(q.stdout, /resident\.export\.unmasked\|2/);
      assert.match(q.stdout, /resident\.import\|2/);
    }
  });
});
