// Care needs API (issue 4, item 2 and part of 7): the tag catalogue, tags
// on residents with sensitive ones hidden from volunteers, caretakers with
// one primary, the care list, the residents list by tag and room, roles
// (403) and another community's ids (404). See docs/api.md "care needs".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { startServer, login, errOf, scopeId, unique, stopAndInspect, BIN, BACKEND } from './lib.mjs';

function assertError(r, status, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (field !== undefined) assert.equal(e.field, field);
}

describe('care needs', { timeout: 110_000 }, () => {
  let srv, admin, worker, grid, lead, volunteer, resident, expert;
  let demo, base, other, building, dwellings;
  const people = {};

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, lead, volunteer, resident, expert] = await Promise.all(
      ['admin', 'worker', 'grid', 'lead', 'volunteer', 'resident', 'expert'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    base = `/api/communities/${demo}`;
    // a building of our own, so counts do not depend on the demo's data
    let r = await worker.post(`${base}/compounds`, { name: unique('关爱小区') });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(`${base}/buildings`, { compound_id: r.json.id, name: '1号楼' });
    assert.equal(r.status, 201, r.text);
    building = r.json.id;
    r = await worker.post(`${base}/buildings/${building}/layout`,
      { units: 1, floors: 13, rooms_per_floor: 4, area: 8000 });
    assert.equal(r.status, 201, r.text);
    r = await worker.get(`${base}/dwellings?building=${building}&limit=200`);
    assert.equal(r.status, 200, r.text);
    dwellings = Object.fromEntries(r.json.dwellings.map((d) => [d.room, d.id]));
    assert.ok(dwellings['1203'], `room 1203 exists: ${Object.keys(dwellings).slice(0, 5)}`);
    const add = async (key, body) => {
      const x = await worker.post(`${base}/residents`, { gender: 'female', ...body });
      assert.equal(x.status, 201, x.text);
      people[key] = x.json.id;
    };
    await add('alone', { name: '孤老甲', birth_date: '1935-04-01', dwelling_id: dwellings['1203'] });
    await add('poor', { name: '低保乙', birth_date: '1970-04-01', dwelling_id: dwellings['1204'] });
    await add('old', { name: '高龄丙', birth_date: '1930-04-01', dwelling_id: dwellings['1201'] });
    await add('son', { name: '儿子丁', birth_date: '1960-04-01', gender: 'male', dwelling_id: dwellings['1202'] });

    r = await admin.post('/api/streets', { name: unique('另一街道') });
    assert.equal(r.status, 201, r.text);
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    assert.equal(r.status, 201, r.text);
    other = { community: r.json.id };
    r = await admin.post(`/api/communities/${other.community}/residents`, { name: '外区人', gender: 'male' });
    assert.equal(r.status, 201, r.text);
    other.resident = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/residents/${other.resident}/care/tags`, { tag: 'dibao' });
    assert.equal(r.status, 201, r.text);
    other.rtag = r.json.id;
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  it('reads the default catalogue and lets a worker add and rename tags', async () => {
    let r = await volunteer.get(`${base}/care/tags`);
    assert.equal(r.status, 200, r.text);
    const codes = r.json.tags.map((t) => t.code);
    for (const c of ['living_alone', 'aged_80', 'disability', 'dibao', 'chronic', 'pregnant']) assert.ok(codes.includes(c), c);
    assert.equal(r.json.can_edit, false);
    const dis = r.json.tags.find((t) => t.code === 'disability');
    assert.equal(dis.sensitive, true);
    assert.equal(dis.detail, 'disability');
    r = await worker.req('PUT', `${base}/care/tags`, { code: 'api_test', name_zh: '测试标签', name_en: 'Test', priority: 99, sensitive: false });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.tags[0].code, 'api_test');
    r = await worker.req('PUT', `${base}/care/tags`, { code: 'api_test', name_zh: '测试', sensitive: false });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.tags.find((t) => t.code === 'api_test').name_zh, '测试');
    assert.equal(r.json.tags.find((t) => t.code === 'api_test').priority, 99);
    assertError(await worker.req('PUT', `${base}/care/tags`, { code: 'Bad Code', name_zh: 'x', name_en: 'x' }), 400, 'code');
    assertError(await worker.req('PUT', `${base}/care/tags`, { code: 'p', name_zh: 'x', name_en: 'x', priority: 0 }), 400, 'priority');
    assertError(await worker.req('PUT', `${base}/care/tags`, { code: 'p', name_zh: 'x', name_en: 'x', detail: 'photo' }), 400, 'detail');
    assertError(await worker.req('PUT', `${base}/care/tags`, { code: 'p', name_zh: 'x' }), 400, 'name_en');
    assertError(await worker.req('PUT', `${base}/care/tags`, { code: 'p', name_zh: 'x', name_en: 'x', colour: 'red' }), 400, 'colour');
    for (const c of [grid, lead, volunteer]) {
      assertError(await c.req('PUT', `${base}/care/tags`, { code: 'nope', name_zh: 'x', name_en: 'x' }), 403);
    }
    for (const c of [resident, expert]) assertError(await c.get(`${base}/care/tags`), 403);
  });

  it('tags residents; bad input is 400 naming the field', async () => {
    const url = (k) => `${base}/residents/${people[k]}/care/tags`;
    let r = await worker.post(url('alone'), { tag: 'living_alone', since: '2020-01-01' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(url('alone'), { tag: 'chronic', detail: '糖尿病', note: '每天打胰岛素' });
    assert.equal(r.status, 201, r.text);
    people.chronicTag = r.json.id;
    assert.equal(r.json.tags.find((t) => t.code === 'chronic').detail, '糖尿病');
    r = await worker.post(url('poor'), { tag: 'dibao' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(url('old'), { tag: 'aged_80' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(url('old'), { tag: 'disability', detail: { category: 'physical', grade: 2 } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.tags.find((t) => t.code === 'disability').detail, { category: 'physical', grade: 2 });
    r = await worker.post(url('son'), { tag: 'api_test' });
    assert.equal(r.status, 201, r.text);

    assertError(await worker.post(url('poor'), { tag: 'disability' }), 400, 'detail');
    assertError(await worker.post(url('poor'), { tag: 'disability', detail: { category: 'x', grade: 1 } }), 400, 'detail.category');
    assertError(await worker.post(url('poor'), { tag: 'disability', detail: { category: 'vision', grade: 9 } }), 400, 'detail.grade');
    assertError(await worker.post(url('poor'), { tag: 'dibao' }), 409, 'tag');
    assertError(await worker.post(url('poor'), { tag: 'nosuch' }), 400, 'tag');
    assertError(await worker.post(url('poor'), { tag: 'tekun', detail: 'x' }), 400, 'detail');
    assertError(await worker.post(url('poor'), { tag: 'tekun', since: '2024-02-30' }), 400, 'since');
    assertError(await worker.post(url('poor'), { tag: 'tekun', note: 'x'.repeat(501) }), 400, 'note');
    assertError(await worker.post(url('poor'), {}), 400, 'tag');
    assertError(await worker.post(url('poor'), { tag: 'tekun', extra: 1 }), 400, 'extra');
    // a note is cleared with ""
    r = await worker.patch(`${url('alone')}/${people.chronicTag}`, { note: '' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.tags.find((t) => t.code === 'chronic').note, null);
    assert.equal(r.json.tags.find((t) => t.code === 'chronic').detail, '糖尿病');
    // a tag in use is not deleted
    assertError(await worker.del(`${base}/care/tags?code=api_test`), 409, 'code');
  });

  it('volunteers see only tags that are not sensitive; staff see all', async () => {
    let r = await volunteer.get(`${base}/residents/${people.alone}/care`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.tags.map((t) => t.code), ['living_alone']);
    assert.equal(r.json.hidden, true);
    assert.ok(!r.text.includes('糖尿病'));
    r = await grid.get(`${base}/residents/${people.alone}/care`);
    assert.deepEqual(r.json.tags.map((t) => t.code).sort(), ['chronic', 'living_alone']);
    assert.equal(r.json.hidden, false);
    // the care list: 低保乙 (only 低保) is not on a volunteer's list
    r = await volunteer.get(`${base}/care?building=${building}`);
    assert.equal(r.status, 200, r.text);
    const ids = r.json.residents.map((x) => x.id);
    assert.ok(!ids.includes(people.poor));
    assert.ok(!r.text.includes('dibao') && !r.text.includes('disability'));
    r = await volunteer.get(`${base}/care?tag=dibao`);
    assert.ok(!r.json.residents.some((x) => x.id === people.poor));
    // nor can a volunteer read 低保乙 or anyone else off their list by id
    assertError(await volunteer.get(`${base}/residents/${people.poor}/care`), 404);
    r = await lead.get(`${base}/care?tag=dibao`);
    assert.ok(r.json.residents.some((x) => x.id === people.poor));
    for (const c of [resident, expert]) {
      assertError(await c.get(`${base}/care`), 403);
      assertError(await c.get(`${base}/residents/${people.alone}/care`), 403);
    }
  });

  it('the care list ranks by priority then age, with dwelling and caretakers', async () => {
    const r = await worker.get(`${base}/care?building=${building}`);
    assert.equal(r.status, 200, r.text);
    // api_test 99 (儿子丁), living_alone 90 (孤老甲), disability 80 (高龄丙), dibao 50
    assert.deepEqual(r.json.residents.map((x) => x.id), [people.son, people.alone, people.old, people.poor]);
    const alone = r.json.residents[1];
    assert.equal(alone.dwelling.room, '1203');
    assert.equal(alone.dwelling.building_id, building);
    assert.equal(alone.priority, 90);
    assert.equal(alone.unassigned, true);
    assert.ok(alone.age >= 90);
    assert.equal(r.json.total, 4);
    assert.equal(r.json.can_edit, true);
    assertError(await worker.get(`${base}/care?limit=0`), 400, 'limit');
    assertError(await worker.get(`${base}/care?grid=abc`), 400, 'grid');
  });

  it('assigns caretakers: one primary, members only, residents of the community', async () => {
    const url = `${base}/residents/${people.alone}/care/caretakers`;
    let r = await worker.get(`${base}/care/caretakers`);
    assert.equal(r.status, 200, r.text);
    const g = r.json.users.find((u) => u.username === 'grid');
    const v = r.json.users.find((u) => u.username === 'volunteer');
    assert.ok(g && v, r.text);
    assert.ok(!r.json.users.some((u) => u.username === 'resident' || u.username === 'admin'));
    r = await worker.post(url, { user_id: g.id, role: 'primary' });
    assert.equal(r.status, 201, r.text);
    assertError(await worker.post(url, { user_id: v.id, role: 'primary' }), 409, 'role');
    r = await worker.post(url, { resident_id: people.son, role: 'backup', relation: '邻居' });
    assert.equal(r.status, 201, r.text);
    const sonCare = r.json.caretakers.find((c) => c.kind === 'resident');
    assert.equal(sonCare.name, '儿子丁');
    assertError(await worker.post(url, { resident_id: other.resident, role: 'backup' }), 400, 'resident_id');
    assertError(await worker.post(url, { resident_id: people.alone, role: 'backup' }), 400, 'resident_id');
    assertError(await worker.post(url, { user_id: admin.user.id ?? 1, role: 'backup' }), 400, 'user_id');
    assertError(await worker.post(url, { role: 'backup' }), 400, 'user_id');
    assertError(await worker.post(url, { user_id: v.id, role: 'boss' }), 400, 'role');
    assertError(await volunteer.post(url, { user_id: v.id, role: 'backup' }), 403);
    assertError(await grid.post(url, { user_id: v.id, role: 'backup' }), 403);
    r = await worker.get(`${base}/care?building=${building}`);
    const row = r.json.residents.find((x) => x.id === people.alone);
    assert.equal(row.primary.name, g.display_name);
    assert.equal(row.backups.length, 1);
    assert.equal(row.unassigned, false);
    // removing the primary leaves the backup
    r = await worker.get(`${base}/residents/${people.alone}/care`);
    const primary = r.json.caretakers.find((c) => c.role === 'primary');
    r = await worker.del(`${url}/${primary.id}`);
    assert.equal(r.status, 204, r.text);
    assertError(await worker.del(`${url}/${primary.id}`), 404);
  });

  it('another community\'s resident, tag and caretaker are 404', async () => {
    const o = other;
    assertError(await worker.get(`${base}/residents/${o.resident}/care`), 404);
    assertError(await worker.post(`${base}/residents/${o.resident}/care/tags`, { tag: 'tekun' }), 404);
    assertError(await worker.patch(`${base}/residents/${people.poor}/care/tags/${o.rtag}`, { note: 'x' }), 404);
    assertError(await worker.del(`${base}/residents/${people.poor}/care/tags/${o.rtag}`), 404);
    assertError(await worker.get(`/api/communities/${o.community}/care`), 404);
    assertError(await volunteer.get(`/api/communities/${o.community}/care/tags`), 404);
    assertError(await worker.get(`${base}/residents/99999999/care`), 404);
  });

  it('searches residents by care tag and by room', async () => {
    // the demo's residents carry the tag too: look after them
    const first = Math.min(people.alone, people.poor, people.son) - 1;
    let r = await worker.get(`${base}/residents?tag=living_alone&after=${first}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.residents.some((x) => x.id === people.alone));
    assert.ok(!r.json.residents.some((x) => x.id === people.poor));
    r = await worker.get(`${base}/residents?tag=api_test`);
    assert.deepEqual(r.json.residents.map((x) => x.id), [people.son]);
    r = await worker.get(`${base}/residents?room=1203&building=${building}`);
    assert.deepEqual(r.json.residents.map((x) => x.id), [people.alone]);
    r = await worker.get(`${base}/residents?room=1203`);
    assert.ok(r.json.residents.some((x) => x.id === people.alone));
    r = await worker.get(`${base}/residents?building=${building}`);
    assert.equal(r.json.residents.length, 4);
    assertError(await worker.get(`${base}/residents?tag=Bad!`), 400, 'tag');
    assertError(await worker.get(`${base}/residents?room=${'1'.repeat(21)}`), 400, 'room');
    assertError(await worker.get(`${base}/residents?building=x`), 400, 'building');
  });

  it('deleting a resident takes their care records with them', async () => {
    let r = await worker.del(`${base}/residents/${people.son}`);
    assert.equal(r.status, 204, r.text);
    r = await worker.get(`${base}/residents/${people.alone}/care`);
    assert.equal(r.json.caretakers.length, 0);
    r = await worker.get(`${base}/care?tag=api_test`);
    assert.equal(r.json.residents.length, 0);
    r = await worker.del(`${base}/care/tags?code=api_test`);
    assert.equal(r.status, 204, r.text);
    r = await worker.get(`${base}/care/tags`);
    assert.ok(!r.json.tags.some((t) => t.code === 'api_test'));
  });

  it('audits changes and reads of sensitive tags; detail and note never stored in clear', { skip: BACKEND !== 'sqlite' }, async () => {
    await srv.stop();
    const v = spawnSync(BIN, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
    for (const action of ['care.read', 'care.tag.add', 'care.tag.put', 'care.caretaker.add', 'care.tag.delete']) {
      const q = spawnSync('sqlite3', [srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = '${action}';`], { encoding: 'utf8' });
      if (q.error) {
        assert.ok(readFileSync(srv.db).includes(Buffer.from(action)) ||
          (existsSync(`${srv.db}-wal`) && readFileSync(`${srv.db}-wal`).includes(Buffer.from(action))), action);
      } else {
        assert.equal(q.status, 0, q.stderr);
        assert.ok(Number(q.stdout.trim()) >= 1, `${action}: ${q.stdout}`);
      }
    }
    for (const f of [srv.db, `${srv.db}-wal`]) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      for (const s of ['糖尿病', '每天打胰岛素'])
        assert.ok(!bytes.includes(Buffer.from(s)), `${s} found in ${f}`);
    }
    await srv.restart();
  });
});
