// Door-to-door visits API: recording and history, plans with progress,
// coverage per building and per community, the unreached list. Happy paths,
// bad input naming the field, roles (a volunteer records but does not plan,
// a resident is refused), CSRF, and another community's ids (404).
// See docs/api.md "New resources: door-to-door visits".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, errOf, scopeId, unique } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body is {"error": {...}}: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

describe('door-to-door visits', { timeout: 110_000 }, () => {
  let srv;
  let admin, worker, grid, volunteer, resident;
  let demo;
  const own = {};   // a building laid out in the demo community
  const other = {}; // another street's community, outside everyone's scope but admin's

  async function layBuilding(client, community, compound, floors, rooms) {
    let r = await client.post(`/api/communities/${community}/buildings`, { compound_id: compound, name: unique('楼') });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    r = await client.post(`/api/communities/${community}/buildings/${id}/layout`,
      { units: 1, floors, rooms_per_floor: rooms, area: 6000 });
    assert.equal(r.status, 201, r.text);
    r = await client.get(`/api/communities/${community}/buildings/${id}`);
    assert.equal(r.status, 200);
    return { id, dwellings: r.json.units[0].dwellings.map((d) => d.id) };
  }

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, volunteer, resident] = await Promise.all(
      ['admin', 'worker', 'grid', 'volunteer', 'resident'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    assert.equal(typeof demo, 'number');

    let r = await worker.post(`/api/communities/${demo}/compounds`, { name: unique('走访小区') });
    assert.equal(r.status, 201, r.text);
    Object.assign(own, await layBuilding(worker, demo, r.json.id, 2, 2));

    r = await admin.post('/api/streets', { name: unique('另一街道') });
    assert.equal(r.status, 201, r.text);
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    assert.equal(r.status, 201, r.text);
    other.community = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/compounds`, { name: '外小区' });
    assert.equal(r.status, 201, r.text);
    const b = await layBuilding(admin, other.community, r.json.id, 1, 1);
    other.building = b.id;
    other.dwelling = b.dwellings[0];
  });

  after(async () => { await srv?.cleanup(); });

  const visits = (d, c = demo) => `/api/communities/${c}/dwellings/${d}/visits`;

  describe('POST and GET .../dwellings/{dwelling}/visits', () => {
    it('records a visit (201) and lists the history newest first', async () => {
      const d = own.dwellings[0];
      const now = Math.floor(Date.now() / 1000);
      let r = await worker.post(visits(d), { outcome: 'nobody_home', notes: '敲门无人应', follow_up: '2026-12-01', at: now - 3600 });
      assert.equal(r.status, 201, r.text);
      assert.equal(typeof r.json.id, 'number');
      assert.equal(r.json.outcome, 'nobody_home');
      r = await worker.post(visits(d), { outcome: 'opened' });
      assert.equal(r.status, 201, r.text);
      const newest = r.json.id;
      r = await worker.get(visits(d));
      assert.equal(r.status, 200);
      assert.equal(r.json.dwelling_id, d);
      assert.equal(r.json.visits.length, 2);
      assert.equal(r.json.visits[0].id, newest);
      assert.equal(r.json.visits[0].outcome, 'opened');
      assert.equal(r.json.visits[0].follow_up, null);
      assert.equal(r.json.visits[0].user_id, worker.user.id);
      assert.equal(typeof r.json.visits[0].user_name, 'string');
      assert.equal(r.json.visits[1].notes, '敲门无人应');
      assert.equal(r.json.visits[1].follow_up, '2026-12-01');
      assert.equal(r.json.visits[1].at, now - 3600);
    });

    it('refuses bad input naming the field', async () => {
      const d = own.dwellings[1];
      assertError(await worker.post(visits(d), {}), 400, 'invalid', 'outcome');
      assertError(await worker.post(visits(d), { outcome: 'open' }), 400, 'invalid', 'outcome');
      assertError(await worker.post(visits(d), { outcome: 1 }), 400, 'invalid', 'outcome');
      assertError(await worker.post(visits(d), { outcome: 'refused', notes: '长'.repeat(501) }), 400, 'invalid', 'notes');
      assertError(await worker.post(visits(d), { outcome: 'refused', follow_up: '2026-02-30' }), 400, 'invalid', 'follow_up');
      assertError(await worker.post(visits(d), { outcome: 'refused', follow_up: '2026/03/01' }), 400, 'invalid', 'follow_up');
      assertError(await worker.post(visits(d), { outcome: 'opened', follow_up: '2026-03-01' }), 400, 'invalid', 'follow_up');
      assertError(await worker.post(visits(d), { outcome: 'refused', at: Math.floor(Date.now() / 1000) + 86400 }), 400, 'invalid', 'at');
      assertError(await worker.post(visits(d), { outcome: 'refused', at: 100 }), 400, 'invalid', 'at');
      assertError(await worker.post(visits(d), { outcome: 'refused', extra: 1 }), 400, 'invalid', 'extra');
      const r = await worker.post(visits(d), { outcome: 'refused', notes: '长'.repeat(500) });
      assert.equal(r.status, 201, 'exactly 500 characters of notes are fine');
      // nothing partial was written by the refusals
      const h = await worker.get(visits(d));
      assert.equal(h.json.visits.length, 1);
    });

    it('lets a volunteer and a grid worker of the community record; a resident gets 403', async () => {
      const d = own.dwellings[2];
      let r = await volunteer.post(visits(d), { outcome: 'vacant' });
      assert.equal(r.status, 201, r.text);
      r = await volunteer.get(visits(d));
      assert.equal(r.status, 200);
      r = await grid.post(visits(d), { outcome: 'new_arrival' });
      assert.equal(r.status, 201, r.text);
      assertError(await resident.post(visits(d), { outcome: 'opened' }), 403, 'forbidden');
      assertError(await resident.get(visits(d)), 403, 'forbidden');
    });

    it('answers 404 for another community and its dwellings', async () => {
      assertError(await worker.post(visits(other.dwelling), { outcome: 'opened' }), 404, 'not_found');
      assertError(await worker.get(visits(other.dwelling)), 404, 'not_found');
      assertError(await worker.post(visits(other.dwelling, other.community), { outcome: 'opened' }), 404, 'not_found');
      assertError(await volunteer.post(visits(other.dwelling, other.community), { outcome: 'opened' }), 404, 'not_found');
      assertError(await worker.post(visits(999999999), { outcome: 'opened' }), 404, 'not_found');
      // admin may, in the other community
      const r = await admin.post(visits(other.dwelling, other.community), { outcome: 'refused' });
      assert.equal(r.status, 201, r.text);
    });

    it('needs the CSRF token', async () => {
      assertError(await worker.post(visits(own.dwellings[3]), { outcome: 'opened' }, { 'x-csrf-token': null }),
        403, 'forbidden', 'X-CSRF-Token');
      const h = await worker.get(visits(own.dwellings[3]));
      assert.equal(h.json.visits.length, 0);
    });
  });

  describe('visit plans', () => {
    const plans = (c = demo) => `/api/communities/${c}/visit-plans`;
    let planBuilding;

    before(async () => {
      const r = await worker.post(`/api/communities/${demo}/compounds`, { name: unique('计划小区') });
      planBuilding = await layBuilding(worker, demo, r.json.id, 1, 3);
    });

    it('creates a plan, lists its progress, and marks it done', async () => {
      let r = await worker.post(plans(), { building_id: planBuilding.id, assignee: volunteer.user.id, due: '2026-12-31' });
      assert.equal(r.status, 201, r.text);
      const id = r.json.id;
      assert.equal(r.json.assignee, volunteer.user.id);
      r = await volunteer.post(visits(planBuilding.dwellings[0]), { outcome: 'opened' });
      assert.equal(r.status, 201);
      r = await volunteer.post(visits(planBuilding.dwellings[0]), { outcome: 'opened' });
      r = await volunteer.post(visits(planBuilding.dwellings[1]), { outcome: 'refused' });
      r = await worker.get(plans());
      assert.equal(r.status, 200);
      assert.equal(r.json.can_manage, true);
      const p = r.json.plans.find((x) => x.id === id);
      assert.ok(p, 'the plan is listed');
      assert.equal(p.dwellings, 3);
      assert.equal(p.visited, 2);
      assert.equal(p.done, false);
      assert.equal(p.due, '2026-12-31');
      assert.equal(p.building_id, planBuilding.id);
      r = await worker.patch(`${plans()}/${id}`, { done: true });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.done, true);
      assert.equal(typeof r.json.done_at, 'number');
      r = await volunteer.get(plans());
      assert.equal(r.status, 200);
      assert.equal(r.json.can_manage, false);
    });

    it('refuses bad input naming the field', async () => {
      assertError(await worker.post(plans(), { assignee: volunteer.user.id, due: '2026-12-31' }), 400, 'invalid', 'building_id');
      assertError(await worker.post(plans(), { building_id: planBuilding.id, due: '2026-12-31' }), 400, 'invalid', 'assignee');
      assertError(await worker.post(plans(), { building_id: planBuilding.id, assignee: volunteer.user.id, due: '2026-13-01' }), 400, 'invalid', 'due');
      assertError(await worker.post(plans(), { building_id: planBuilding.id, assignee: volunteer.user.id }), 400, 'invalid', 'due');
      assertError(await worker.post(plans(), { building_id: planBuilding.id, assignee: 99999999, due: '2026-12-31' }), 404, 'not_found', 'assignee');
      assertError(await worker.post(plans(), { building_id: other.building, assignee: volunteer.user.id, due: '2026-12-31' }), 404, 'not_found', 'building_id');
      const r = await worker.post(plans(), { building_id: planBuilding.id, assignee: volunteer.user.id, due: '2026-12-31' });
      assertError(await worker.patch(`${plans()}/${r.json.id}`, { done: 'yes' }), 400, 'invalid', 'done');
      assertError(await worker.patch(`${plans()}/${r.json.id}`, {}), 400, 'invalid', 'done');
    });

    it('lets a volunteer record but not plan; a resident gets 403', async () => {
      const body = { building_id: planBuilding.id, assignee: volunteer.user.id, due: '2026-12-31' };
      assertError(await volunteer.post(plans(), body), 403, 'forbidden');
      assertError(await grid.post(plans(), body), 403, 'forbidden');
      assertError(await resident.post(plans(), body), 403, 'forbidden');
      assertError(await resident.get(plans()), 403, 'forbidden');
      const r = await worker.post(plans(), body);
      assertError(await volunteer.patch(`${plans()}/${r.json.id}`, { done: true }), 403, 'forbidden');
    });

    it('answers 404 for another community and its plans; needs CSRF', async () => {
      assertError(await worker.get(plans(other.community)), 404, 'not_found');
      let r = await admin.post(plans(other.community), { building_id: other.building, assignee: admin.user.id, due: '2026-12-31' });
      assert.equal(r.status, 201, r.text);
      assertError(await worker.patch(`${plans()}/${r.json.id}`, { done: true }), 404, 'not_found');
      r = await worker.post(plans(), { building_id: planBuilding.id, assignee: volunteer.user.id, due: '2026-12-31' }, { 'x-csrf-token': null });
      assertError(r, 403, 'forbidden', 'X-CSRF-Token');
    });
  });

  describe('coverage', () => {
    let cov; // a building of its own: 2 floors × 3 rooms
    before(async () => {
      const r = await worker.post(`/api/communities/${demo}/compounds`, { name: unique('覆盖小区') });
      cov = await layBuilding(worker, demo, r.json.id, 2, 3);
      const d = cov.dwellings;
      const t = Math.floor(Date.now() / 1000) - 600;
      for (const [i, outcome, at] of [[0, 'opened', t], [1, 'refused', t], [2, 'moved_out', t], [2, 'nobody_home', t + 1]]) {
        const x = await worker.post(visits(d[i]), { outcome, at });
        assert.equal(x.status, 201, x.text);
      }
    });

    it('GET .../buildings/{building}/coverage gives each dwelling its last outcome', async () => {
      const r = await worker.get(`/api/communities/${demo}/buildings/${cov.id}/coverage`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.id, cov.id);
      assert.equal(r.json.floors, 2);
      const ds = r.json.units[0].dwellings;
      assert.equal(ds.length, 6);
      const by = Object.fromEntries(ds.map((x) => [x.id, x]));
      assert.equal(by[cov.dwellings[0]].last_outcome, 'opened');
      assert.equal(by[cov.dwellings[1]].reached, false);
      assert.equal(by[cov.dwellings[2]].last_outcome, 'nobody_home');
      assert.equal(by[cov.dwellings[2]].reached, true);
      assert.equal(by[cov.dwellings[3]].last_outcome, null);
      assert.equal(by[cov.dwellings[3]].last_at, null);
      assert.deepEqual([r.json.coverage.dwellings, r.json.coverage.reached, r.json.coverage.unvisited], [6, 2, 3]);
      assertError(await worker.get(`/api/communities/${demo}/buildings/${other.building}/coverage`), 404, 'not_found');
      assertError(await volunteer.get(`/api/communities/${demo}/buildings/${cov.id}/coverage`), 403, 'forbidden');
    });

    it('GET .../coverage counts per building and grid', async () => {
      const r = await grid.get(`/api/communities/${demo}/coverage`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.community.id, demo);
      const b = r.json.buildings.find((x) => x.id === cov.id);
      assert.ok(b);
      assert.equal(b.dwellings, 6);
      assert.ok(b.compound.startsWith('覆盖小区'), 'the building names its compound');
      assert.equal(b.reached, 2);
      assert.equal(b.unreached, 4);
      assert.equal(b.unvisited, 3);
      assert.deepEqual(b.outcomes, { opened: 1, nobody_home: 1, refused: 1, vacant: 0, moved_out: 0, new_arrival: 0 });
      const sum = r.json.grids.reduce((n, g) => n + g.dwellings, 0);
      assert.equal(sum, r.json.totals.dwellings);
      assertError(await resident.get(`/api/communities/${demo}/coverage`), 403, 'forbidden');
      assertError(await worker.get(`/api/communities/${other.community}/coverage`), 404, 'not_found');
    });

    it('GET .../coverage/unreached pages through the dwellings never reached', async () => {
      const seen = [];
      let after = 0;
      for (let i = 0; i < 1000; i++) {
        const r = await worker.get(`/api/communities/${demo}/coverage/unreached?limit=7&after=${after}`);
        assert.equal(r.status, 200, r.text);
        assert.ok(r.json.dwellings.length <= 7);
        seen.push(...r.json.dwellings);
        if (r.json.next === null) break;
        after = r.json.next;
      }
      const ids = new Set(seen.map((x) => x.id));
      assert.equal(ids.size, seen.length, 'no dwelling twice');
      assert.ok(!ids.has(cov.dwellings[0]) && !ids.has(cov.dwellings[2]), 'reached ones are left out');
      for (const i of [1, 3, 4, 5]) assert.ok(ids.has(cov.dwellings[i]), `dwelling ${i} is unreached`);
      const refused = seen.find((x) => x.id === cov.dwellings[1]);
      assert.equal(refused.last_outcome, 'refused');
      assert.equal(typeof refused.room, 'string');
      assert.ok(refused.compound.startsWith('覆盖小区'));
      assert.ok(!ids.has(other.dwelling));
      assertError(await worker.get(`/api/communities/${demo}/coverage/unreached?limit=0`), 400, 'invalid', 'limit');
      assertError(await worker.get(`/api/communities/${demo}/coverage/unreached?limit=201`), 400, 'invalid', 'limit');
      assertError(await worker.get(`/api/communities/${demo}/coverage/unreached?after=x`), 400, 'invalid', 'after');
      assertError(await worker.get(`/api/communities/${other.community}/coverage/unreached`), 404, 'not_found');
    });
  });
});
