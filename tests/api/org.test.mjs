// Local organisations (驻区单位) API: organisations with contacts, offers,
// co-building agreements, interactions, and the "who can provide" search.
// Happy paths, bad input naming the field, dates, roles, CSRF, another
// community's ids (404), and masked phones in lists. See docs/api.md
// "New resources: local organisations".

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

describe('local organisations', { timeout: 110_000 }, () => {
  let srv;
  let admin, street, worker, grid, lead, volunteer, resident;
  let demo;
  let base;
  let org; // the school, created by the worker
  let offer;
  const other = {};

  before(async () => {
    srv = await startServer();
    [admin, street, worker, grid, lead, volunteer, resident] = await Promise.all(
      ['admin', 'street', 'worker', 'grid', 'lead', 'volunteer', 'resident'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    assert.equal(typeof demo, 'number');
    base = `/api/communities/${demo}`;

    let r = await admin.post('/api/streets', { name: unique('另一街道') });
    assert.equal(r.status, 201, r.text);
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    assert.equal(r.status, 201, r.text);
    other.community = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/orgs`, { name: '外区医院', type: 'hospital' });
    assert.equal(r.status, 201, r.text);
    other.org = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/orgs/${other.org}/offers`,
      { kind: 'venue', description: '外区会议室' });
    assert.equal(r.status, 201, r.text);
    other.offer = r.json.id;
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  it('creates an organisation with contacts and lists it with the phone masked', async () => {
    const r = await worker.post(`${base}/orgs`, {
      name: '实验小学', type: 'school', address: '幸福路 8 号', notes: '周末操场开放',
      contacts: [{ name: '王老师', role: '德育主任', phone: '+86 138-1234-5678' }, { name: '李校长' }],
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, '实验小学');
    org = r.json.id;
    const l = await grid.get(`${base}/orgs`);
    assert.equal(l.status, 200, l.text);
    const o = l.json.orgs.find((x) => x.id === org);
    assert.ok(o);
    assert.equal(o.type, 'school');
    assert.equal(o.offers, 0);
    assert.equal(o.contacts[0].phone, '138****5678');
    assert.equal(o.contacts[1].phone, null);
    assert.ok(!l.text.includes('13812345678'), 'no full phone in the list');
  });

  it('shows full phones to workers and masked ones to grid workers in one organisation', async () => {
    let r = await worker.get(`${base}/orgs/${org}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.contacts[0].phone, '13812345678');
    assert.equal(r.json.phones, 'full');
    r = await lead.get(`${base}/orgs/${org}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.contacts[0].phone, '138****5678');
    assert.equal(r.json.phones, 'masked');
  });

  it('refuses bad organisation input, naming the field', async () => {
    assertError(await worker.post(`${base}/orgs`, { type: 'school' }), 400, 'invalid', 'name');
    assertError(await worker.post(`${base}/orgs`, { name: unique('x'), type: 'bank' }), 400, 'invalid', 'type');
    assertError(await worker.post(`${base}/orgs`, { name: unique('x'), type: 'shop', colour: 'red' }), 400, 'invalid', 'colour');
    assertError(await worker.post(`${base}/orgs`, { name: 'x'.repeat(101), type: 'shop' }), 400, 'invalid', 'name');
    assertError(await worker.post(`${base}/orgs`, { name: unique('x'), type: 'shop', contacts: [{ name: '甲', phone: '12345' }] }),
      400, 'invalid', 'contacts[0].phone');
    assertError(await worker.post(`${base}/orgs`, { name: unique('x'), type: 'shop', contacts: [{ role: '店长' }] }),
      400, 'invalid', 'contacts[0].name');
    assertError(await worker.post(`${base}/orgs`, { name: unique('x'), type: 'shop', contacts: 'none' }), 400, 'invalid', 'contacts');
    assertError(await worker.post(`${base}/orgs`, { name: '实验小学', type: 'school' }), 409, 'conflict', 'name');
  });

  it('patches an organisation and replaces its contacts', async () => {
    const r = await worker.patch(`${base}/orgs/${org}`, { notes: '寒暑假开放', contacts: [{ name: '赵老师', phone: '13900001111' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.notes, '寒暑假开放');
    assert.equal(r.json.name, '实验小学');
    assert.equal(r.json.contacts.length, 1);
    assert.equal(r.json.contacts[0].phone, '13900001111');
    assertError(await worker.patch(`${base}/orgs/${org}`, { type: 'castle' }), 400, 'invalid', 'type');
  });

  it('adds, changes and deletes offers; validates dates', async () => {
    let r = await worker.post(`${base}/orgs/${org}/offers`, {
      kind: 'venue', description: '学校操场 (Playground)', quantity: 1, unit: '块', availability: '周末 8:00-17:00', valid_until: '2099-12-31',
    });
    assert.equal(r.status, 201, r.text);
    offer = r.json.id;
    assertError(await worker.post(`${base}/orgs/${org}/offers`, { kind: 'venue', description: 'x', valid_until: '2026-02-30' }),
      400, 'invalid', 'valid_until');
    assertError(await worker.post(`${base}/orgs/${org}/offers`, { kind: 'venue', description: 'x', valid_until: '2026-2-3' }),
      400, 'invalid', 'valid_until');
    assertError(await worker.post(`${base}/orgs/${org}/offers`, { kind: 'land', description: 'x' }), 400, 'invalid', 'kind');
    assertError(await worker.post(`${base}/orgs/${org}/offers`, { kind: 'goods' }), 400, 'invalid', 'description');
    assertError(await worker.post(`${base}/orgs/${org}/offers`, { kind: 'goods', description: 'x', quantity: -1 }), 400, 'invalid', 'quantity');
    assertError(await worker.post(`${base}/orgs/${org}/offers`, { kind: 'goods', description: 'x', availability: 'a'.repeat(201) }),
      400, 'invalid', 'availability');
    r = await worker.patch(`${base}/orgs/${org}/offers/${offer}`, { quantity: 2, valid_until: '' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.quantity, 2);
    assert.equal(r.json.valid_until, null);
    assert.equal(r.json.unit, '块');
    r = await worker.post(`${base}/orgs/${org}/offers`, { kind: 'goods', description: '旧课桌' });
    assert.equal(r.status, 201);
    const gone = r.json.id;
    r = await worker.del(`${base}/orgs/${org}/offers/${gone}`);
    assert.equal(r.status, 204, r.text);
    assertError(await worker.del(`${base}/orgs/${org}/offers/${gone}`), 404, 'not_found');
    r = await worker.get(`${base}/orgs/${org}`);
    assert.deepEqual(r.json.offers.map((x) => x.id), [offer]);
  });

  it('searches offers: substring, case, kind, current first, literal % and _', async () => {
    const r1 = await worker.post(`${base}/orgs`, { name: unique('超市'), type: 'shop' });
    const shop = r1.json.id;
    await worker.post(`${base}/orgs/${shop}/offers`, { kind: 'goods', description: '矿泉水 100% 捐赠', valid_until: '2020-01-01' });
    await worker.post(`${base}/orgs/${shop}/offers`, { kind: 'goods', description: '矿泉水和面包' });
    let r = await grid.get(`${base}/offers?q=${encodeURIComponent('矿泉水')}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.offers.length, 2);
    assert.equal(r.json.offers[0].current, true);
    assert.equal(r.json.offers[0].description, '矿泉水和面包');
    assert.equal(r.json.offers[1].current, false);
    assert.equal(r.json.offers[0].org.id, shop);
    r = await worker.get(`${base}/offers?q=PLAYGROUND`);
    assert.equal(r.json.offers.length, 1);
    assert.equal(r.json.offers[0].org.name, '实验小学');
    r = await worker.get(`${base}/offers?q=${encodeURIComponent('%')}`);
    assert.deepEqual(r.json.offers.map((x) => x.description), ['矿泉水 100% 捐赠']);
    r = await worker.get(`${base}/offers?q=_`);
    assert.equal(r.json.offers.length, 0);
    r = await worker.get(`${base}/offers?kind=venue`);
    assert.ok(r.json.offers.every((x) => x.kind === 'venue'));
    assert.ok(!r.json.offers.some((x) => x.id === other.offer), 'no offers of another community');
    assertError(await worker.get(`${base}/offers?kind=land`), 400, 'invalid', 'kind');
    r = await worker.get(`${base}/orgs`);
    const o = r.json.orgs.find((x) => x.id === shop);
    assert.equal(o.offers, 2);
    assert.equal(o.current_offers, 1);
  });

  it('records agreements and interactions (newest first)', async () => {
    let r = await worker.post(`${base}/orgs/${org}/agreements`, { title: '校社共建协议', start_date: '2026-01-01', end_date: '2026-12-31' });
    assert.equal(r.status, 201, r.text);
    assertError(await worker.post(`${base}/orgs/${org}/agreements`, { title: 'x', start_date: '2026-02-30' }), 400, 'invalid', 'start_date');
    assertError(await worker.post(`${base}/orgs/${org}/agreements`, { title: 'x', start_date: '2026-03-01', end_date: '2026-02-01' }),
      400, 'invalid', 'end_date');
    assertError(await worker.post(`${base}/orgs/${org}/agreements`, { start_date: '2026-03-01' }), 400, 'invalid', 'title');
    r = await grid.get(`${base}/orgs/${org}/agreements`);
    assert.equal(r.status, 200);
    assert.equal(r.json.agreements[0].title, '校社共建协议');

    r = await worker.post(`${base}/orgs/${org}/interactions`, { date: '2026-03-01', kind: 'visit', notes: '走访' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(`${base}/orgs/${org}/interactions`, { date: '2026-04-01', kind: 'donation' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(`${base}/orgs/${org}/interactions`, { date: '2026-02-01', kind: 'call' });
    assert.equal(r.status, 201, r.text);
    assertError(await worker.post(`${base}/orgs/${org}/interactions`, { date: '2025-02-29', kind: 'call' }), 400, 'invalid', 'date');
    assertError(await worker.post(`${base}/orgs/${org}/interactions`, { date: '2025-02-28', kind: 'party' }), 400, 'invalid', 'kind');
    r = await lead.get(`${base}/orgs/${org}/interactions`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.interactions.map((x) => x.date), ['2026-04-01', '2026-03-01', '2026-02-01']);
    assert.equal(typeof r.json.interactions[0].recorded_by, 'number');
    assert.equal(typeof r.json.interactions[0].recorded_by_name, 'string');
  });

  it('enforces roles: grid and lead read only; volunteer and resident 403', async () => {
    for (const c of [grid, lead]) {
      assertError(await c.post(`${base}/orgs`, { name: unique('x'), type: 'shop' }), 403, 'forbidden');
      assertError(await c.post(`${base}/orgs/${org}/offers`, { kind: 'goods', description: 'x' }), 403, 'forbidden');
      assertError(await c.patch(`${base}/orgs/${org}`, { notes: 'x' }), 403, 'forbidden');
    }
    for (const c of [volunteer, resident]) {
      assertError(await c.get(`${base}/orgs`), 403, 'forbidden');
      assertError(await c.get(`${base}/offers?q=x`), 403, 'forbidden');
      assertError(await c.get(`${base}/orgs/${org}`), 403, 'forbidden');
    }
    let r = await street.get(`${base}/orgs`);
    assert.equal(r.status, 200, r.text);
    r = await street.post(`${base}/orgs/${org}/interactions`, { date: '2026-05-01', kind: 'event' });
    assert.equal(r.status, 201, r.text);
  });

  it('requires the CSRF token on writes', async () => {
    assertError(await worker.post(`${base}/orgs`, { name: unique('x'), type: 'shop' }, { 'x-csrf-token': null }), 403, 'forbidden');
    assertError(await worker.del(`${base}/orgs/${org}/offers/${offer}`, undefined, { 'x-csrf-token': 'wrong' }), 403, 'forbidden');
  });

  it('answers 404 for another community and its ids', async () => {
    const oc = `/api/communities/${other.community}`;
    assertError(await worker.get(`${oc}/orgs`), 404, 'not_found');
    assertError(await worker.get(`${oc}/offers`), 404, 'not_found');
    assertError(await worker.get(`${base}/orgs/${other.org}`), 404, 'not_found');
    assertError(await worker.patch(`${base}/orgs/${other.org}`, { notes: 'x' }), 404, 'not_found');
    assertError(await worker.post(`${base}/orgs/${other.org}/offers`, { kind: 'goods', description: 'x' }), 404, 'not_found');
    assertError(await worker.patch(`${base}/orgs/${org}/offers/${other.offer}`, { quantity: 1 }), 404, 'not_found');
    assertError(await worker.patch(`${base}/orgs/${other.org}/offers/${other.offer}`, { quantity: 1 }), 404, 'not_found');
    assertError(await worker.del(`${base}/orgs/${other.org}/offers/${other.offer}`), 404, 'not_found');
    assertError(await worker.get(`${base}/orgs/${other.org}/agreements`), 404, 'not_found');
    assertError(await worker.post(`${base}/orgs/${other.org}/interactions`, { date: '2026-01-01', kind: 'call' }), 404, 'not_found');
    const r = await admin.get(`${oc}/orgs/${other.org}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.offers.length, 1, 'the other community\'s offer is untouched');
  });
});
