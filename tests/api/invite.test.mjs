// Resident accounts API (issue 4, item 8): invitations issued by workers
// (grid 403, another community 404), the printable slip and its QR code,
// claiming (happy path, then signing in; reuse, expiry, revocation, a taken
// username; wrong codes throttled), "my household" (only one's own), and
// the correction request flow. See docs/api.md "Resident accounts".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  startServer, login, request, errOf, scopeId, unique, stopAndInspect, sessionCookie,
  makeClient, psql, BACKEND,
} from './lib.mjs';

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

describe('resident accounts', { timeout: 170_000 }, () => {
  let srv, admin, worker, grid, demoResident;
  let demo, base, other;
  let building, dwellingA, dwellingB;
  const people = {};

  // Runs SQL on the server's database (to stand an invitation past its expiry).
  function sql(text) {
    if (BACKEND === 'postgres') return psql(text, srv.db);
    const r = spawnSync('sqlite3', [srv.db, text], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
    return r.stdout;
  }

  async function addResident(body) {
    const r = await worker.post(`${base}/residents`, body);
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  }

  async function claim(code, username, password = 'claim-pass-123') {
    return request(srv.base, 'POST', '/api/claim', { body: { code, username, password } });
  }

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, demoResident] = await Promise.all(
      ['admin', 'worker', 'grid', 'resident'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    base = `/api/communities/${demo}`;
    let r = await worker.get(`${base}/dwellings?limit=200`);
    assert.equal(r.status, 200, r.text);
    // the demo fills most dwellings with households: take two vacant ones
    const vacant = [];
    for (const d of r.json.dwellings) {
      const x = await worker.get(`${base}/residents?dwelling=${d.id}&limit=1`);
      if (x.json.residents.length === 0) vacant.push(d);
      if (vacant.length === 2) break;
    }
    [dwellingA, dwellingB] = vacant;
    building = dwellingA.building_id;
    people.zhang = await addResident({ name: '张建华', id_number: '11010519491231002X', phone: '13812345678',
      relation: 'householder', residency: 'huji', dwelling_id: dwellingA.id });
    people.zhangKid = await addResident({ name: '张小明', gender: 'male', birth_date: '2016-03-01',
      relation: 'child', dwelling_id: dwellingA.id });
    people.zhangWife = await addResident({ name: '王芳', gender: 'female', birth_date: '1980-05-05',
      phone: '13900001111', relation: 'spouse', dwelling_id: dwellingA.id });
    people.li = await addResident({ name: '李四', gender: 'male', birth_date: '1970-01-01',
      phone: '13700002222', relation: 'householder', dwelling_id: dwellingB.id });
    people.nohome = await addResident({ name: '赵六', gender: 'male' });
    r = await admin.post('/api/streets', { name: unique('另一街道') });
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

  it('a worker issues an invitation: a grouped code, a claim URL, a masked name, 14 days', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await worker.post(`${base}/residents/${people.zhang}/invitations`, {});
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$/);
    const bare = r.json.code.replaceAll('-', '');
    assert.equal(r.json.url, `${srv.base}/#/claim/${bare}`);
    assert.equal(r.json.name, '张**');
    assert.equal(r.json.room, dwellingA.room);
    assert.equal(r.json.unit, dwellingA.unit);
    assert.equal(r.json.status, 'pending');
    assert.ok(r.json.expires_at >= before + 14 * 86400 && r.json.expires_at <= before + 14 * 86400 + 60);
    people.zhangInvite = r.json;
    // the database holds no code, only a hash and a nonce
    const dump = sql(`SELECT nonce, code_hash FROM invitations WHERE id = ${r.json.id}`);
    assert.ok(!dump.includes(bare), 'code stored in clear');
    // the slip again, and its QR code
    const again = await worker.get(`${base}/invitations/${r.json.id}`);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.code, r.json.code);
    const qr = await worker.get(`${base}/invitations/${r.json.id}/qr.svg`);
    assert.equal(qr.status, 200, qr.text);
    assert.match(qr.headers.get('content-type'), /^image\/svg\+xml/);
    assert.match(qr.text, /^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
    assert.match(qr.text, /<path fill="#000" d="(M\d+ \d+h\d+v1h-\d+z)+"\/><\/svg>\s*$/);
  });

  it('grid workers get 403, residents 403, another community 404, bad input 400', async () => {
    assertError(await grid.post(`${base}/residents/${people.li}/invitations`, {}), 403, 'forbidden');
    assertError(await grid.get(`${base}/invitations/${people.zhangInvite.id}/qr.svg`), 403, 'forbidden');
    assertError(await demoResident.post(`${base}/residents/${people.li}/invitations`, {}), 403, 'forbidden');
    assertError(await worker.post(`/api/communities/${other.community}/residents/${other.resident}/invitations`, {}),
      404, 'not_found');
    // another community's resident under our community's path
    assertError(await worker.post(`${base}/residents/${other.resident}/invitations`, {}), 404, 'not_found');
    assertError(await worker.post(`${base}/residents/${people.li}/invitations`, { expires_in_days: 0 }),
      400, 'invalid', 'expires_in_days');
    assertError(await worker.post(`${base}/residents/${people.li}/invitations`, { expires_in_days: 91 }),
      400, 'invalid', 'expires_in_days');
    assertError(await worker.post(`${base}/residents/${people.li}/invitations`, { days: 3 }),
      400, 'invalid', 'days');
    const otherInv = await admin.post(`/api/communities/${other.community}/residents/${other.resident}/invitations`, {});
    assert.equal(otherInv.status, 201, otherInv.text);
    other.invitation = otherInv.json.id;
    assertError(await worker.get(`${base}/invitations/${other.invitation}`), 404, 'not_found');
    assertError(await worker.get(`${base}/invitations/${other.invitation}/qr.svg`), 404, 'not_found');
    assertError(await worker.del(`${base}/invitations/${other.invitation}`), 404, 'not_found');
  });

  it('issuing again revokes the old invitation; revoked codes do not claim', async () => {
    const first = await worker.post(`${base}/residents/${people.li}/invitations`, { expires_in_days: 3 });
    assert.equal(first.status, 201, first.text);
    const second = await worker.post(`${base}/residents/${people.li}/invitations`, {});
    assert.equal(second.status, 201, second.text);
    assert.notEqual(first.json.code, second.json.code);
    const list = await worker.get(`${base}/residents/${people.li}/invitations`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.invitations.map((i) => [i.id, i.status]),
      [[second.json.id, 'pending'], [first.json.id, 'revoked']]);
    assert.ok(list.json.invitations.every((i) => i.code === null));
    assert.equal(list.json.account, null);
    assertError(await worker.get(`${base}/invitations/${first.json.id}/qr.svg`), 409, 'conflict', 'status');
    const r = await claim(first.json.code, unique('li').slice(0, 30).toLowerCase());
    assertError(r, 404, 'not_found', 'code');
    assert.match(errOf(r).message, /revoked/);
    people.liInvite = second.json;
  });

  it('claims: a user with role resident, signed in, linked; the code cannot be used again', async () => {
    const username = 'zhang.jh';
    let r = await claim(people.zhangInvite.code.toLowerCase(), username);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.community_id, demo);
    assert.deepEqual(r.json.user.grants.map((g) => [g.role, g.scope, g.scope_id]), [['resident', 'community', demo]]);
    const c = sessionCookie(r.headers);
    assert.ok(c, 'session cookie');
    const me = makeClient(srv.base, c.pair, r.json.csrf, r.json.user);
    const s = await me.get('/api/session');
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.user.username, username);
    // and a fresh login with the password chosen
    const again = await login(srv.base, username, 'claim-pass-123');
    assert.equal(again.user.username, username);
    people.zhangClient = me;
    // reuse
    r = await claim(people.zhangInvite.code, 'zhang-two');
    assertError(r, 404, 'not_found', 'code');
    assert.match(errOf(r).message, /already used/);
    // the slip now shows no code, and the resident has an account
    const slip = await worker.get(`${base}/invitations/${people.zhangInvite.id}`);
    assert.equal(slip.json.status, 'used');
    assert.equal(slip.json.code, null);
    const list = await worker.get(`${base}/residents/${people.zhang}/invitations`);
    assert.deepEqual(list.json.account, { user_id: people.zhangClient.user.id });
    assertError(await worker.post(`${base}/residents/${people.zhang}/invitations`, {}), 409, 'conflict', 'resident');
    assertError(await worker.del(`${base}/invitations/${people.zhangInvite.id}`), 409, 'conflict', 'status');
  });

  it('refuses bad claims: format, a taken username (the code stays good), weak password, expired', async () => {
    assertError(await claim('ABCD-EFGH-J', 'someone'), 400, 'invalid', 'code');
    assertError(await claim('ABCD-EFGH-JI', 'someone'), 400, 'invalid', 'code');
    assertError(await claim(people.liInvite.code, 'Bad Name'), 400, 'invalid', 'username');
    assertError(await claim(people.liInvite.code, 'li.si', 'short'), 400, 'invalid', 'password');
    assertError(await request(srv.base, 'POST', '/api/claim', { body: { code: people.liInvite.code, username: 'li.si' } }),
      400, 'invalid', 'password');
    assertError(await claim(people.liInvite.code, 'worker'), 409, 'conflict', 'username');
    // expiry: stand the invitation at its boundary
    sql(`UPDATE invitations SET expires_at = ${Math.floor(Date.now() / 1000) - 1} WHERE id = ${people.liInvite.id}`);
    let r = await claim(people.liInvite.code, 'li.si');
    assertError(r, 404, 'not_found', 'code');
    assert.match(errOf(r).message, /expired/);
    const slip = await worker.get(`${base}/invitations/${people.liInvite.id}`);
    assert.equal(slip.json.status, 'expired');
    assert.equal(slip.json.code, null);
    // a new one works
    r = await worker.post(`${base}/residents/${people.li}/invitations`, {});
    assert.equal(r.status, 201, r.text);
    r = await claim(r.json.code, 'li.si');
    assert.equal(r.status, 201, r.text);
    const c = sessionCookie(r.headers);
    people.liClient = makeClient(srv.base, c.pair, r.json.csrf, r.json.user);
  });

  it('my household: own dwelling only, masked, own phone in full; and what they own', async () => {
    const r = await people.zhangClient.get('/api/me/household');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.resident_id, people.zhang);
    assert.equal(r.json.dwelling.id, dwellingA.id);
    assert.equal(r.json.dwelling.room, dwellingA.room);
    assert.ok(Array.isArray(r.json.ownerships.owned), 'ownerships.owned');
    const ids = r.json.members.map((m) => m.id).sort((a, b) => a - b);
    assert.deepEqual(ids, [people.zhang, people.zhangKid, people.zhangWife].sort((a, b) => a - b));
    const self = r.json.members.find((m) => m.self);
    assert.equal(self.id, people.zhang);
    assert.equal(self.phone, '13812345678');
    assert.equal(self.id_number, '110105********002X');
    const wife = r.json.members.find((m) => m.id === people.zhangWife);
    assert.equal(wife.phone, '139****1111');
    assert.equal(wife.self, false);
    // li sees only his own
    const l = await people.liClient.get('/api/me/household');
    assert.deepEqual(l.json.members.map((m) => m.id), [people.li]);
    // staff without a link: 404; another community asked: 404
    assertError(await worker.get('/api/me/household'), 404, 'not_found');
    assertError(await people.zhangClient.get(`/api/me/household?community=${other.community}`), 404, 'not_found');
    assertError(await people.zhangClient.get('/api/me/household?community=x'), 400, 'invalid', 'community');
    assertError(await request(srv.base, 'GET', '/api/me/household'), 401, 'unauthorized');
  });

  it('corrects phone and skills directly; another household is 404', async () => {
    let r = await people.zhangClient.patch(`/api/me/household/members/${people.zhangWife}`,
      { phone: '13900009999', skills: '缝纫', volunteer_willing: true });
    assert.equal(r.status, 200, r.text);
    const wife = r.json.members.find((m) => m.id === people.zhangWife);
    assert.equal(wife.phone, '139****9999');
    assert.equal(wife.skills, '缝纫');
    assert.equal(wife.volunteer_willing, true);
    r = await worker.get(`${base}/residents/${people.zhangWife}?unmask=1`);
    assert.equal(r.json.phone, '13900009999');
    assertError(await people.zhangClient.patch(`/api/me/household/members/${people.li}`, { skills: 'x' }),
      404, 'not_found');
    assertError(await people.zhangClient.patch(`/api/me/household/members/${other.resident}`, { skills: 'x' }),
      404, 'not_found');
    assertError(await people.zhangClient.patch(`/api/me/household/members/${people.zhangWife}`, { phone: '123' }),
      400, 'invalid', 'phone');
    assertError(await people.zhangClient.patch(`/api/me/household/members/${people.zhangWife}`, { gender: 'male' }),
      400, 'invalid', 'gender');
    assertError(await people.zhangClient.patch(`/api/me/household/members/${people.zhangWife}`, {}),
      400, 'invalid');
  });

  it('a name or ID number becomes a correction request that a worker approves or rejects', async () => {
    const newId = idcard('11010519800505002');
    let r = await people.zhangClient.patch(`/api/me/household/members/${people.zhangWife}`,
      { name: '王芳芳', id_number: newId, note: '身份证上是王芳芳' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.corrections_created, 2);
    assert.equal(r.json.members.find((m) => m.id === people.zhangWife).name, '王芳'); // not yet
    const mine = r.json.corrections;
    assert.equal(mine.length, 2);
    assert.ok(mine.every((c) => c.status === 'pending'));
    assertError(await people.zhangClient.patch(`/api/me/household/members/${people.zhangWife}`, { id_number: '123' }),
      400, 'invalid', 'id_number');
    // the staff queue
    assertError(await grid.get(`${base}/corrections`), 403, 'forbidden');
    assertError(await demoResident.get(`${base}/corrections`), 403, 'forbidden');
    r = await worker.get(`${base}/corrections?status=pending`);
    assert.equal(r.status, 200, r.text);
    const byField = Object.fromEntries(r.json.corrections.map((c) => [c.field, c]));
    assert.equal(byField.name.value, '王芳芳');
    assert.equal(byField.id_number.value, `${newId.slice(0, 6)}********${newId.slice(14)}`);
    assertError(await worker.get(`${base}/corrections?status=maybe`), 400, 'invalid', 'status');
    assertError(await worker.patch(`${base}/corrections/${byField.name.id}`, { status: 'done' }), 400, 'invalid', 'status');
    assertError(await admin.patch(`/api/communities/${other.community}/corrections/${byField.name.id}`, { status: 'approved' }),
      404, 'not_found');
    r = await worker.patch(`${base}/corrections/${byField.name.id}`, { status: 'approved' });
    assert.equal(r.status, 204, r.text);
    r = await worker.patch(`${base}/corrections/${byField.id_number.id}`, { status: 'rejected', reason: '请带身份证来社区' });
    assert.equal(r.status, 204, r.text);
    assertError(await worker.patch(`${base}/corrections/${byField.name.id}`, { status: 'rejected' }), 409, 'conflict');
    r = await worker.get(`${base}/residents/${people.zhangWife}`);
    assert.equal(r.json.name, '王芳芳');
    assert.notEqual(r.json.id_number, `${newId.slice(0, 6)}********${newId.slice(14)}`);
    r = await people.zhangClient.get('/api/me/household');
    const decided = Object.fromEntries(r.json.corrections.map((c) => [c.field, c]));
    assert.equal(decided.name.status, 'approved');
    assert.equal(decided.id_number.status, 'rejected');
    assert.equal(decided.id_number.reason, '请带身份证来社区');
  });

  it('issues a building batch for adults without an account, printable slips in order', async () => {
    const r = await worker.post(`${base}/buildings/${building}/invitations`, { expires_in_days: 30 });
    assert.equal(r.status, 201, r.text);
    const who = r.json.invitations.map((s) => s.resident_id);
    assert.ok(who.includes(people.zhangWife), 'adult without account');
    assert.ok(!who.includes(people.zhangKid), 'a child gets none');
    assert.ok(!who.includes(people.zhang) && !who.includes(people.li), 'those with accounts get none');
    assert.ok(!who.includes(people.nohome), 'not in the building');
    for (const s of r.json.invitations) {
      assert.match(s.code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$/);
      assert.ok(s.url.endsWith(s.code.replaceAll('-', '')));
    }
    assertError(await grid.post(`${base}/buildings/${building}/invitations`, {}), 403, 'forbidden');
    const otherB = await admin.get(`/api/communities/${other.community}/dwellings`);
    assert.equal(otherB.status, 200);
    assertError(await worker.post(`${base}/buildings/999999999/invitations`, {}), 404, 'not_found');
  });

  it('throttles wrong codes per address (audit log), like failed logins', async () => {
    let last;
    for (let i = 0; i < 12; i++) {
      last = await claim('2222-2222-22', `nobody${i}`);
      if (last.status === 429) break;
      assertError(last, 404, 'not_found', 'code');
    }
    assertError(last, 429, 'rate_limited');
    // even a good code is refused from this address now
    const r = await worker.post(`${base}/residents/${people.nohome}/invitations`, {});
    assert.equal(r.status, 201, r.text);
    assertError(await claim(r.json.code, 'zhao.liu'), 429, 'rate_limited');
  });
});
