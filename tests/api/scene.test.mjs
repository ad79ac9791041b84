// Scenes (新场景): templates, a scene made from the gate template, editing
// its points, posts, bands, checklist, equipment and scripts (revisions),
// the band → shift expansion (Beijing time, idempotent), checklist ticks
// per shift, incidents with figures and the script review, who may do
// what, validation naming the field, and another community's ids (404).
// See docs/api.md "New scenes".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, errOf, scopeId, unique, stopAndInspect, BACKEND, BIN } from './lib.mjs';

function assertError(r, status, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (field !== undefined) assert.equal(e.field, field);
}

const put = (c, p, body) => c.req('PUT', p, body);

describe('scenes', { timeout: 110_000 }, () => {
  let srv, admin, worker, resident, volunteer, lead, grid;
  let cid, other, otherScene, building;
  const api = (p) => `/api/communities/${cid}${p}`;

  before(async () => {
    srv = await startServer();
    [admin, worker, resident, volunteer, lead, grid] = await Promise.all(
      ['admin', 'worker', 'resident', 'volunteer', 'lead', 'grid'].map((u) => login(srv.base, u)));
    cid = scopeId(worker.user, 'worker', 'community');
    let r = await worker.get(`/api/communities/${cid}`);
    building = r.json.compounds[0].buildings[0].id;
    r = await admin.post('/api/streets', { name: unique('街道') });
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('社区') });
    other = r.json.id;
    r = await admin.post(`/api/communities/${other}/scenes`, { name: '别处门岗', template: 'gate' });
    assert.equal(r.status, 201, r.text);
    otherScene = r.json.id;
  });
  after(async () => {
    const x = await stopAndInspect(srv);
    assert.equal(x.sanitizer, null, x.sanitizer);
  });

  let scene, gate;

  it('templates: five kinds, both languages, the gate scripts the issue names', async () => {
    const r = await resident.get('/api/scene-templates');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.templates.map((t) => t.code), ['gate', 'corridor', 'centre', 'testing', 'flood']);
    const g = r.json.templates[0];
    assert.equal(g.name.zh, '小区出入口');
    assert.deepEqual(g.scripts.slice(0, 5).map((s) => s.title.zh),
      ['居民拒绝登记', '外卖和快递骑手', '没有预约的访客', '需要帮助的老人', '争执升级']);
    assert.equal(g.scripts[0].title.en, 'A resident refuses to register');
    assert.deepEqual(g.posts[0].bands[0], { weekdays: 127, start: 420, end: 540, headcount: 3 });
    for (const t of r.json.templates) {
      assert.ok(t.scripts.length >= 3, t.code);
      for (const s of t.scripts) for (const k of ['situation', 'say', 'avoid', 'tags']) assert.ok(s[k].zh && s[k].en, `${t.code} ${k}`);
    }
  });

  it('creates a scene from the gate template: everything copied, in Chinese', async () => {
    let r = await worker.post(api('/scenes'), { name: '北门', template: 'gate', location: '幸福路1号北门', node_kind: 'building', node_id: building });
    assert.equal(r.status, 201, r.text);
    scene = r.json.id;
    r = await resident.get(api(`/scenes/${scene}`));
    assert.equal(r.status, 200, r.text);
    const s = r.json;
    assert.equal(s.can_manage, false);
    assert.equal(s.node_kind, 'building');
    assert.equal(s.node_id, building);
    assert.match(s.node_name, /号楼|楼/);
    assert.deepEqual(s.points.map((p) => p.name), ['主出入口', '取物架', '车行道闸']);
    assert.equal(s.posts.length, 3);
    gate = s.posts[0];
    assert.equal(gate.name, '登记引导岗');
    assert.equal(gate.point, '主出入口');
    assert.deepEqual(gate.bands.map((b) => [b.start, b.end, b.headcount]), [[420, 540, 3], [540, 1020, 2], [1020, 1200, 3], [1200, 1320, 1]]);
    assert.equal(gate.checklist.length, 7);
    assert.equal(gate.checklist[0].text, '佩戴工作证和红马甲');
    assert.equal(s.equipment[0].item, '红马甲');
    assert.equal(s.equipment[0].quantity, 6);
    assert.equal(s.scripts.length, 6);
    assert.equal(s.scripts[0].title, '居民拒绝登记');
    assert.equal(s.scripts[0].revision, 1);
    assert.match(s.scripts[0].say, /手写登记/);
    r = await put(worker, api(`/scenes/${scene}`), { node_kind: '' });
    assert.equal(r.status, 204, r.text);
    r = await worker.get(api(`/scenes/${scene}`));
    assert.deepEqual([r.json.node_kind, r.json.node_id, r.json.node_name], ['', 0, '']);
    r = await put(worker, api(`/scenes/${scene}`), { node_kind: 'building', node_id: building, location: '幸福路1号北门 ' });
    assert.equal(r.status, 204, r.text);
    assertError(await put(worker, api(`/scenes/${scene}`), { status: 'gone' }), 400, 'status');
    assertError(await put(lead, api(`/scenes/${scene}`), { name: 'x' }), 403);
    r = await worker.post(api('/scenes'), { name: 'Gate', template: 'gate', lang: 'en' });
    assert.equal(r.status, 201, r.text);
    r = await worker.get(api(`/scenes/${r.json.id}`));
    assert.equal(r.json.scripts[1].title, 'A delivery rider');
    r = await worker.post(api('/scenes'), { name: '空白', template: 'blank' });
    assert.equal(r.status, 201, r.text);
    r = await worker.get(api(`/scenes/${r.json.id}`));
    assert.deepEqual([r.json.posts.length, r.json.scripts.length, r.json.points.length], [0, 0, 0]);
  });

  it('validation names the field', async () => {
    assertError(await worker.post(api('/scenes'), { name: 'x', template: 'castle' }), 400, 'template');
    assertError(await worker.post(api('/scenes'), { name: '', template: 'gate' }), 400, 'name');
    assertError(await worker.post(api('/scenes'), { name: 'x', template: 'gate', lang: 'fr' }), 400, 'lang');
    assertError(await worker.post(api('/scenes'), { name: 'x', template: 'gate', node_kind: 'building', node_id: 999999 }), 400, 'node_id');
    assertError(await worker.post(api('/scenes'), { name: 'x', template: 'gate', node_kind: 'planet', node_id: building }), 400, 'node_kind');
    assertError(await worker.post(api(`/posts/${gate.id}/bands`), { start: '09:00', end: '08:00', headcount: 1 }), 400, 'end');
    assertError(await worker.post(api(`/posts/${gate.id}/bands`), { start: '9:00', end: '10:00', headcount: 1 }), 400, 'start');
    assertError(await worker.post(api(`/posts/${gate.id}/bands`), { start: '09:00', end: '24:01', headcount: 1 }), 400, 'end');
    assertError(await worker.post(api(`/posts/${gate.id}/bands`), { start: '09:00', end: '10:00', headcount: 0 }), 400, 'headcount');
    assertError(await worker.post(api(`/posts/${gate.id}/bands`), { weekdays: 128, start: '09:00', end: '10:00', headcount: 1 }), 400, 'weekdays');
    assertError(await worker.post(api(`/scenes/${scene}/scripts`), { title: '标题', situation: '', say: '说' }), 400, 'situation');
    assertError(await worker.post(api(`/scenes/${scene}/scripts`), { title: '标题', situation: '情况', say: '说'.repeat(1001) }), 400, 'say');
    assertError(await worker.post(api(`/scenes/${scene}/equipment`), { item: '伞', quantity: -1 }), 400, 'quantity');
    assertError(await worker.post(api(`/scenes/${scene}/expand`), { from: '2026-02-30', days: 1 }), 400, 'from');
    assertError(await worker.post(api(`/scenes/${scene}/expand`), { from: '2026-03-01', days: 63 }), 400, 'days');
    assertError(await worker.post(api(`/scenes/${scene}/incidents`), { type: 'fight', what: 'x', outcome: 'resolved' }), 400, 'type');
    assertError(await worker.post(api(`/scenes/${scene}/incidents`), { type: 'argument', what: 'x', outcome: 'won' }), 400, 'outcome');
    assertError(await worker.post(api(`/scenes/${scene}/incidents`), { type: 'argument', what: 'x', outcome: 'resolved', due: '2026-13-01' }), 400, 'due');
  });

  it('edits points, posts, bands, checklist (reorder), equipment', async () => {
    let r = await worker.post(api(`/scenes/${scene}/points`), { name: '南门' });
    assert.equal(r.status, 201, r.text);
    const point = r.json.id;
    r = await worker.post(api(`/scenes/${scene}/posts`), { name: '南门岗', point: '南门', skills: 'communication' });
    assert.equal(r.status, 201, r.text);
    const post = r.json.id;
    r = await put(worker, api(`/posts/${post}`), { name: '南门登记岗' });
    assert.equal(r.status, 204, r.text);
    r = await worker.post(api(`/posts/${post}/bands`), { weekdays: 31, start: '07:30', end: '09:00', headcount: 2 });
    assert.equal(r.status, 201, r.text);
    const band = r.json.id;
    const items = [];
    for (const text of ['一', '二', '三']) {
      r = await worker.post(api(`/posts/${post}/checklist`), { text });
      assert.equal(r.status, 201, r.text);
      items.push(r.json.id);
    }
    r = await put(worker, api(`/posts/${post}/checklist`), { ids: [items[2], items[0], items[1]] });
    assert.equal(r.status, 204, r.text);
    assertError(await put(worker, api(`/posts/${post}/checklist`), { ids: [items[2], items[0]] }), 400, 'ids');
    assertError(await put(worker, api(`/posts/${post}/checklist`), { ids: [items[2], items[0], gate.checklist[0].id] }), 400, 'ids');
    r = await put(worker, api(`/checklist/${items[0]}`), { text: '一（改）' });
    assert.equal(r.status, 204, r.text);
    r = await worker.post(api(`/scenes/${scene}/equipment`), { item: '雨伞', quantity: 4, place: '岗亭' });
    assert.equal(r.status, 201, r.text);
    const eq = r.json.id;
    r = await put(worker, api(`/equipment/${eq}`), { quantity: 5 });
    assert.equal(r.status, 204, r.text);
    r = await worker.get(api(`/scenes/${scene}`));
    const p = r.json.posts.find((x) => x.id === post);
    assert.equal(p.name, '南门登记岗');
    assert.deepEqual(p.bands.map((b) => [b.weekdays, b.start, b.end, b.headcount]), [[31, 450, 540, 2]]);
    assert.deepEqual(p.checklist.map((c) => c.text), ['三', '一（改）', '二']);
    assert.deepEqual(r.json.equipment.at(-1), { id: eq, item: '雨伞', quantity: 5, place: '岗亭' });
    assert.ok(r.json.points.some((x) => x.id === point));
    for (const path of [`/post-bands/${band}`, `/checklist/${items[1]}`, `/equipment/${eq}`, `/scene-points/${point}`, `/posts/${post}`]) {
      r = await worker.del(api(path));
      assert.equal(r.status, 204, `${path}: ${r.text}`);
      assertError(await worker.del(api(path)), 404);
    }
    r = await worker.get(api(`/scenes/${scene}`));
    assert.equal(r.json.posts.length, 3);
    assert.equal(r.json.equipment.length, 7);
  });

  it('expands bands into shifts in Beijing time, twice adds nothing', async () => {
    // 2026-03-02 is a Monday. The gate template: 4 bands every day on the
    // first post, 2 on the second, 2 on workdays on the third.
    let r = await worker.post(api(`/scenes/${scene}/expand`), { from: '2026-03-02', days: 7 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { created: 7 * 4 + 7 * 2 + 5 * 2, skipped: 0 });
    r = await worker.post(api(`/scenes/${scene}/expand`), { from: '2026-03-06', days: 4 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { created: 1 * 4 + 1 * 2 + 1 * 2 + 0, skipped: 3 * 4 + 3 * 2 + 1 * 2 });
    r = await worker.get(api(`/scenes/${scene}`));
    const shifts = r.json.posts[0].shifts;
    assert.equal(shifts.length, 8 * 4);
    // 07:00 Beijing on 2026-03-02 is 2026-03-01T23:00Z.
    assert.equal(shifts[0].starts_at, Date.UTC(2026, 2, 1, 23, 0) / 1000);
    assert.equal(shifts[0].ends_at, Date.UTC(2026, 2, 2, 1, 0) / 1000);
    assert.equal(shifts[0].headcount, 3);
    assertError(await resident.post(api(`/scenes/${scene}/expand`), { from: '2026-03-02', days: 1 }), 403);
  });

  let shift;
  it('ticks a shift checklist: staff, building leads and volunteers; residents may not', async () => {
    let r = await worker.get(api(`/scenes/${scene}`));
    shift = r.json.posts[0].shifts[0].id;
    const item = gate.checklist[0].id;
    r = await volunteer.req('PUT', api(`/shifts/${shift}/checklist/${item}`));
    assert.equal(r.status, 204, r.text);
    r = await lead.req('PUT', api(`/shifts/${shift}/checklist/${gate.checklist[1].id}`));
    assert.equal(r.status, 204, r.text);
    r = await volunteer.req('PUT', api(`/shifts/${shift}/checklist/${item}`));
    assert.equal(r.status, 204, 'ticking twice is fine');
    assertError(await resident.req('PUT', api(`/shifts/${shift}/checklist/${item}`)), 403);
    r = await resident.get(api(`/shifts/${shift}/checklist`));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.can_tick, false);
    assert.equal(r.json.shift.post_name, '登记引导岗');
    assert.deepEqual(r.json.items.map((i) => i.ticked), [true, true, false, false, false, false, false]);
    assert.equal(r.json.items[0].ticked_by, '刘洋（志愿者）');
    r = await volunteer.del(api(`/shifts/${shift}/checklist/${gate.checklist[1].id}`));
    assert.equal(r.status, 204, r.text);
    r = await volunteer.get(api(`/shifts/${shift}/checklist`));
    assert.equal(r.json.can_tick, true);
    assert.deepEqual(r.json.items.map((i) => i.ticked).slice(0, 2), [true, false]);
    // an item of another post
    r = await worker.get(api(`/scenes/${scene}`));
    assertError(await volunteer.req('PUT', api(`/shifts/${shift}/checklist/${r.json.posts[1].checklist[0].id}`)), 404, 'item_id');
  });

  let scripts;
  it('scripts: add, revise (revision kept), read by members', async () => {
    let r = await worker.get(api(`/scenes/${scene}`));
    scripts = r.json.scripts;
    r = await worker.post(api(`/scenes/${scene}/scripts`), { title: '问路', situation: '有人问路', say: '您好，您要去哪里？我给您指路。', avoid: '不耐烦', tags: '访客' });
    assert.equal(r.status, 201, r.text);
    const added = r.json.id;
    r = await put(worker, api(`/scripts/${scripts[0].id}`), { say: '您好，登记是为了您的安全。' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.revision, 2);
    r = await volunteer.get(api(`/scripts/${scripts[0].id}`));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.revision, 2);
    assert.equal(r.json.say, '您好，登记是为了您的安全。');
    assert.equal(r.json.revisions.length, 1);
    assert.equal(r.json.revisions[0].revision, 1);
    assert.match(r.json.revisions[0].say, /手写登记/);
    assertError(await lead.post(api(`/scenes/${scene}/scripts`), { title: 't', situation: 's', say: 's' }), 403);
    assertError(await put(volunteer, api(`/scripts/${added}`), { say: 'x' }), 403);
    r = await worker.del(api(`/scripts/${added}`));
    assert.equal(r.status, 204, r.text);
  });

  let incidents = [];
  it('incidents: recorded by staff and leads with the script revision; figures', async () => {
    const [refuse, rider] = scripts;
    const rec = async (c, body) => {
      const r = await c.post(api(`/scenes/${scene}/incidents`), body);
      assert.equal(r.status, 201, r.text);
      incidents.push(r.json.id);
      return r.json.id;
    };
    // rider: 2 used, both resolved; refuse: 3 used, 2 escalated/unresolved
    await rec(lead, { type: 'delivery', what: '骑手要进门', outcome: 'resolved', script_id: rider.id, shift_id: shift });
    await rec(grid, { type: 'delivery', what: '骑手着急', outcome: 'resolved', script_id: rider.id });
    await rec(worker, { type: 'refused_registration', what: '不肯扫码', outcome: 'escalated', script_id: refuse.id, followup: '社工上门沟通', due: '2026-03-10', occurred_at: Date.UTC(2026, 1, 28, 17, 0) / 1000 });
    await rec(worker, { type: 'refused_registration', what: '拒绝登记并争吵', outcome: 'unresolved', script_id: refuse.id });
    await rec(worker, { type: 'refused_registration', what: '后来同意手写登记', outcome: 'resolved', script_id: refuse.id });
    await rec(worker, { type: 'medical', what: '老人头晕', outcome: 'escalated' });
    assertError(await volunteer.post(api(`/scenes/${scene}/incidents`), { type: 'other', what: 'x', outcome: 'resolved' }), 403);
    assertError(await resident.post(api(`/scenes/${scene}/incidents`), { type: 'other', what: 'x', outcome: 'resolved' }), 403);
    let r = await worker.get(api(`/scenes/${scene}`));
    const otherPost = r.json.posts[1].id;
    assertError(await worker.post(api(`/scenes/${scene}/incidents`), { type: 'other', what: 'x', outcome: 'resolved', shift_id: shift, post_id: otherPost }), 400, 'post_id');
    r = await admin.get(`/api/communities/${other}/scenes/${otherScene}`);
    assertError(await worker.post(api(`/scenes/${scene}/incidents`), { type: 'other', what: 'x', outcome: 'resolved', script_id: r.json.scripts[0].id }), 400, 'script_id');
    r = await volunteer.get(api(`/scenes/${scene}/incidents`));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.can_record, false);
    assert.equal(r.json.incidents.length, 6);
    const first = r.json.incidents.find((i) => i.shift_id === shift);
    assert.equal(first.post_name, '登记引导岗', 'the post comes from the shift');
    assert.equal(first.script_revision, 1);
    const refusedLatest = r.json.incidents.find((i) => i.what === '后来同意手写登记');
    assert.equal(refusedLatest.script_revision, 2, 'the revision in force when used');
    const f = r.json.figures;
    assert.equal(f.total, 6);
    assert.deepEqual([f.by_type.delivery, f.by_type.refused_registration, f.by_type.medical, f.by_type.argument], [2, 3, 1, 0]);
    assert.deepEqual(f.by_outcome, { resolved: 3, escalated: 2, unresolved: 1 });
    // 2026-02-28 17:00Z is 2026-03-01 01:00 in Beijing
    assert.equal(f.by_month[0].month, '2026-03');
    assert.equal(f.open_followups, 1);
    r = await lead.req('PUT', api(`/incidents/${incidents[2]}`), { done: true, outcome: 'resolved' });
    assert.equal(r.status, 204, r.text);
    r = await lead.get(api(`/scenes/${scene}/incidents`));
    assert.equal(r.json.figures.open_followups, 0);
    r = await lead.req('PUT', api(`/incidents/${incidents[2]}`), { outcome: 'escalated' });
    assert.equal(r.status, 204, r.text);
  });

  it('script review: the script that fails in practice comes first', async () => {
    const r = await volunteer.get(api(`/scenes/${scene}/script-review`));
    assert.equal(r.status, 200, r.text);
    const [top, second] = r.json.scripts;
    assert.equal(top.title, '居民拒绝登记');
    assert.deepEqual([top.used, top.resolved, top.escalated, top.unresolved, top.failed_pct], [3, 1, 1, 1, 66]);
    assert.equal(top.revision, 2);
    assert.deepEqual(top.notes.map((n) => n.what).sort(), ['不肯扫码', '后来同意手写登记', '拒绝登记并争吵'].sort());
    assert.equal(second.title, '外卖和快递骑手');
    assert.deepEqual([second.used, second.failed_pct], [2, 0]);
    assert.equal(r.json.scripts.at(-1).used, 0);
    assert.equal(r.json.can_revise, false);
  });

  it('deleting an incident is for changers, audited', async () => {
    assertError(await lead.del(api(`/incidents/${incidents[5]}`)), 403);
    let r = await worker.del(api(`/incidents/${incidents[5]}`), { reason: '重复记录' });
    assert.equal(r.status, 204, r.text);
    assertError(await worker.del(api(`/incidents/${incidents[5]}`)), 404, 'incident_id');
    if (BACKEND !== 'sqlite') return;
    const q = spawnSync('sqlite3', [srv.db,
      "SELECT action, subject, detail FROM audit_log WHERE action LIKE 'scene.%' ORDER BY id;"], { encoding: 'utf8' });
    if (q.error) return; /* no sqlite3 shell */
    assert.match(q.stdout, new RegExp(`scene\\.incident_delete\\|incident:${incidents[5]}\\|重复记录`));
    const v = spawnSync(BIN, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  it("another community's ids are 404, and so is its scene for a changer here", async () => {
    const o = `/api/communities/${other}`;
    assertError(await worker.get(`${o}/scenes/${otherScene}`), 404);
    assertError(await worker.get(api(`/scenes/${otherScene}`)), 404, 'scene_id');
    assertError(await worker.get(api(`/scenes/${otherScene}/incidents`)), 404);
    assertError(await worker.get(api(`/scenes/${otherScene}/script-review`)), 404);
    assertError(await worker.post(api(`/scenes/${otherScene}/expand`), { from: '2026-03-02', days: 1 }), 404);
    assertError(await worker.post(api(`/scenes/${otherScene}/scripts`), { title: 't', situation: 's', say: 's' }), 404);
    const r = await admin.get(`${o}/scenes/${otherScene}`);
    const op = r.json.posts[0];
    assertError(await put(worker, api(`/posts/${op.id}`), { name: 'x' }), 404);
    assertError(await worker.del(api(`/checklist/${op.checklist[0].id}`)), 404);
    assertError(await put(worker, api(`/scripts/${r.json.scripts[0].id}`), { say: 'x' }), 404);
    assertError(await worker.get(api(`/scripts/${r.json.scripts[0].id}`)), 404);
    assertError(await worker.post(api(`/posts/${op.id}/bands`), { start: '09:00', end: '10:00', headcount: 1 }), 404);
    assertError(await worker.post(api(`/scenes/${scene}/incidents`), { type: 'other', what: 'x', outcome: 'resolved', post_id: op.id }), 400, 'post_id');
  });
});
