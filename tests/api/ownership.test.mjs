// Ownership (产权) and the electorate API: areas per source and the
// effective area, owners and the voter, the developer, the electorate per
// the SPC interpretation arts. 8-9 with exact area sums, what a resident
// owns, a building's owners; bad input naming the field, roles (grid and
// lead read, workers change, volunteers and residents 403), CSRF, and
// another community's ids (404). See docs/api.md "New resources: ownership".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, errOf, scopeId, unique, stopAndInspect } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body is {"error": {...}}: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

describe('ownership and the electorate', { timeout: 110_000 }, () => {
  let srv, admin, worker, grid, lead, volunteer, resident;
  let demo, base;
  const own = {};   // a building of 2 units × 3 floors × 2 rooms in the demo community
  const other = {}; // another street's community, outside everyone's scope but admin's
  const people = {};

  async function layBuilding(client, community, compound, units, floors, rooms) {
    let r = await client.post(`/api/communities/${community}/buildings`, { compound_id: compound, name: unique('楼') });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    r = await client.post(`/api/communities/${community}/buildings/${id}/layout`,
      { units, floors, rooms_per_floor: rooms, area: 8000 });
    assert.equal(r.status, 201, r.text);
    r = await client.get(`/api/communities/${community}/buildings/${id}`);
    assert.equal(r.status, 200);
    const dwellings = r.json.units.flatMap((u) => u.dwellings.map((d) => d.id)).sort((a, b) => a - b);
    return { id, units: r.json.units.map((u) => u.id), dwellings };
  }

  async function person(client, community, name, extra = {}) {
    const r = await client.post(`/api/communities/${community}/residents`,
      { name, gender: 'female', ...extra });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  }

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, lead, volunteer, resident] = await Promise.all(
      ['admin', 'worker', 'grid', 'lead', 'volunteer', 'resident'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    assert.equal(typeof demo, 'number');
    base = `/api/communities/${demo}`;

    let r = await worker.post(`${base}/compounds`, { name: unique('产权小区') });
    assert.equal(r.status, 201, r.text);
    own.compound = r.json.id;
    Object.assign(own, await layBuilding(worker, demo, own.compound, 2, 3, 2));
    people.zhou = await person(worker, demo, '周先生', { relation: 'householder', dwelling_id: own.dwellings[0] });
    people.wu = await person(worker, demo, '吴女士', { relation: 'householder', dwelling_id: own.dwellings[8] });
    people.zheng = await person(worker, demo, '郑先生', { gender: 'male', relation: 'spouse', dwelling_id: own.dwellings[8] });
    people.feng = await person(worker, demo, '冯女士');

    r = await admin.post('/api/streets', { name: unique('另一街道') });
    assert.equal(r.status, 201, r.text);
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    assert.equal(r.status, 201, r.text);
    other.community = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/compounds`, { name: '外小区' });
    assert.equal(r.status, 201, r.text);
    const b = await layBuilding(admin, other.community, r.json.id, 1, 1, 1);
    other.building = b.id;
    other.dwelling = b.dwellings[0];
    other.resident = await person(admin, other.community, '外区人');
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  const owners = (d, c = demo) => `/api/communities/${c}/dwellings/${d}/owners`;
  const areas = (d, c = demo) => `/api/communities/${c}/dwellings/${d}/areas`;

  describe('areas', () => {
    it('the register beats the survey beats the contract', async () => {
      const d = own.dwellings[0];
      let r = await worker.req('PUT', areas(d), { source: 'contract', area: 7777, note: '购房合同 2019-001' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.effective_area, 7777);
      assert.equal(r.json.area_source, 'contract');
      r = await worker.req('PUT', areas(d), { source: 'survey', area: 9999 });
      assert.equal(r.json.effective_area, 9999);
      assert.equal(r.json.area_source, 'survey');
      r = await worker.req('PUT', areas(d), { source: 'register', area: 8912, note: '沪(2020)不动产权第123号' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.effective_area, 8912);
      assert.equal(r.json.area_source, 'register');
      assert.equal(r.json.areas.register.note, '沪(2020)不动产权第123号');
      assert.equal(r.json.areas.survey.area, 9999);
      assert.equal(r.json.areas.contract.area, 7777);
      // clearing the register falls back to the survey
      r = await worker.del(`${areas(d)}?source=register`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.area_source, 'survey');
      assert.equal(r.json.areas.register, null);
      assertError(await worker.del(`${areas(d)}?source=register`), 404, 'not_found', 'source');
      r = await worker.req('PUT', areas(d), { source: 'register', area: 8912 });
      assert.equal(r.json.effective_area, 8912);
    });

    it('refuses bad input naming the field', async () => {
      const d = own.dwellings[1];
      assertError(await worker.req('PUT', areas(d), { source: 'deed', area: 100 }), 400, 'invalid', 'source');
      assertError(await worker.req('PUT', areas(d), { area: 100 }), 400, 'invalid', 'source');
      assertError(await worker.req('PUT', areas(d), { source: 'survey', area: 0 }), 400, 'invalid', 'area');
      assertError(await worker.req('PUT', areas(d), { source: 'survey', area: 10000001 }), 400, 'invalid', 'area');
      assertError(await worker.req('PUT', areas(d), { source: 'survey', area: 12.5 }), 400, 'invalid', 'area');
      assertError(await worker.req('PUT', areas(d), { source: 'survey', area: 100, note: '证'.repeat(201) }), 400, 'invalid', 'note');
      assertError(await worker.req('PUT', areas(d), { source: 'survey', area: 100, extra: 1 }), 400, 'invalid', 'extra');
      assertError(await worker.del(`${areas(d)}?source=deed`), 400, 'invalid', 'source');
      const r = await worker.get(owners(d));
      assert.equal(r.status, 200);
      assert.equal(r.json.areas.survey, null, 'nothing was written');
      assert.equal(r.json.effective_area, null);
    });

    it('another community\'s dwelling is 404', async () => {
      assertError(await worker.req('PUT', areas(other.dwelling), { source: 'survey', area: 100 }), 404);
      assertError(await worker.req('PUT', areas(other.dwelling, demo), { source: 'survey', area: 100 }), 404);
      assertError(await worker.get(owners(other.dwelling, other.community)), 404);
    });
  });

  describe('owners', () => {
    it('the first owner votes; the same owner twice is 409', async () => {
      const d = own.dwellings[8];
      let r = await worker.post(owners(d), { resident_id: people.wu, share: '1/2' });
      assert.equal(r.status, 201, r.text);
      assert.equal(typeof r.json.owner_id, 'number');
      assert.deepEqual(r.json.owners.map((o) => [o.name, o.voter, o.share]), [['吴女士', true, '1/2']]);
      r = await worker.post(owners(d), { resident_id: people.zheng, share: '1/2' });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.json.owners.map((o) => [o.name, o.voter]), [['吴女士', true], ['郑先生', false]]);
      assertError(await worker.post(owners(d), { resident_id: people.wu }), 409, 'conflict', 'resident_id');
    });

    it('refuses bad input and other communities\' ids', async () => {
      const d = own.dwellings[9];
      assertError(await worker.post(owners(d), {}), 400, 'invalid', 'resident_id');
      assertError(await worker.post(owners(d), { resident_id: people.feng, developer: true }), 400, 'invalid', 'resident_id');
      assertError(await worker.post(owners(d), { resident_id: 'x' }), 400, 'invalid', 'resident_id');
      assertError(await worker.post(owners(d), { resident_id: people.feng, share: 'x'.repeat(21) }), 400, 'invalid', 'share');
      assertError(await worker.post(owners(d), { resident_id: other.resident }), 404, 'not_found', 'resident_id');
      assertError(await worker.post(owners(other.dwelling), { resident_id: people.feng }), 404);
      assertError(await admin.post(owners(other.dwelling, other.community), { resident_id: people.feng }), 404, 'not_found', 'resident_id');
      const r = await worker.get(owners(d));
      assert.deepEqual(r.json.owners, []);
    });

    it('the voter cannot leave co-owners; changing the voter is explicit', async () => {
      const d = own.dwellings[8];
      let r = await worker.get(owners(d));
      const [wu, zheng] = r.json.owners;
      assertError(await worker.del(`${owners(d)}/${wu.id}`), 409, 'conflict', 'voter');
      assertError(await worker.patch(`${owners(d)}/${wu.id}`, { voter: false }), 400, 'invalid', 'voter');
      assertError(await worker.patch(`${owners(d)}/${wu.id}`, {}), 400, 'invalid', 'voter');
      r = await worker.patch(`${owners(d)}/${zheng.id}`, { voter: true });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.owners.map((o) => o.voter), [false, true]);
      r = await worker.patch(`${owners(d)}/${wu.id}`, { share: '' });
      assert.equal(r.json.owners[0].share, '');
      // an owner id under another dwelling is 404
      assertError(await worker.del(`${owners(own.dwellings[0])}/${wu.id}`), 404);
      // back as it was: 吴 votes, 1/2 each
      r = await worker.patch(`${owners(d)}/${wu.id}`, { voter: true, share: '1/2' });
      assert.deepEqual(r.json.owners.map((o) => [o.voter, o.share]), [[true, '1/2'], [false, '1/2']]);
    });

    it('removes an owner (204)', async () => {
      const d = own.dwellings[10];
      let r = await worker.post(owners(d), { resident_id: people.feng });
      assert.equal(r.status, 201);
      r = await worker.del(`${owners(d)}/${r.json.owner_id}`);
      assert.equal(r.status, 204, r.text);
      r = await worker.get(owners(d));
      assert.deepEqual(r.json.owners, []);
    });

    it('the developer owns alone and is named per community', async () => {
      const d = own.dwellings[3];
      let r = await worker.post(owners(d), { developer: true });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.json.owners.map((o) => [o.name, o.developer, o.resident_id, o.voter]), [['建设单位', true, null, true]]);
      assertError(await worker.post(owners(d), { developer: true }), 409, 'conflict', 'developer');
      assertError(await worker.post(owners(d), { resident_id: people.feng }), 409, 'conflict', 'resident_id');
      assertError(await worker.post(owners(own.dwellings[8]), { developer: true }), 409, 'conflict', 'developer');
      assertError(await worker.req('PUT', `${base}/developer`, { name: '' }), 400, 'invalid', 'name');
      r = await worker.req('PUT', `${base}/developer`, { name: '幸福置业有限公司' });
      assert.equal(r.status, 200, r.text);
      r = await grid.get(`${base}/developer`);
      assert.deepEqual(r.json, { name: '幸福置业有限公司' });
      r = await worker.get(owners(d));
      assert.equal(r.json.owners[0].name, '幸福置业有限公司');
    });
  });

  describe('the electorate', () => {
    it('counts per arts. 8-9 with exact area sums', async () => {
      const d = own.dwellings;
      // 周 owns d0 (register 89.12), d1 (survey 100.01), d2 (contract 123.45): one owner
      for (const i of [1, 2]) assert.equal((await worker.post(owners(d[i]), { resident_id: people.zhou })).status, 201);
      assert.equal((await worker.post(owners(d[0]), { resident_id: people.zhou })).status, 201);
      await worker.req('PUT', areas(d[1]), { source: 'survey', area: 10001 });
      await worker.req('PUT', areas(d[1]), { source: 'contract', area: 5 });
      await worker.req('PUT', areas(d[2]), { source: 'contract', area: 12345 });
      // the developer's five unsold dwellings (d3 is already): one owner; d7 has no area
      for (const i of [4, 5, 6, 7]) assert.equal((await worker.post(owners(d[i]), { developer: true })).status, 201);
      for (const i of [3, 4, 5, 6]) await worker.req('PUT', areas(d[i]), { source: 'register', area: 6000 + i });
      // 吴 and 郑 co-own d8: one owner
      await worker.req('PUT', areas(d[8]), { source: 'register', area: 11111 });
      // d9..d11 have no owner; an area on one of them counts nothing
      await worker.req('PUT', areas(d[9]), { source: 'register', area: 100000 });

      const r = await grid.get(`${base}/electorate?scope=building&id=${own.id}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.scope, 'building');
      assert.equal(r.json.id, own.id);
      assert.equal(r.json.dwellings, 12);
      assert.equal(r.json.owned, 9);
      assert.equal(r.json.unowned, 3);
      assert.equal(r.json.owners, 3);
      assert.equal(r.json.developer_dwellings, 5);
      assert.equal(r.json.without_area, 1);
      assert.deepEqual(r.json.without_area_ids, [d[7]]);
      // 8912 + 10001 + 12345 + 6003 + 6004 + 6005 + 6006 + 11111 = 66387
      assert.equal(r.json.area_hundredths, 66387);
      assert.equal(r.json.area, '663.87');
      assert.deepEqual(r.json.by_source, {
        register: { dwellings: 6, area: '440.41' },
        survey: { dwellings: 1, area: '100.01' },
        contract: { dwellings: 1, area: '123.45' },
      });
    });

    it('narrows to a unit and widens to the compound and the community', async () => {
      let r = await worker.get(`${base}/electorate?scope=unit&id=${own.units[0]}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.dwellings, 6);
      assert.equal(r.json.owners, 2); // 周 and the developer
      r = await worker.get(`${base}/electorate?scope=compound&id=${own.compound}`);
      assert.equal(r.json.owners, 3);
      const community = await worker.get(`${base}/electorate`);
      assert.equal(community.status, 200);
      assert.equal(community.json.scope, 'community');
      assert.ok(community.json.dwellings >= 12);
      // 周 also owns a dwelling in another building: still one owner
      const b = await layBuilding(worker, demo, own.compound, 1, 1, 1);
      assert.equal((await worker.post(owners(b.dwellings[0]), { resident_id: people.zhou })).status, 201);
      r = await worker.get(`${base}/electorate?scope=community&id=${demo}`);
      assert.equal(r.json.owners, community.json.owners);
      assert.equal(r.json.owned, community.json.owned + 1);
    });

    it('refuses bad scopes and other communities\' nodes', async () => {
      assertError(await worker.get(`${base}/electorate?scope=street&id=1`), 400, 'invalid', 'scope');
      assertError(await worker.get(`${base}/electorate?scope=street`), 400, 'invalid', 'scope');
      assertError(await worker.get(`${base}/electorate?scope=building`), 400, 'invalid', 'id');
      assertError(await worker.get(`${base}/electorate?scope=building&id=abc`), 400, 'invalid', 'id');
      assertError(await worker.get(`${base}/electorate?scope=building&id=${other.building}`), 404, 'not_found', 'id');
      assertError(await worker.get(`${base}/electorate?scope=community&id=${other.community}`), 404, 'not_found', 'id');
      assertError(await worker.get(`/api/communities/${other.community}/electorate`), 404);
    });
  });

  describe('reads', () => {
    it('lists what a resident owns', async () => {
      const r = await lead.get(`${base}/residents/${people.zhou}/owned`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.name, '周先生');
      assert.equal(r.json.owned.length, 4);
      const first = r.json.owned[0];
      assert.equal(first.dwelling_id, own.dwellings[0]);
      assert.equal(first.voter, true);
      assert.equal(first.effective_area, 8912);
      assert.equal(first.area_source, 'register');
      assert.equal(typeof first.room, 'string');
      assertError(await worker.get(`${base}/residents/${other.resident}/owned`), 404);
    });

    it('gives a building\'s owners and areas for the 业主名册', async () => {
      const r = await grid.get(`${base}/buildings/${own.id}/owners`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.can_edit, false);
      assert.equal(r.json.developer, '幸福置业有限公司');
      assert.equal(r.json.community.id, demo);
      const all = r.json.units.flatMap((u) => u.dwellings);
      const d8 = all.find((x) => x.id === own.dwellings[8]);
      assert.deepEqual(d8.owners.map((o) => [o.name, o.voter]), [['吴女士', true], ['郑先生', false]]);
      assert.equal(d8.effective_area, 11111);
      const d11 = all.find((x) => x.id === own.dwellings[11]);
      assert.deepEqual(d11.owners, []);
      assert.equal(d11.effective_area, null);
      assert.equal((await worker.get(`${base}/buildings/${own.id}/owners`)).json.can_edit, true);
      assertError(await worker.get(`${base}/buildings/${other.building}/owners`), 404);
    });
  });

  describe('access', () => {
    it('grid workers and leads read but do not change', async () => {
      const d = own.dwellings[11];
      assert.equal((await grid.get(owners(d))).status, 200);
      assert.equal((await lead.get(owners(d))).status, 200);
      assertError(await grid.post(owners(d), { resident_id: people.feng }), 403, 'forbidden');
      assertError(await lead.req('PUT', areas(d), { source: 'survey', area: 100 }), 403, 'forbidden');
      assertError(await grid.req('PUT', `${base}/developer`, { name: 'x' }), 403, 'forbidden');
    });

    it('volunteers and residents get 403', async () => {
      const d = own.dwellings[11];
      for (const c of [volunteer, resident]) {
        assertError(await c.get(owners(d)), 403, 'forbidden');
        assertError(await c.get(`${base}/electorate`), 403, 'forbidden');
        assertError(await c.get(`${base}/buildings/${own.id}/owners`), 403, 'forbidden');
        assertError(await c.post(owners(d), { resident_id: people.feng }), 403, 'forbidden');
      }
    });

    it('needs the CSRF token', async () => {
      const d = own.dwellings[11];
      assertError(await worker.post(owners(d), { resident_id: people.feng }, { 'x-csrf-token': null }),
        403, 'forbidden', 'X-CSRF-Token');
      assertError(await worker.req('PUT', areas(d), { source: 'survey', area: 100 }, { 'x-csrf-token': null }),
        403, 'forbidden', 'X-CSRF-Token');
    });

    it('a deleted resident\'s ownership goes with them; the co-owner stands in', async () => {
      const d = own.dwellings[8];
      let r = await worker.del(`${base}/residents/${people.wu}`);
      assert.equal(r.status, 204, r.text);
      r = await worker.get(owners(d));
      assert.deepEqual(r.json.owners.map((o) => [o.name, o.voter]), [['郑先生', true]]);
      r = await worker.get(`${base}/electorate?scope=building&id=${own.id}`);
      assert.equal(r.json.owners, 3);
    });
  });
});
