// Emergency preparedness (应急准备): plans from templates with versions and
// role assignments, the contact tree with its gaps and a building's call
// list, the care list for emergencies, supplies with alerts and a log,
// drills with timings and a review. Who may: staff read, changers write,
// volunteers and residents 403, another community 404, bad input 400
// naming the field. See docs/api.md "emergency preparedness".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, errOf, scopeId, unique, stopAndInspect } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

const put = (c, p, body) => c.req('PUT', p, body);

/* YYYY-MM-DD of today in China plus n days. */
function dayPlus(n) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + n * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

describe('emergency preparedness', { timeout: 110_000 }, () => {
  let srv, admin, worker, grid, lead, volunteer, resident;
  let cid, other, otherPlan;
  const base = () => `/api/communities/${cid}/prep`;

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, lead, volunteer, resident] = await Promise.all(
      ['admin', 'worker', 'grid', 'lead', 'volunteer', 'resident'].map((u) => login(srv.base, u)));
    cid = scopeId(worker.user, 'worker', 'community');
    let r = await admin.post('/api/streets', { name: unique('街道') });
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('社区') });
    other = r.json.id;
    r = await admin.post(`/api/communities/${other}/prep/plans`, { hazard: 'fire' });
    assert.equal(r.status, 201, r.text);
    otherPlan = r.json.id;
  });
  after(async () => {
    const x = await stopAndInspect(srv);
    assert.equal(x.sanitizer, null, x.sanitizer);
  });

  let plan;

  it('who may: staff read, changers write, members 403, another community 404', async () => {
    for (const c of [worker, grid, lead]) {
      const r = await c.get(`${base()}/plans`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.hazards.length, 7);
    }
    assertError(await volunteer.get(`${base()}/plans`), 403, 'forbidden');
    assertError(await resident.get(`${base()}/supplies`), 403, 'forbidden');
    assertError(await grid.post(`${base()}/plans`, { hazard: 'flood' }), 403, 'forbidden');
    assertError(await lead.post(`${base()}/supplies`, { name: '水', category: 'water', quantity: 1, unit: '箱' }), 403, 'forbidden');
    assertError(await worker.get(`/api/communities/${other}/prep/plans`), 404, 'not_found');
    assertError(await worker.get(`${base()}/plans/${otherPlan}`), 404, 'not_found');
    assertError(await worker.get(`/api/communities/${other}/prep/contacts`), 404, 'not_found');
  });

  it('a flood plan from the template; draft, publish, versions', async () => {
    let r = await worker.post(`${base()}/plans`, { hazard: 'tsunami' });
    assertError(r, 400, 'invalid', 'hazard');
    r = await worker.post(`${base()}/plans`, { hazard: 'flood', lang: 'fr' });
    assertError(r, 400, 'invalid', 'lang');
    r = await worker.post(`${base()}/plans`, { hazard: 'flood' });
    assert.equal(r.status, 201, r.text);
    plan = r.json.id;
    r = await worker.post(`${base()}/plans`, { hazard: 'flood' });
    assertError(r, 409, 'conflict', 'hazard');

    r = await worker.get(`${base()}/plans/${plan}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.published, null);
    assert.equal(r.json.draft.title, '洪涝应急预案');
    assert.deepEqual(r.json.draft.roles.map((x) => x.name_zh), ['总指挥', '联络员', '楼栋长', '物资管理员', '医疗救护']);
    assert.ok(r.json.draft.phones.some((p) => p.number === '119'));
    const body = r.json.draft;

    r = await worker.post(`${base()}/plans/${plan}/publish`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 1);
    assertError(await worker.post(`${base()}/plans/${plan}/publish`), 409, 'conflict', 'draft');

    body.title = '阳光社区防汛预案';
    body.gathering_points = [{ name: '社区广场', location: '3号楼南侧', capacity: 300 }];
    r = await put(worker, `${base()}/plans/${plan}`, body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.draft.title, '阳光社区防汛预案');
    assert.equal(r.json.published.title, '洪涝应急预案');
    assert.equal(r.json.draft_changed, true);
    /* a grid worker reads the published version only */
    r = await grid.get(`${base()}/plans/${plan}`);
    assert.equal(r.json.published.title, '洪涝应急预案');
    assert.equal(r.json.draft, undefined);
    assert.equal(r.json.can_edit, false);

    r = await put(worker, `${base()}/plans/${plan}`, { ...body, colour: 'red' });
    assertError(r, 400, 'invalid', 'colour');
    r = await put(worker, `${base()}/plans/${plan}`, { ...body, phones: [{ name: '火警', number: 'abc' }] });
    assertError(r, 400, 'invalid', 'phones[0].number');
    r = await put(worker, `${base()}/plans/${plan}`, { ...body, title: 'x'.repeat(101) });
    assertError(r, 400, 'invalid', 'title');
    r = await put(grid, `${base()}/plans/${plan}`, body);
    assertError(r, 403, 'forbidden');

    r = await worker.post(`${base()}/plans/${plan}/publish`);
    assert.equal(r.json.version, 2);
    r = await worker.get(`${base()}/plans/${plan}/versions/1`);
    assert.equal(r.json.body.title, '洪涝应急预案');
    assertError(await worker.get(`${base()}/plans/${plan}/versions/9`), 404, 'not_found');
  });

  it('assigns people to roles with backups; gaps say who is missing', async () => {
    let r = await worker.get(`${base()}/candidates`);
    assert.equal(r.status, 200, r.text);
    const gridUser = r.json.users.find((u) => u.username === 'grid');
    const volUser = r.json.users.find((u) => u.username === 'volunteer');
    assert.ok(gridUser && volUser);
    r = await put(worker, `${base()}/plans/${plan}/roles`, { role: 'commander', user_id: gridUser.id });
    assert.equal(r.status, 200, r.text);
    const g = r.json.gaps.find((x) => x.role === 'commander');
    assert.equal(g.missing, 'backup');
    r = await put(worker, `${base()}/plans/${plan}/roles`, { role: 'commander', user_id: gridUser.id, backup_user_id: volUser.id });
    assert.equal(r.json.gaps.find((x) => x.role === 'commander'), undefined);
    assert.equal(r.json.assignments[0].name.length > 0, true);
    r = await put(worker, `${base()}/plans/${plan}/roles`, { role: 'astronaut', user_id: gridUser.id });
    assertError(r, 400, 'invalid', 'role');
    r = await put(worker, `${base()}/plans/${plan}/roles`, { role: 'commander', user_id: 99999999 });
    assertError(r, 400, 'invalid', 'user_id');
    r = await put(worker, `${base()}/plans/${plan}/roles`, { role: 'commander', user_id: gridUser.id, backup_user_id: gridUser.id });
    assertError(r, 400, 'invalid', 'backup_user_id');
  });

  it('contact tree: gaps first, assignment, call list masked for a lead', async () => {
    let r = await grid.get(`${base()}/contacts`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.gaps.length > 0);
    assert.ok(r.json.counts.households > 0);
    const b = r.json.grids.flatMap((x) => x.buildings).concat(r.json.no_grid)[0];
    const before = r.json.gaps.length;
    const cands = (await worker.get(`${base()}/candidates`)).json.users;
    const leadUser = cands.find((u) => u.username === 'lead');
    const gridUser = cands.find((u) => u.username === 'grid');
    r = await put(worker, `${base()}/contacts`, { kind: 'building', node_id: b.id, user_id: leadUser.id, backup_user_id: gridUser.id });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.gaps.length, before - 1);
    r = await put(worker, `${base()}/contacts`, { kind: 'planet', node_id: 1, user_id: 0 });
    assertError(r, 400, 'invalid', 'kind');
    r = await put(worker, `${base()}/contacts`, { kind: 'building', node_id: 99999999, user_id: leadUser.id });
    assertError(r, 404, 'not_found', 'node_id');
    r = await put(lead, `${base()}/contacts`, { kind: 'building', node_id: b.id, user_id: leadUser.id });
    assertError(r, 403, 'forbidden');

    r = await lead.get(`${base()}/contacts/buildings/${b.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.masked, true);
    assert.equal(r.json.building.person.user_id, leadUser.id);
    const withPhone = r.json.households.find((x) => x.representative && x.representative.phone);
    assert.ok(withPhone, 'some household has a representative with a phone');
    assert.match(withPhone.representative.phone, /\*/);
    r = await worker.get(`${base()}/contacts/buildings/${b.id}`);
    assert.equal(r.json.masked, false);
    const full = r.json.households.find((x) => x.dwelling_id === withPhone.dwelling_id);
    assert.match(full.representative.phone, /^\d{11}$/);
  });

  it('care list for emergencies: gaps first', async () => {
    const r = await worker.get(`${base()}/care`);
    assert.equal(r.status, 200, r.text);
    const rows = r.json.residents;
    assert.ok(rows.length > 0);
    const cls = (x) => (!x.primary ? 0 : (x.backups.length ? 2 : 1));
    for (let i = 1; i < rows.length; i++) assert.ok(cls(rows[i - 1]) <= cls(rows[i]), 'gaps come first');
    assert.equal(r.json.gaps.no_primary, rows.filter((x) => cls(x) === 0).length);
    assertError(await volunteer.get(`${base()}/care`), 403, 'forbidden');
    /* a few rows for the hub; the gaps still count everyone */
    const few = await worker.get(`${base()}/care?limit=2`);
    assert.equal(few.json.residents.length, 2);
    assert.deepEqual(few.json.gaps, r.json.gaps);
    assertError(await worker.get(`${base()}/care?limit=0`), 400, 'invalid', 'limit');
    /* assigning through the care module closes a gap */
    const first = rows.find((x) => cls(x) === 0);
    if (first) {
      const cands = (await worker.get(`/api/communities/${cid}/care/caretakers`)).json.users;
      const a = await worker.post(`/api/communities/${cid}/residents/${first.id}/care/caretakers`, { user_id: cands[0].id, role: 'primary' });
      assert.equal(a.status, 201, a.text);
      const after = await worker.get(`${base()}/care?limit=1`);
      assert.equal(after.json.gaps.no_primary, r.json.gaps.no_primary - 1);
    }
  });

  it('supplies: alerts at 30 days and at the minimum; adjust with a reason', async () => {
    const was = (await lead.get(`${base()}/supplies`)).json.alerts; /* the demo's own */
    let r = await worker.post(`${base()}/supplies`, { name: '矿泉水', category: 'water', quantity: 20, unit: '箱', minimum: 20, expiry: dayPlus(30), location: '社区仓库' });
    assert.equal(r.status, 201, r.text);
    const water = r.json.id;
    assert.equal(r.json.alerts.expiring, true);
    assert.equal(r.json.alerts.low, false);
    assert.equal(r.json.alerts.days_left, 30);
    r = await worker.post(`${base()}/supplies`, { name: '手电筒', category: 'tools', quantity: 10, unit: '个', expiry: dayPlus(31) });
    assert.equal(r.json.alerts.expiring, false);
    r = await worker.post(`${base()}/supplies`, { name: '过期药品', category: 'medicine', quantity: 1, unit: '盒', expiry: dayPlus(-1) });
    assert.equal(r.json.alerts.expired, true);
    r = await lead.get(`${base()}/supplies`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.alerts.expiring, was.expiring + 1);
    assert.equal(r.json.alerts.expired, was.expired + 1);
    assert.equal(r.json.alerts.total, was.total + 2);

    r = await worker.post(`${base()}/supplies/${water}/adjust`, { delta: -1, reason: '演练发放' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.quantity, 19);
    assert.equal(r.json.alerts.low, true);
    assert.equal(r.json.log[0].reason, '演练发放');
    r = await worker.post(`${base()}/supplies/${water}/adjust`, { delta: -100, reason: '发放' });
    assertError(r, 400, 'invalid', 'delta');
    r = await worker.post(`${base()}/supplies/${water}/adjust`, { delta: 5 });
    assertError(r, 400, 'invalid', 'reason');
    r = await worker.post(`${base()}/supplies`, { name: '帐篷', category: 'toys', quantity: 1, unit: '顶' });
    assertError(r, 400, 'invalid', 'category');
    r = await worker.post(`${base()}/supplies`, { name: '帐篷', category: 'shelter', quantity: -1, unit: '顶' });
    assertError(r, 400, 'invalid', 'quantity');
    r = await worker.post(`${base()}/supplies`, { name: '帐篷', category: 'shelter', quantity: 1, unit: '顶', expiry: '2026-02-30' });
    assertError(r, 400, 'invalid', 'expiry');
    r = await worker.patch(`${base()}/supplies/${water}`, { minimum: 10 });
    assert.equal(r.json.alerts.low, false);
    assertError(await worker.get(`/api/communities/${other}/prep/supplies/${water}`), 404, 'not_found');
  });

  it('drills: timings, review, actions; history per hazard', async () => {
    let r = await worker.post(`${base()}/drills`, {
      plan_id: plan, date: dayPlus(-2), scenario: '暴雨导致地下车库进水', participants_count: 35, participants: '楼栋长 6 人, 志愿者 12 人',
      milestones: [
        { name: '警报发出', planned: 0, actual: 0 },
        { name: '全员通知', planned: 10, actual: 14 },
        { name: '集合完毕', planned: 20, actual: 18 },
        { name: '清点人数', planned: 25, actual: null },
      ],
    });
    assert.equal(r.status, 201, r.text);
    const drill = r.json.id;
    r = await worker.post(`${base()}/drills`, { plan_id: otherPlan, date: dayPlus(0), scenario: 'x' });
    assertError(r, 404, 'not_found', 'plan_id');
    r = await worker.post(`${base()}/drills`, { plan_id: plan, date: '2026-13-01', scenario: 'x' });
    assertError(r, 400, 'invalid', 'date');
    r = await worker.post(`${base()}/drills`, { plan_id: plan, date: dayPlus(0), scenario: 'x', milestones: [{ name: 'a', planned: -1 }] });
    assertError(r, 400, 'invalid', 'milestones[0].planned');

    r = await grid.get(`${base()}/drills/${drill}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.milestones.map((m) => m.delta), [0, 4, -2, null]);
    assert.equal(r.json.hazard, 'flood');

    r = await put(worker, `${base()}/drills/${drill}/review`, { went_well: '通知及时', to_improve: '地下车库的通知晚了4分钟' });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.review.reviewed_at);
    r = await worker.post(`${base()}/drills/${drill}/actions`, { task: '给地下车库装广播', owner: '物业王经理', due: dayPlus(30) });
    assert.equal(r.status, 201, r.text);
    const act = r.json.id;
    r = await worker.post(`${base()}/drills/${drill}/actions`, { task: 'x', owner: '', due: dayPlus(30) });
    assertError(r, 400, 'invalid', 'owner');
    r = await worker.patch(`${base()}/drills/${drill}/actions/${act}`, { done: true });
    assert.equal(r.status, 200, r.text);
    r = await worker.get(`${base()}/drills?hazard=flood`);
    assert.equal(r.json.drills.length, 1);
    assert.equal(r.json.drills[0].late, 1);
    assert.equal(r.json.drills[0].actions_open, 0);
    r = await worker.get(`${base()}/drills?hazard=earthquake`);
    assert.equal(r.json.drills.length, 0);
    assertError(await worker.get(`${base()}/drills?hazard=meteor`), 400, 'invalid', 'hazard');
    assertError(await worker.get(`/api/communities/${other}/prep/drills/${drill}`), 404, 'not_found');
  });
});
