// Community structure API: streets, communities, grids, compounds, buildings,
// layout, dwellings. Every route's happy path, bad input, roles, CSRF, and
// another community's ids (404). See docs/api.md "Community structure".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, request, errOf, scopeId, unique, stopAndInspect } from './lib.mjs';

const pad2 = (n) => String(n).padStart(2, '0');

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body is {"error": {...}}: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  assert.equal(typeof e.message, 'string');
  if (field !== undefined) assert.equal(e.field, field);
}

describe('community structure', { timeout: 110_000 }, () => {
  let srv;
  let admin, street, worker, grid, lead, volunteer, resident;
  let demo; // the demo community id (the worker's scope)
  // created in the demo community by the worker
  let own = {};
  // created by admin in a second street/community: outside the worker's scope
  let other = {};

  before(async () => {
    srv = await startServer();
    [admin, street, worker, grid, lead, volunteer, resident] = await Promise.all(
      ['admin', 'street', 'worker', 'grid', 'lead', 'volunteer', 'resident'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    assert.equal(typeof demo, 'number', 'worker has a community-scoped worker grant');

    // The other community, created by admin.
    let r = await admin.post('/api/streets', { name: unique('另一街道') });
    assert.equal(r.status, 201, `create street: ${r.text}`);
    other.street = r.json.id;
    r = await admin.post('/api/communities', { street_id: other.street, name: unique('另一社区') });
    assert.equal(r.status, 201, `create community: ${r.text}`);
    other.community = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/grids`, { name: '第一网格' });
    assert.equal(r.status, 201, `create grid: ${r.text}`);
    other.grid = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/compounds`, { name: '外小区', grid_id: other.grid });
    assert.equal(r.status, 201, `create compound: ${r.text}`);
    other.compound = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/buildings`, { compound_id: other.compound, name: '1号楼', grid_id: other.grid });
    assert.equal(r.status, 201, `create building: ${r.text}`);
    other.building = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/buildings/${other.building}/layout`,
      { units: 1, floors: 2, rooms_per_floor: 2, area: 5000 });
    assert.equal(r.status, 201, `layout: ${r.text}`);
    r = await admin.get(`/api/communities/${other.community}/buildings/${other.building}`);
    assert.equal(r.status, 200);
    other.dwelling = r.json.units[0].dwellings[0];
  });

  after(async () => { await srv?.cleanup(); });

  describe('GET /api/streets and POST /api/streets', () => {
    it('lists streets for admin with id, name, communities', async () => {
      const r = await admin.get('/api/streets');
      assert.equal(r.status, 200);
      assert.ok(Array.isArray(r.json.streets));
      const s = r.json.streets.find((x) => x.id === other.street);
      assert.ok(s, 'the street admin created is listed');
      assert.equal(typeof s.name, 'string');
      assert.ok('communities' in s, 'street has communities');
    });

    it('lets admin create a street (201 {id, name}) and refuses a duplicate (409)', async () => {
      const name = unique('街道');
      const r = await admin.post('/api/streets', { name });
      assert.equal(r.status, 201);
      assert.equal(typeof r.json.id, 'number');
      assert.equal(r.json.name, name);
      assertError(await admin.post('/api/streets', { name }), 409, 'conflict');
    });

    it('forbids a worker to create a street (403)', async () => {
      assertError(await worker.post('/api/streets', { name: unique('街道') }), 403, 'forbidden');
    });

    it('forbids volunteer and resident to list streets (403)', async () => {
      assertError(await volunteer.get('/api/streets'), 403, 'forbidden');
      assertError(await resident.get('/api/streets'), 403, 'forbidden');
    });
  });

  describe('GET /api/communities and POST /api/communities', () => {
    it('lists the demo community for the worker with its counts', async () => {
      const r = await worker.get('/api/communities');
      assert.equal(r.status, 200);
      const c = r.json.communities.find((x) => x.id === demo);
      assert.ok(c, 'demo community listed');
      for (const k of ['id', 'name', 'street_id', 'street_name', 'grids', 'compounds', 'buildings', 'dwellings']) {
        assert.ok(k in c, `community has ${k}`);
      }
    });

    it('lists both communities for admin', async () => {
      const r = await admin.get('/api/communities');
      assert.equal(r.status, 200);
      const ids = r.json.communities.map((x) => x.id);
      assert.ok(ids.includes(demo));
      assert.ok(ids.includes(other.community));
    });

    it('lets grid and lead list their community only', async () => {
      for (const c of [grid, lead]) {
        const r = await c.get('/api/communities');
        assert.equal(r.status, 200, `${c.user.username}: ${r.text}`);
        const ids = r.json.communities.map((x) => x.id);
        assert.ok(ids.includes(demo), `${c.user.username} sees demo`);
        assert.ok(!ids.includes(other.community), `${c.user.username} does not see the other community`);
      }
    });

    it('forbids volunteer and resident to list communities (403)', async () => {
      assertError(await volunteer.get('/api/communities'), 403, 'forbidden');
      assertError(await resident.get('/api/communities'), 403, 'forbidden');
    });

    it('answers 401 without a session', async () => {
      assertError(await request(srv.base, 'GET', '/api/communities'), 401, 'unauthorized');
    });

    it('lets admin create a community (201) and refuses a duplicate name in the street (409)', async () => {
      const name = unique('社区');
      const r = await admin.post('/api/communities', { street_id: other.street, name });
      assert.equal(r.status, 201);
      assert.equal(typeof r.json.id, 'number');
      assertError(await admin.post('/api/communities', { street_id: other.street, name }), 409, 'conflict');
    });

    it('answers 404 for a street that does not exist', async () => {
      assertError(await admin.post('/api/communities', { street_id: 987654321, name: unique('社区') }), 404, 'not_found');
    });

    it('forbids a worker to create a community (403 or 404, never 201)', async () => {
      const r = await worker.post('/api/communities', { street_id: other.street, name: unique('社区') });
      assert.ok(r.status === 403 || r.status === 404, `got ${r.status}`);
    });
  });

  describe('GET /api/communities/{id}', () => {
    it('returns the tree and counts for the worker', async () => {
      const r = await worker.get(`/api/communities/${demo}`);
      assert.equal(r.status, 200);
      const c = r.json;
      assert.equal(c.id, demo);
      for (const k of ['name', 'street_id', 'street_name', 'counts', 'grids', 'compounds']) assert.ok(k in c, `has ${k}`);
      for (const k of ['grids', 'compounds', 'buildings', 'units', 'dwellings', 'area']) {
        assert.equal(typeof c.counts[k], 'number', `counts.${k} is a number`);
      }
      assert.equal(c.counts.grids, c.grids.length, 'counts.grids matches the grid list');
      assert.equal(c.counts.compounds, c.compounds.length, 'counts.compounds matches the compound list');
      const buildings = c.compounds.flatMap((p) => p.buildings);
      assert.equal(c.counts.buildings, buildings.length, 'counts.buildings matches the tree');
      assert.equal(c.counts.dwellings, buildings.reduce((s, b) => s + b.dwellings, 0), 'counts.dwellings is the sum of buildings');
      assert.equal(c.counts.area, buildings.reduce((s, b) => s + b.area, 0), 'counts.area is the sum of buildings');
    });

    it('is readable by admin, grid and lead', async () => {
      for (const c of [admin, grid, lead]) {
        const r = await c.get(`/api/communities/${demo}`);
        assert.equal(r.status, 200, `${c.user.username}`);
        assert.equal(r.json.id, demo);
      }
    });

    it('is not readable by a volunteer (403 or 404)', async () => {
      const r = await volunteer.get(`/api/communities/${demo}`);
      assert.ok(r.status === 403 || r.status === 404, `got ${r.status}`);
    });

    it('answers 404 for an id that does not exist', async () => {
      assertError(await admin.get('/api/communities/987654321'), 404, 'not_found');
    });

    it('answers 400 or 404 for a non-numeric id', async () => {
      const r = await admin.get('/api/communities/abc');
      assert.ok(r.status === 400 || r.status === 404, `got ${r.status}`);
      assert.ok(errOf(r), 'JSON error body');
    });

    it('answers 401 without a session', async () => {
      assertError(await request(srv.base, 'GET', `/api/communities/${demo}`), 401, 'unauthorized');
    });
  });

  describe('POST /api/communities/{id}/grids', () => {
    it('creates a grid (201 {id, name}) that shows in the tree', async () => {
      const name = unique('网格');
      const r = await worker.post(`/api/communities/${demo}/grids`, { name });
      assert.equal(r.status, 201);
      assert.equal(typeof r.json.id, 'number');
      assert.equal(r.json.name, name);
      own.grid = r.json.id;
      own.gridName = name;
      const t = await worker.get(`/api/communities/${demo}`);
      assert.ok(t.json.grids.some((g) => g.id === r.json.id && g.name === name));
    });

    it('refuses a duplicate name in the community (409)', async () => {
      assertError(await worker.post(`/api/communities/${demo}/grids`, { name: own.gridName }), 409, 'conflict');
    });

    it('allows the same name in another community', async () => {
      const r = await admin.post(`/api/communities/${other.community}/grids`, { name: own.gridName });
      assert.equal(r.status, 201);
    });

    it('accepts a 100-character Chinese name (limit counts characters, not bytes)', async () => {
      const name = '网'.repeat(99) + String(Date.now() % 10);
      const r = await worker.post(`/api/communities/${demo}/grids`, { name });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.name, name);
    });

    it('accepts application/json; charset=utf-8', async () => {
      const r = await worker.post(`/api/communities/${demo}/grids`, { name: unique('g') },
        { 'content-type': 'application/json; charset=utf-8' });
      assert.equal(r.status, 201, r.text);
    });

    it('forbids grid and lead (403)', async () => {
      assertError(await grid.post(`/api/communities/${demo}/grids`, { name: unique('g') }), 403, 'forbidden');
      assertError(await lead.post(`/api/communities/${demo}/grids`, { name: unique('g') }), 403, 'forbidden');
    });

    it('answers 401 without a session', async () => {
      assertError(await request(srv.base, 'POST', `/api/communities/${demo}/grids`, { body: { name: 'x' } }), 401, 'unauthorized');
    });
  });

  describe('POST /api/communities/{id}/compounds', () => {
    it('creates a compound (201 {id}) in a grid of the community', async () => {
      const name = unique('小区');
      const r = await worker.post(`/api/communities/${demo}/compounds`, { name, grid_id: own.grid, address: '幸福路 1 号' });
      assert.equal(r.status, 201, r.text);
      assert.equal(typeof r.json.id, 'number');
      own.compound = r.json.id;
      const t = await worker.get(`/api/communities/${demo}`);
      const p = t.json.compounds.find((x) => x.id === own.compound);
      assert.ok(p, 'compound in the tree');
      assert.equal(p.name, name);
      assert.equal(p.grid_id, own.grid);
    });

    it('creates a compound without grid or address', async () => {
      const r = await worker.post(`/api/communities/${demo}/compounds`, { name: unique('小区') });
      assert.equal(r.status, 201, r.text);
    });

    it('answers 404 with field grid_id for a grid of another community', async () => {
      assertError(await worker.post(`/api/communities/${demo}/compounds`, { name: unique('小区'), grid_id: other.grid }),
        404, 'not_found', 'grid_id');
    });

    it('answers 400 field grid_id for a grid_id of the wrong type', async () => {
      assertError(await worker.post(`/api/communities/${demo}/compounds`, { name: unique('小区'), grid_id: String(own.grid) }),
        400, 'invalid', 'grid_id');
    });

    it('forbids grid and lead (403)', async () => {
      assertError(await grid.post(`/api/communities/${demo}/compounds`, { name: unique('小区') }), 403, 'forbidden');
      assertError(await lead.post(`/api/communities/${demo}/compounds`, { name: unique('小区') }), 403, 'forbidden');
    });
  });

  describe('POST /api/communities/{id}/buildings', () => {
    it('creates a building (201 {id})', async () => {
      const r = await worker.post(`/api/communities/${demo}/buildings`, { compound_id: own.compound, name: '3号楼', grid_id: own.grid });
      assert.equal(r.status, 201, r.text);
      assert.equal(typeof r.json.id, 'number');
      own.building = r.json.id;
    });

    it('forbids grid and lead to create a building (403)', async () => {
      assertError(await grid.post(`/api/communities/${demo}/buildings`, { compound_id: own.compound, name: '9号楼' }), 403, 'forbidden');
      assertError(await lead.post(`/api/communities/${demo}/buildings`, { compound_id: own.compound, name: '9号楼' }), 403, 'forbidden');
    });

    it('answers 400 field compound_id when it is missing', async () => {
      assertError(await worker.post(`/api/communities/${demo}/buildings`, { name: '9号楼' }), 400, 'invalid', 'compound_id');
    });

    it('answers 404 for a compound of another community', async () => {
      assertError(await worker.post(`/api/communities/${demo}/buildings`, { compound_id: other.compound, name: '9号楼' }), 404, 'not_found');
    });
  });

  describe('layout, building and dwellings', () => {
    it('lays out units=2 floors=6 rooms_per_floor=2 area=8950: 201 {units:2, dwellings:24}', async () => {
      const r = await worker.post(`/api/communities/${demo}/buildings/${own.building}/layout`,
        { units: 2, floors: 6, rooms_per_floor: 2, area: 8950 });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.json, { units: 2, dwellings: 24 });
    });

    it('refuses a second layout of the same building (409)', async () => {
      assertError(await worker.post(`/api/communities/${demo}/buildings/${own.building}/layout`,
        { units: 1, floors: 1, rooms_per_floor: 1, area: 100 }), 409, 'conflict');
    });

    it('GET the building shows floors, units and FFRR room numbers', async () => {
      const r = await worker.get(`/api/communities/${demo}/buildings/${own.building}`);
      assert.equal(r.status, 200);
      const b = r.json;
      assert.equal(b.id, own.building);
      assert.equal(b.name, '3号楼');
      assert.equal(b.compound_id, own.compound);
      assert.equal(typeof b.compound_name, 'string');
      assert.equal(b.grid_id, own.grid);
      assert.equal(b.floors, 6);
      assert.equal(b.units.length, 2);
      assert.deepEqual(b.units.map((u) => u.name), ['1单元', '2单元']);
      for (const u of b.units) {
        assert.equal(u.dwellings.length, 12);
        const rooms = u.dwellings.map((d) => `${d.floor}:${d.room}`).sort();
        const want = [];
        for (let f = 1; f <= 6; f++) for (let k = 1; k <= 2; k++) want.push(`${f}:${f}${pad2(k)}`);
        assert.deepEqual(rooms, want.sort());
        for (const d of u.dwellings) assert.equal(d.area, 8950);
      }
      own.dwellings = b.units.flatMap((u) => u.dwellings);
      own.unit = b.units[0].id;
    });

    it('shows the laid-out building in the community tree', async () => {
      const t = await worker.get(`/api/communities/${demo}`);
      const b = t.json.compounds.flatMap((p) => p.buildings).find((x) => x.id === own.building);
      assert.ok(b, 'building in the tree');
      assert.equal(b.floors, 6);
      assert.equal(b.units, 2);
      assert.equal(b.dwellings, 24);
      assert.equal(b.area, 24 * 8950);
    });

    it('forbids grid and lead to lay out (403)', async () => {
      const r0 = await worker.post(`/api/communities/${demo}/buildings`, { compound_id: own.compound, name: unique('楼') });
      assert.equal(r0.status, 201);
      const u = `/api/communities/${demo}/buildings/${r0.json.id}/layout`;
      const body = { units: 1, floors: 1, rooms_per_floor: 1, area: 100 };
      assertError(await grid.post(u, body), 403, 'forbidden');
      assertError(await lead.post(u, body), 403, 'forbidden');
    });

    it('refuses out-of-range and wrong-type layout fields naming the field, without writing anything', async () => {
      const r0 = await worker.post(`/api/communities/${demo}/buildings`, { compound_id: own.compound, name: unique('楼') });
      assert.equal(r0.status, 201);
      const id = r0.json.id;
      const u = `/api/communities/${demo}/buildings/${id}/layout`;
      const ok = { units: 1, floors: 2, rooms_per_floor: 2, area: 100 };
      const bad = [
        [{ units: 0 }, 'units'], [{ units: 21 }, 'units'], [{ units: 1.5 }, 'units'], [{ units: '2' }, 'units'],
        [{ floors: 0 }, 'floors'], [{ floors: 100 }, 'floors'],
        [{ rooms_per_floor: 0 }, 'rooms_per_floor'], [{ rooms_per_floor: 21 }, 'rooms_per_floor'],
        [{ area: 0 }, 'area'], [{ area: 10000001 }, 'area'], [{ area: -1 }, 'area'],
        [{ first_floor: -6 }, 'first_floor'], [{ first_floor: 100 }, 'first_floor'],
        [{ wings: 2 }, 'wings'],
      ];
      for (const [patch, field] of bad) {
        assertError(await worker.post(u, { ...ok, ...patch }), 400, 'invalid', field);
      }
      const missing = { ...ok };
      delete missing.floors;
      assertError(await worker.post(u, missing), 400, 'invalid', 'floors');
      // More than 5,000 dwellings in one call (20 × 20 × 20 = 8,000).
      const big = await worker.post(u, { units: 20, floors: 20, rooms_per_floor: 20, area: 100 });
      assert.equal(big.status, 400, `more than 5,000 dwellings: ${big.text}`);
      const g = await worker.get(`/api/communities/${demo}/buildings/${id}`);
      assert.equal(g.status, 200);
      assert.deepEqual(g.json.units, [], 'no partial layout was written');
      const r = await worker.post(u, ok);
      assert.equal(r.status, 201, 'a valid layout still works afterwards');
      assert.deepEqual(r.json, { units: 1, dwellings: 4 });
    });

    it('lays out basement floors with B room numbers (first_floor=-2)', async () => {
      const r0 = await worker.post(`/api/communities/${demo}/buildings`, { compound_id: own.compound, name: unique('地下') });
      assert.equal(r0.status, 201);
      const u = `/api/communities/${demo}/buildings/${r0.json.id}`;
      const r = await worker.post(`${u}/layout`, { units: 1, floors: 4, rooms_per_floor: 1, area: 100, first_floor: -2 });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.json, { units: 1, dwellings: 4 });
      const g = await worker.get(u);
      const ds = g.json.units[0].dwellings;
      const below = ds.filter((d) => d.floor < 0);
      assert.equal(below.length, 2, `two basement floors: ${JSON.stringify(ds)}`);
      for (const d of below) assert.equal(d.room, `B${-d.floor}01`);
    });

    it('GET a building of the community that does not exist → 404', async () => {
      assertError(await worker.get(`/api/communities/${demo}/buildings/987654321`), 404, 'not_found');
    });

    it('pages through the community\'s dwellings with limit=50 and next', async () => {
      const total = (await worker.get(`/api/communities/${demo}`)).json.counts.dwellings;
      const seen = new Set();
      let after = null;
      let pages = 0;
      for (;;) {
        const q = `/api/communities/${demo}/dwellings?limit=50${after !== null ? `&after=${after}` : ''}`;
        const r = await worker.get(q);
        assert.equal(r.status, 200, r.text);
        assert.ok(Array.isArray(r.json.dwellings));
        assert.ok(r.json.dwellings.length <= 50, 'page no longer than limit');
        assert.ok('next' in r.json, 'next is present');
        for (const d of r.json.dwellings) {
          assert.ok(!seen.has(d.id), `dwelling ${d.id} seen twice`);
          seen.add(d.id);
        }
        pages++;
        assert.ok(pages < 1000, 'paging terminates');
        if (r.json.next === null) break;
        assert.equal(r.json.dwellings.length, 50, 'only the last page is short');
        assert.equal(typeof r.json.next, 'number');
        after = r.json.next;
      }
      assert.equal(seen.size, total, 'every dwelling exactly once');
      assert.ok(pages >= 1);
    });

    it('filters by building and pages with a small limit', async () => {
      const got = [];
      let after = null;
      const sizes = [];
      for (let i = 0; i < 10; i++) {
        const q = `/api/communities/${demo}/dwellings?building=${own.building}&limit=10${after !== null ? `&after=${after}` : ''}`;
        const r = await worker.get(q);
        assert.equal(r.status, 200, r.text);
        sizes.push(r.json.dwellings.length);
        for (const d of r.json.dwellings) {
          assert.equal(d.building_id, own.building);
          for (const k of ['id', 'unit_id', 'unit', 'floor', 'room', 'area']) assert.ok(k in d, `dwelling has ${k}`);
          got.push(d.id);
        }
        if (r.json.next === null) break;
        after = r.json.next;
      }
      assert.deepEqual(sizes, [10, 10, 4]);
      assert.deepEqual([...got].sort((a, b) => a - b), own.dwellings.map((d) => d.id).sort((a, b) => a - b));
    });

    it('refuses limit=0, limit=500 and limit=abc with 400 field limit', async () => {
      for (const l of ['0', '500', 'abc', '-1', '201']) {
        assertError(await worker.get(`/api/communities/${demo}/dwellings?limit=${l}`), 400, 'invalid', 'limit');
      }
      const r = await worker.get(`/api/communities/${demo}/dwellings?limit=200`);
      assert.equal(r.status, 200);
    });

    it('PATCHes a dwelling\'s area and room', async () => {
      const d = own.dwellings[0];
      const r = await worker.patch(`/api/communities/${demo}/dwellings/${d.id}`, { area: 9123 });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.id, d.id);
      assert.equal(r.json.area, 9123);
      const r2 = await worker.patch(`/api/communities/${demo}/dwellings/${d.id}`, { room: `${d.room}A` });
      assert.equal(r2.status, 200, r2.text);
      assert.equal(r2.json.room, `${d.room}A`);
      assert.equal(r2.json.area, 9123, 'area kept when only room changes');
      const g = await worker.get(`/api/communities/${demo}/buildings/${own.building}`);
      const after = g.json.units.flatMap((u) => u.dwellings).find((x) => x.id === d.id);
      assert.equal(after.area, 9123);
      assert.equal(after.room, `${d.room}A`);
    });

    it('refuses a PATCH with a bad area or an unknown field (400 naming it)', async () => {
      const u = `/api/communities/${demo}/dwellings/${own.dwellings[1].id}`;
      assertError(await worker.patch(u, { area: '100' }), 400, 'invalid', 'area');
      assertError(await worker.patch(u, { area: -5 }), 400, 'invalid', 'area');
      assertError(await worker.patch(u, { room: 7 }), 400, 'invalid', 'room');
      assertError(await worker.patch(u, { owner: 'x' }), 400, 'invalid', 'owner');
      const g = await worker.get(`/api/communities/${demo}/buildings/${own.building}`);
      const d = g.json.units.flatMap((x) => x.dwellings).find((x) => x.id === own.dwellings[1].id);
      assert.equal(d.area, 8950, 'area unchanged');
    });

    it('forbids grid and lead to PATCH a dwelling (403)', async () => {
      const u = `/api/communities/${demo}/dwellings/${own.dwellings[2].id}`;
      assertError(await grid.patch(u, { area: 1 }), 403, 'forbidden');
      assertError(await lead.patch(u, { area: 1 }), 403, 'forbidden');
    });

    it('lets grid and lead read the building and the dwellings', async () => {
      for (const c of [grid, lead]) {
        assert.equal((await c.get(`/api/communities/${demo}/buildings/${own.building}`)).status, 200);
        assert.equal((await c.get(`/api/communities/${demo}/dwellings?limit=5`)).status, 200);
      }
    });
  });

  describe('bad input (POST /api/communities/{id}/grids as worker)', () => {
    const url = () => `/api/communities/${demo}/grids`;

    it('missing field → 400 invalid, field name', async () => {
      assertError(await worker.post(url(), {}), 400, 'invalid', 'name');
    });

    it('wrong type → 400 invalid, field name', async () => {
      assertError(await worker.post(url(), { name: 123 }), 400, 'invalid', 'name');
      assertError(await worker.post(url(), { name: ['a'] }), 400, 'invalid', 'name');
      assertError(await worker.post(url(), { name: null }), 400, 'invalid', 'name');
    });

    it('empty name → 400 invalid, field name', async () => {
      assertError(await worker.post(url(), { name: '' }), 400, 'invalid', 'name');
    });

    it('unknown field → 400 invalid naming it', async () => {
      assertError(await worker.post(url(), { name: unique('g'), colour: 'red' }), 400, 'invalid', 'colour');
    });

    it('name longer than 100 characters → 400 invalid, field name', async () => {
      assertError(await worker.post(url(), { name: 'a'.repeat(101) }), 400, 'invalid', 'name');
      assertError(await worker.post(url(), { name: '网'.repeat(101) }), 400, 'invalid', 'name');
    });

    it('malformed JSON → 400 invalid', async () => {
      assertError(await worker.post(url(), '{"name": "x"'), 400, 'invalid');
      assertError(await worker.post(url(), "{'name': 'x'}"), 400, 'invalid');
      assertError(await worker.post(url(), '{"name": "x"} trailing'), 400, 'invalid');
      assertError(await worker.post(url(), ''), 400, 'invalid');
    });

    it('a body that is not an object → 400 invalid', async () => {
      assertError(await worker.post(url(), '[]'), 400, 'invalid');
      assertError(await worker.post(url(), 'null'), 400, 'invalid');
      assertError(await worker.post(url(), '"name"'), 400, 'invalid');
    });

    it('invalid UTF-8 bytes → 400 invalid, nothing stored', async () => {
      const before = (await worker.get(`/api/communities/${demo}`)).json.counts.grids;
      const bad = Buffer.concat([Buffer.from('{"name": "bad'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
      assertError(await worker.post(url(), bad), 400, 'invalid');
      const overlong = Buffer.concat([Buffer.from('{"name": "x'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
      assertError(await worker.post(url(), overlong), 400, 'invalid');
      const surrogate = Buffer.concat([Buffer.from('{"name": "x'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
      assertError(await worker.post(url(), surrogate), 400, 'invalid');
      const after = (await worker.get(`/api/communities/${demo}`)).json.counts.grids;
      assert.equal(after, before, 'no grid was created');
    });

    it('a lone surrogate escape (\\ud800) → 400 invalid (cannot be UTF-8)', async () => {
      assertError(await worker.post(url(), '{"name": "x\\ud800y"}'), 400, 'invalid');
    });

    it('duplicate keys → 400 invalid naming the key', async () => {
      const n = unique('dup');
      assertError(await worker.post(url(), `{"name": "${n}a", "name": "${n}b"}`), 400, 'invalid', 'name');
    });

    it('a 70 KiB body → 413 too_large', async () => {
      const body = JSON.stringify({ name: 'a'.repeat(70 * 1024) });
      assertError(await worker.post(url(), body), 413, 'too_large');
    });

    it('wrong Content-Type → 415 unsupported_media_type', async () => {
      const body = JSON.stringify({ name: unique('g') });
      assertError(await worker.post(url(), body, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
      assertError(await worker.post(url(), body, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
      assertError(await worker.post(url(), Buffer.from(body), { 'content-type': null }), 415, 'unsupported_media_type');
    });

    it('too long or missing names are refused on every create route', async () => {
      const long = 'b'.repeat(101);
      const cases = [
        [admin, '/api/streets', {}],
        [admin, '/api/communities', { street_id: other.street }],
        [worker, `/api/communities/${demo}/compounds`, {}],
        [worker, `/api/communities/${demo}/buildings`, { compound_id: own.compound }],
      ];
      for (const [c, u, extra] of cases) {
        assertError(await c.post(u, { ...extra }), 400, 'invalid', 'name');
        assertError(await c.post(u, { ...extra, name: long }), 400, 'invalid', 'name');
      }
    });
  });

  describe('CSRF and origin checks (POST grids as worker)', () => {
    const url = () => `/api/communities/${demo}/grids`;
    const refused = [];

    async function refusedWith(headers) {
      const name = unique('csrf');
      refused.push(name);
      const r = await worker.post(url(), { name }, headers);
      assertError(r, 403, 'forbidden');
    }

    it('refuses a POST without X-CSRF-Token (403)', async () => {
      await refusedWith({ 'x-csrf-token': null });
    });

    it('refuses a wrong X-CSRF-Token (403)', async () => {
      await refusedWith({ 'x-csrf-token': 'x'.repeat(worker.csrf.length) });
    });

    it('refuses Origin: http://evil.example even with the right token (403)', async () => {
      await refusedWith({ origin: 'http://evil.example' });
    });

    it('refuses Sec-Fetch-Site: cross-site even with the right token (403)', async () => {
      await refusedWith({ 'sec-fetch-site': 'cross-site' });
    });

    it('refuses Sec-Fetch-Site: same-site (403)', async () => {
      await refusedWith({ 'sec-fetch-site': 'same-site' });
    });

    it('refuses a PATCH without X-CSRF-Token (403)', async () => {
      const r = await worker.patch(`/api/communities/${demo}/dwellings/${own.dwellings?.[0]?.id ?? 1}`, { area: 1 }, { 'x-csrf-token': null });
      assertError(r, 403, 'forbidden');
    });

    it('accepts a matching Origin and Sec-Fetch-Site: same-origin', async () => {
      const r = await worker.post(url(), { name: unique('ok') }, { origin: srv.base, 'sec-fetch-site': 'same-origin' });
      assert.equal(r.status, 201, r.text);
      const r2 = await worker.post(url(), { name: unique('ok') }, { 'sec-fetch-site': 'none' });
      assert.equal(r2.status, 201, r2.text);
    });

    it('stored none of the refused grids', async () => {
      const t = await worker.get(`/api/communities/${demo}`);
      const names = new Set(t.json.grids.map((g) => g.name));
      for (const n of refused) assert.ok(!names.has(n), `refused grid ${n} must not exist`);
    });
  });

  describe('another community\'s ids → 404 for the worker', () => {
    it('GET /api/communities does not list it', async () => {
      const r = await worker.get('/api/communities');
      assert.equal(r.status, 200);
      assert.ok(!r.json.communities.some((c) => c.id === other.community));
    });

    it('GET /api/communities/{other} → 404', async () => {
      assertError(await worker.get(`/api/communities/${other.community}`), 404, 'not_found');
      assertError(await grid.get(`/api/communities/${other.community}`), 404, 'not_found');
    });

    it('GET another community\'s building under the own community id → 404', async () => {
      assertError(await worker.get(`/api/communities/${demo}/buildings/${other.building}`), 404, 'not_found');
    });

    it('GET the building under the other community id → 404', async () => {
      assertError(await worker.get(`/api/communities/${other.community}/buildings/${other.building}`), 404, 'not_found');
    });

    it('PATCH another community\'s dwelling via the own community path → 404, unchanged', async () => {
      assertError(await worker.patch(`/api/communities/${demo}/dwellings/${other.dwelling.id}`, { area: 1 }), 404, 'not_found');
      const g = await admin.get(`/api/communities/${other.community}/buildings/${other.building}`);
      const d = g.json.units.flatMap((u) => u.dwellings).find((x) => x.id === other.dwelling.id);
      assert.equal(d.area, 5000, 'the other dwelling was not changed');
    });

    it('writes to the other community → 404 (not 403)', async () => {
      assertError(await worker.post(`/api/communities/${other.community}/grids`, { name: unique('g') }), 404, 'not_found');
      assertError(await worker.post(`/api/communities/${other.community}/compounds`, { name: unique('c') }), 404, 'not_found');
      assertError(await worker.post(`/api/communities/${other.community}/buildings`, { compound_id: other.compound, name: 'x' }), 404, 'not_found');
      assertError(await worker.patch(`/api/communities/${other.community}/dwellings/${other.dwelling.id}`, { area: 1 }), 404, 'not_found');
    });

    it('laying out another community\'s building via the own path → 404', async () => {
      const r0 = await admin.post(`/api/communities/${other.community}/buildings`, { compound_id: other.compound, name: unique('楼') });
      assert.equal(r0.status, 201);
      assertError(await worker.post(`/api/communities/${demo}/buildings/${r0.json.id}/layout`,
        { units: 1, floors: 1, rooms_per_floor: 1, area: 100 }), 404, 'not_found');
      const g = await admin.get(`/api/communities/${other.community}/buildings/${r0.json.id}`);
      assert.deepEqual(g.json.units, [], 'not laid out');
    });

    it('listing dwellings of the other community → 404; filtering by its building never leaks it', async () => {
      assertError(await worker.get(`/api/communities/${other.community}/dwellings`), 404, 'not_found');
      const r = await worker.get(`/api/communities/${demo}/dwellings?building=${other.building}`);
      if (r.status === 200) {
        assert.deepEqual(r.json.dwellings, [], 'no dwellings of the other community');
      } else {
        assertError(r, 404, 'not_found');
      }
    });
  });

  describe('the street officer (scope: own street)', () => {
    let ownStreet;
    before(() => {
      ownStreet = scopeId(street.user, 'street', 'street');
      assert.equal(typeof ownStreet, 'number', 'street user has a street grant');
    });

    it('lists the communities of the own street only', async () => {
      const r = await street.get('/api/communities');
      assert.equal(r.status, 200);
      const ids = r.json.communities.map((c) => c.id);
      assert.ok(ids.includes(demo), 'demo community (in the street) listed');
      assert.ok(!ids.includes(other.community), 'other street\'s community not listed');
      for (const c of r.json.communities) assert.equal(c.street_id, ownStreet);
    });

    it('reads a community of the own street and gets 404 for another street\'s', async () => {
      assert.equal((await street.get(`/api/communities/${demo}`)).status, 200);
      assertError(await street.get(`/api/communities/${other.community}`), 404, 'not_found');
    });

    it('creates a community in the own street (201) but not in another street (404)', async () => {
      const r = await street.post('/api/communities', { street_id: ownStreet, name: unique('街道建社区') });
      assert.equal(r.status, 201, r.text);
      assertError(await street.post('/api/communities', { street_id: other.street, name: unique('x') }), 404, 'not_found');
    });

    it('changes the structure of a community in the own street', async () => {
      const r = await street.post(`/api/communities/${demo}/grids`, { name: unique('街道网格') });
      assert.equal(r.status, 201, r.text);
      assertError(await street.post(`/api/communities/${other.community}/grids`, { name: unique('x') }), 404, 'not_found');
    });

    it('may not create a street (403)', async () => {
      assertError(await street.post('/api/streets', { name: unique('街道') }), 403, 'forbidden');
    });
  });

  describe('routing', () => {
    it('answers 405 method_not_allowed for a known path with another method', async () => {
      assertError(await admin.req('PUT', '/api/communities', {}), 405, 'method_not_allowed');
    });

    it('answers 404 not_found for an unknown API path', async () => {
      assertError(await admin.get('/api/no-such-thing'), 404, 'not_found');
    });
  });

  it('the server exits cleanly on SIGTERM, with no sanitizer report', async () => {
    const x = await stopAndInspect(srv);
    assert.equal(x.sanitizer, null, 'sanitizer report in server output');
    assert.equal(x.signal, null, 'not killed by a signal');
    assert.equal(x.code, 0, `exit code 0; output tail:\n${srv.stderr().slice(-2000)}`);
  });
});
