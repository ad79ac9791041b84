// Owners' votes and notices over HTTP (issue 6): a building whose owners are
// registered, a vote frozen from them, an owner voting from their own
// resident account (claimed from an invitation) and changing the ballot with
// the receipt, paper ballots with evidence, the result against the art. 278
// thresholds, the check list after the close; roles (403) and another
// community (404). Notices: household receipts, first reader counts, staff
// marking the unreached. See docs/api.md "owners' votes" and "notices".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, request, sessionCookie, makeClient, errOf, scopeId, unique, stopAndInspect } from './lib.mjs';

describe('owner votes and notices', { timeout: 150_000 }, () => {
  let srv, admin, worker, grid, volunteer, owner;
  let demo, base, other;
  const b = {}; // a building: 1 unit × 2 floors × 3 rooms = 6 dwellings
  const people = [];

  function assertError(r, status, field) {
    assert.equal(r.status, status, r.text.slice(0, 300));
    if (field !== undefined) assert.equal(errOf(r).field, field, r.text);
  }

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, volunteer] = await Promise.all(['admin', 'worker', 'grid', 'volunteer'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    base = `/api/communities/${demo}`;
    let r = await worker.post(`${base}/compounds`, { name: unique('表决小区') });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(`${base}/buildings`, { compound_id: r.json.id, name: unique('楼') });
    assert.equal(r.status, 201, r.text);
    b.id = r.json.id;
    r = await worker.post(`${base}/buildings/${b.id}/layout`, { units: 1, floors: 2, rooms_per_floor: 3, area: 9000 });
    assert.equal(r.status, 201, r.text);
    r = await worker.get(`${base}/buildings/${b.id}`);
    b.dwellings = r.json.units.flatMap((u) => u.dwellings.map((d) => d.id)).sort((x, y) => x - y);
    // 6 dwellings, register areas 90.00 .. 95.00 m²
    for (let i = 0; i < 6; i++) {
      r = await worker.req('PUT', `${base}/dwellings/${b.dwellings[i]}/areas`, { source: 'register', area: 9000 + 100 * i });
      assert.equal(r.status, 200, r.text);
    }
    // owners: people[0] owns dwellings 0 and 1; people[1..3] one each; the developer 5
    for (let i = 0; i < 4; i++) {
      r = await worker.post(`${base}/residents`, { name: ['王建国', '李芳', '张伟', '赵敏'][i], gender: 'male',
        relation: 'householder', residency: 'huji', dwelling_id: b.dwellings[i === 0 ? 0 : i + 1] });
      assert.equal(r.status, 201, r.text);
      people.push(r.json.id);
    }
    const owners = [people[0], people[0], people[1], people[2], people[3]];
    for (let i = 0; i < 5; i++) {
      r = await worker.post(`${base}/dwellings/${b.dwellings[i]}/owners`, { resident_id: owners[i] });
      assert.equal(r.status, 201, r.text);
    }
    r = await worker.post(`${base}/dwellings/${b.dwellings[5]}/owners`, { developer: true });
    assert.equal(r.status, 201, r.text);
    // people[0] claims an account
    r = await worker.post(`${base}/residents/${people[0]}/invitations`, {});
    assert.equal(r.status, 201, r.text);
    const username = unique('owner').toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 30);
    r = await request(srv.base, 'POST', '/api/claim', { body: { code: r.json.code, username, password: 'owner-pass-123' } });
    assert.equal(r.status, 201, r.text);
    owner = makeClient(srv.base, sessionCookie(r.headers).pair, r.json.csrf, r.json.user);

    r = await admin.post('/api/streets', { name: unique('另一街道') });
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    other = r.json.id;
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  let vote;
  it('creates a vote: staff only, fields named, the scope inside the community', async () => {
    const body = { title: '加装电梯', scope: 'building', scope_id: b.id, rule: 'art278-general' };
    assertError(await grid.post(`${base}/votes`, body), 403);
    assertError(await worker.post(`${base}/votes`, { ...body, rule: 'x' }), 400, 'rule');
    assertError(await worker.post(`${base}/votes`, { ...body, abstain: 'maybe' }), 400, 'abstain');
    assertError(await worker.post(`${base}/votes`, { ...body, rule: 'custom', participation: '3/2', approval: '1/2' }), 400, 'participation');
    assertError(await worker.post(`${base}/votes`, { ...body, scope_id: 999999 }), 404);
    assertError(await worker.post(`/api/communities/${other}/votes`, body), 404);
    const r = await worker.post(`${base}/votes`, body);
    assert.equal(r.status, 201, r.text);
    vote = `${base}/votes/${r.json.id}`;
    assertError(await admin.get(`/api/communities/${other}/votes/${r.json.id}`), 404);
  });

  it('opens: the electorate is frozen per arts. 8-9', async () => {
    assertError(await owner.req('PUT', `${vote}/ballot`, { choice: 'yes' }), 409, 'status');
    let r = await worker.patch(vote, { status: 'open' });
    assert.equal(r.status, 200, r.text);
    r = await worker.get(vote);
    // 4 residents (one with two dwellings) + the developer = 5 owners
    assert.equal(r.json.electorate.owners, 5);
    assert.equal(r.json.electorate.area, '555.00'); // 90+91+92+93+94+95
    r = await worker.get(`${vote}/electors`);
    assert.equal(r.json.electors.length, 5);
    const dev = r.json.electors.find((x) => x.elector === 0);
    assert.equal(dev.dwellings, 1);
    // a later change to the register does not change the open vote
    await worker.req('PUT', `${base}/dwellings/${b.dwellings[5]}/areas`, { source: 'register', area: 50000 });
    r = await worker.get(vote);
    assert.equal(r.json.electorate.area, '555.00');
  });

  let receipt;
  it('an owner votes from their phone, and changes the ballot only with the receipt', async () => {
    let r = await owner.get(vote);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.mine.map((m) => [m.area, m.dwellings, m.voted]), [['181.00', 2, false]]);
    r = await owner.req('PUT', `${vote}/ballot`, { choice: 'no' });
    assert.equal(r.status, 201, r.text);
    receipt = r.json.receipt;
    assert.match(receipt, /^[0-9a-f]{4}(-[0-9a-f]{4}){7}$/);
    assertError(await owner.req('PUT', `${vote}/ballot`, { choice: 'yes' }), 409, 'receipt');
    assertError(await owner.req('PUT', `${vote}/ballot`, { choice: 'yes', receipt: '0'.repeat(32) }), 403, 'receipt');
    r = await owner.req('PUT', `${vote}/ballot`, { choice: 'yes', receipt });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.changed, true);
    // a volunteer (no owner) cannot vote online
    assertError(await volunteer.req('PUT', `${vote}/ballot`, { choice: 'yes' }), 403, 'elector');
  });

  it('staff enter paper and proxy ballots with evidence; the result is exact', async () => {
    assertError(await worker.post(`${vote}/paper`, { elector: people[1], choice: 'yes', channel: 'paper', evidence: '' }), 400, 'evidence');
    assertError(await grid.post(`${vote}/paper`, { elector: people[1], choice: 'yes', channel: 'paper', evidence: '第1号' }), 403);
    let r = await worker.post(`${vote}/paper`, { elector: people[1], choice: 'yes', channel: 'paper', evidence: '纸质选票第 1 号' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(`${vote}/paper`, { elector: people[2], choice: 'no', channel: 'proxy', evidence: '委托书第 2 号' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(`${vote}/paper`, { elector: 0, choice: 'abstain', channel: 'paper', evidence: '建设单位盖章' });
    assert.equal(r.status, 201, r.text);
    // named vote: staff see the running count; the owner does not
    r = await owner.get(vote);
    assert.equal(r.json.result, undefined);
    r = await worker.get(vote);
    const res = r.json.result;
    // participation: 4 of 5 owners (abstention participates), 90+91+92+93+95 = 461 of 555 m²
    assert.equal(res.participating_owners, 4);
    assert.equal(res.participating_area, '461.00');
    assert.equal(res.yes_owners, 2); // people[0] (181 m²) and people[1] (92 m²)
    assert.equal(res.yes_area, '273.00');
    // 4/5 >= 2/3 and 461/555 >= 2/3; approval 2/4 is not more than half: FAILED
    assert.equal(res.passed, false);
    const t = Object.fromEntries(res.tests.map((x) => [x.test, x.passed]));
    assert.equal(t.participation_owners, true);
    assert.equal(t.participation_area, true);
    assert.equal(t.approval_owners, false);
    // the electors list shows how each voted (a named vote)
    r = await worker.get(`${vote}/electors`);
    const e0 = r.json.electors.find((x) => x.elector === people[0]);
    assert.equal(e0.choice, 'yes');
    assert.equal(e0.channel, 'online');
    // the audit log holds who entered a paper ballot, never the choice
    r = await admin.get('/api/audit?action=ownervote.paper');
    if (r.status === 200) assert.ok(!r.text.includes('abstain'));
  });

  it('closes: the check list holds every ballot and the chain head', async () => {
    assertError(await owner.get(`${vote}/checklist`), 409, 'status');
    let r = await worker.patch(vote, { status: 'closed' });
    assert.equal(r.status, 200, r.text);
    assertError(await owner.req('PUT', `${vote}/ballot`, { choice: 'no', receipt }), 409, 'status');
    r = await owner.get(`${vote}/checklist`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.entries.length, 4);
    assert.match(r.json.head, /^[0-9a-f]{64}$/);
    r = await owner.get(vote);
    assert.equal(r.json.result.passed, false);
    assert.equal(r.json.chain_head, (await owner.get(`${vote}/checklist`)).json.head);
  });

  it('a secret vote shows no running count and no choices, even to staff', async () => {
    let r = await worker.post(`${base}/votes`, { title: '楼道改造', scope: 'building', scope_id: b.id, rule: 'art278-major', secret: true });
    const sv = `${base}/votes/${r.json.id}`;
    await worker.patch(sv, { status: 'open' });
    r = await owner.req('PUT', `${sv}/ballot`, { choice: 'yes' });
    assert.equal(r.status, 201, r.text);
    r = await worker.get(sv);
    assert.equal(r.json.result, undefined);
    assert.equal(r.json.voted, 1);
    r = await worker.get(`${sv}/electors`);
    const e0 = r.json.electors.find((x) => x.elector === people[0]);
    assert.equal(e0.voted, true);
    assert.equal(e0.choice, undefined);
  });

  it('notices: household receipts, the first reader counts, staff mark the rest', async () => {
    assertError(await grid.post(`${base}/notices`, { title: 't', body: 'b' }), 403);
    assertError(await worker.post(`${base}/notices`, { title: '', body: 'b' }), 400, 'title');
    assertError(await worker.post(`${base}/notices`, { title: 't', body: 'b', scope: 'building', scope_id: 999999 }), 404, 'scope_id');
    let r = await worker.post(`${base}/notices`, { title: '停水通知', body: '明天 9 点至 12 点停水。', scope: 'building', scope_id: b.id });
    assert.equal(r.status, 201, r.text);
    const n = `${base}/notices/${r.json.id}`;
    // a draft is not visible to residents
    assertError(await owner.get(n), 404);
    r = await worker.patch(n, { status: 'published' });
    assert.equal(r.status, 200, r.text);
    r = await owner.get(`${base}/notices`);
    assert.equal(r.json.notices.find((x) => x.title === '停水通知').read, false);
    r = await owner.post(`${n}/read`, {});
    assert.deepEqual(r.json, { household: true, first: true });
    r = await owner.post(`${n}/read`, {});
    assert.deepEqual(r.json, { household: true, first: false });
    r = await worker.get(`${n}/receipts`);
    assert.equal(r.json.households, 4);
    assert.equal(r.json.reached, 1);
    assert.equal(r.json.unreached.length, 3);
    const next = r.json.unreached[0].dwelling_id;
    r = await worker.post(`${n}/receipts`, { dwelling_id: next, method: 'door', note: '已张贴' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(`${n}/receipts`, { dwelling_id: next, method: 'phone' });
    assert.equal(r.status, 200, r.text);
    assertError(await worker.post(`${n}/receipts`, { dwelling_id: next, method: 'pigeon' }), 400, 'method');
    r = await worker.get(`${n}/receipts`);
    assert.equal(r.json.reached, 2);
    assert.deepEqual(r.json.by_method, { online: 1, door: 1, phone: 0, meeting: 0 });
    assertError(await admin.get(`/api/communities/${other}/notices/${n.split('/').pop()}`), 404);
  });
});
