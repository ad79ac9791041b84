// Emergency activation API: door cards (issue, print, revoke, reissue), the
// public check-in (no login; a token works only for its own dwelling and only
// while an activation covers it), building leads limited to their buildings,
// phone calls recorded by a worker, the live view, follow-ups, help requests,
// broadcast, close and report; bad input naming the field; another
// community's ids (404); throttling (429).
// See docs/api.md "New fields: emergency activation and check-ins".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, request, errOf, scopeId, unique } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body is {"error": {...}}: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

const safeGet = (base, token) => request(base, 'GET', `/api/safe?token=${encodeURIComponent(token)}`);
const safePost = (base, body) => request(base, 'POST', '/api/safe', { body });

function cellOf(live, dwelling) {
  for (const b of live.buildings)
    for (const f of b.floors)
      for (const d of f.dwellings)
        if (d.id === dwelling) return { ...d, building: b.id };
  return null;
}

describe('emergency activation', { timeout: 110_000 }, () => {
  let srv;
  let admin, worker, lead, volunteer, resident, grid;
  let demo, leadBuilding, otherBuilding;
  const other = {};
  let sheet;     // the lead building's door cards
  let act;       // activation over the lead's building
  let act2;      // activation over another building
  const tokenOf = (d) => sheet.cards.find((c) => c.dwelling_id === d).token;

  before(async () => {
    srv = await startServer();
    [admin, worker, lead, volunteer, resident, grid] = await Promise.all(
      ['admin', 'worker', 'lead', 'volunteer', 'resident', 'grid'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    leadBuilding = scopeId(lead.user, 'lead', 'building');
    assert.equal(typeof leadBuilding, 'number');
    const tree = await worker.get(`/api/communities/${demo}`);
    assert.equal(tree.status, 200, tree.text);
    const all = tree.json.compounds.flatMap((c) => c.buildings.map((b) => b.id));
    otherBuilding = all.find((b) => b !== leadBuilding);
    assert.ok(otherBuilding);

    let r = await admin.post('/api/streets', { name: unique('另一街道') });
    assert.equal(r.status, 201, r.text);
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    assert.equal(r.status, 201, r.text);
    other.community = r.json.id;
  });

  after(async () => { await srv?.cleanup(); });

  const base = (c = demo) => `/api/communities/${c}`;

  describe('door cards', () => {
    it('issues one card per dwelling, once, and prints them with URLs', async () => {
      let r = await worker.post(`${base()}/buildings/${leadBuilding}/door-cards`, {});
      assert.equal(r.status, 201, r.text);
      assert.ok(r.json.issued > 0);
      const issued = r.json.issued;
      r = await worker.post(`${base()}/buildings/${leadBuilding}/door-cards`, {});
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.issued, 0, 'a second issue keeps the cards');
      r = await worker.get(`${base()}/buildings/${leadBuilding}/door-cards`);
      assert.equal(r.status, 200, r.text);
      sheet = r.json;
      assert.equal(sheet.cards.length, issued);
      const tokens = new Set(sheet.cards.map((c) => c.token));
      assert.equal(tokens.size, issued, 'every token differs');
      for (const c of sheet.cards) {
        assert.match(c.token, /^[A-Za-z0-9_-]{43}$/);
        assert.ok(c.url.endsWith(`/#/safe/${c.token}`));
        assert.ok(c.room && c.label);
      }
      r = await worker.get(`${base()}/dwellings/${sheet.cards[0].dwelling_id}/door-card/qr.svg`);
      assert.equal(r.status, 200);
      assert.match(r.text, /<svg /);
    });

    it('is for workers only, and 404 in another community', async () => {
      assertError(await lead.get(`${base()}/buildings/${leadBuilding}/door-cards`), 403);
      assertError(await volunteer.get(`${base()}/buildings/${leadBuilding}/door-cards`), 403);
      assertError(await worker.get(`${base(other.community)}/buildings/${leadBuilding}/door-cards`), 404);
      assertError(await worker.post(`${base()}/buildings/999999999/door-cards`, {}), 404);
    });

    it('a card works only while an activation covers its dwelling', async () => {
      const r = await safeGet(srv.base, sheet.cards[0].token);
      assertError(r, 404, 'not_found');
    });
  });

  describe('activations', () => {
    it('refuses bad input naming the field', async () => {
      const p = `${base()}/activations`;
      assertError(await worker.post(p, { hazard: 'meteor', title: 't', scope: 'community' }), 400, undefined, 'hazard');
      assertError(await worker.post(p, { hazard: 'fire', title: '', scope: 'community' }), 400, undefined, 'title');
      assertError(await worker.post(p, { hazard: 'fire', title: 't', scope: 'street' }), 400, undefined, 'scope');
      assertError(await worker.post(p, { hazard: 'fire', title: 't', scope: 'buildings' }), 400, undefined, 'buildings');
      assertError(await worker.post(p, { hazard: 'fire', title: 't', scope: 'buildings', buildings: [999999999] }), 404, undefined, 'buildings');
      assertError(await worker.post(p, { hazard: 'fire', title: 't', scope: 'buildings', buildings: [leadBuilding], escalate_minutes: 0 }), 400, undefined, 'escalate_minutes');
      assertError(await worker.post(p, { hazard: 'fire', title: 't', scope: 'buildings', buildings: [leadBuilding], extra: 1 }), 400, undefined, 'extra');
      assertError(await lead.post(p, { hazard: 'fire', title: 't', scope: 'buildings', buildings: [leadBuilding] }), 403);
      assertError(await worker.post(`${base(other.community)}/activations`, { hazard: 'fire', title: 't', scope: 'community' }), 404);
    });

    it('declares over a building: every occupied household starts unknown', async () => {
      let r = await worker.post(`${base()}/activations`, {
        hazard: 'fire', title: '1号楼火情：请报平安', scope: 'buildings', buildings: [leadBuilding], escalate_minutes: 30,
      });
      assert.equal(r.status, 201, r.text);
      act = r.json.id;
      r = await worker.get(`${base()}/activations/${act}/live`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.buildings.length, 1);
      assert.equal(r.json.buildings[0].id, leadBuilding);
      assert.ok(r.json.totals.households > 0);
      assert.equal(r.json.totals.unknown, r.json.totals.households);
      assert.equal(r.json.totals.reached, 0);
      assert.equal(r.json.activation.status, 'open');
      // a second activation over the same building is refused
      r = await worker.post(`${base()}/activations`, { hazard: 'flood', title: 'x', scope: 'buildings', buildings: [leadBuilding] });
      assertError(r, 409, 'conflict', 'scope');
      r = await worker.post(`${base()}/activations`, { hazard: 'flood', title: 'x', scope: 'community' });
      assertError(r, 409, 'conflict', 'scope');
      r = await worker.get(`${base()}/activations`);
      assert.equal(r.status, 200);
      assert.equal(r.json.activations[0].id, act);
    });

    it('broadcasts a published notice to the scope', async () => {
      const r = await worker.post(`${base()}/activations/${act}/broadcast`, {});
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.notices.length, 1);
      const n = await worker.get(`${base()}/notices`);
      assert.equal(n.status, 200, n.text);
      const list = n.json.notices || n.json;
      const ours = list.find((x) => x.id === r.json.notices[0]);
      assert.ok(ours, 'the notice is listed');
      assert.equal(ours.status, 'published');
    });
  });

  describe('public check-in', () => {
    it('shows the room and the title, nothing personal', async () => {
      const c = sheet.cards[0];
      const r = await safeGet(srv.base, c.token);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.title, '1号楼火情：请报平安');
      assert.equal(r.json.room, c.label);
      assert.deepEqual(Object.keys(r.json).sort(), ['changed_at', 'hazard', 'room', 'status', 'title']);
    });

    it('checks in safe for its own household only', async () => {
      const [c0, c1] = sheet.cards;
      let r = await safePost(srv.base, { token: c0.token, status: 'safe' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'safe');
      r = await worker.get(`${base()}/activations/${act}/live`);
      assert.equal(cellOf(r.json, c0.dwelling_id).status, 'safe');
      assert.equal(cellOf(r.json, c1.dwelling_id).status, 'unknown');
      assert.equal(r.json.totals.safe, 1);
      r = await worker.get(`${base()}/activations/${act}/households/${c0.dwelling_id}`);
      assert.equal(r.status, 200);
      assert.equal(r.json.events.length, 1);
      assert.equal(r.json.events[0].channel, 'door_card');
    });

    it('asks for help with kinds; the request shows in the live view', async () => {
      const c = sheet.cards[1];
      assertError(await safePost(srv.base, { token: c.token, status: 'needs_help' }), 400, undefined, 'needs');
      assertError(await safePost(srv.base, { token: c.token, status: 'safe', needs: ['food'] }), 400, undefined, 'needs');
      assertError(await safePost(srv.base, { token: c.token, status: 'needs_help', needs: ['pizza'] }), 400, undefined, 'needs');
      assertError(await safePost(srv.base, { token: c.token, status: 'no_answer' }), 400, undefined, 'status');
      assertError(await safePost(srv.base, { token: c.token, status: 'safe', note: 'x'.repeat(201) }), 400, undefined, 'note');
      const r = await safePost(srv.base, { token: c.token, status: 'needs_help', needs: ['medicine', 'mobility'], note: '胰岛素快用完了' });
      assert.equal(r.status, 200, r.text);
      const live = await worker.get(`${base()}/activations/${act}/live`);
      const req = live.json.requests.find((q) => q.dwelling_id === c.dwelling_id);
      assert.ok(req, 'a help request is open');
      assert.deepEqual(req.needs, ['medicine', 'mobility']);
      assert.equal(req.note, '胰岛素快用完了');
      assert.equal(req.status, 'open');
    });

    it('asks for the token (400) when there is none', async () => {
      assertError(await request(srv.base, 'GET', '/api/safe'), 400, 'invalid', 'token');
      assertError(await safePost(srv.base, { status: 'safe' }), 400, 'invalid', 'token');
    });

    it('refuses unknown and malformed tokens with one answer', async () => {
      assertError(await safeGet(srv.base, 'A'.repeat(43)), 404);
      assertError(await safeGet(srv.base, 'short'), 404);
      assertError(await safePost(srv.base, { token: 'B'.repeat(43), status: 'safe' }), 404);
    });

    it('a card of a building outside the activation is dead', async () => {
      let r = await worker.post(`${base()}/buildings/${otherBuilding}/door-cards`, {});
      assert.equal(r.status, 201, r.text);
      r = await worker.get(`${base()}/buildings/${otherBuilding}/door-cards`);
      const t = r.json.cards[0].token;
      assertError(await safeGet(srv.base, t), 404);
      assertError(await safePost(srv.base, { token: t, status: 'safe' }), 404);
    });

    it('a lost card is revoked and reissued: the old token is dead at once', async () => {
      const c = sheet.cards[2];
      let r = await worker.post(`${base()}/dwellings/${c.dwelling_id}/door-card`, {});
      assert.equal(r.status, 201, r.text);
      assertError(await safeGet(srv.base, c.token), 404);
      r = await worker.get(`${base()}/buildings/${leadBuilding}/door-cards`);
      const fresh = r.json.cards.find((x) => x.dwelling_id === c.dwelling_id).token;
      assert.notEqual(fresh, c.token);
      r = await safePost(srv.base, { token: fresh, status: 'away' });
      assert.equal(r.status, 200, r.text);
      // revoke without reissue
      r = await worker.del(`${base()}/dwellings/${c.dwelling_id}/door-card`);
      assert.equal(r.status, 204, r.text);
      assertError(await safeGet(srv.base, fresh), 404);
      assertError(await worker.del(`${base()}/dwellings/${c.dwelling_id}/door-card`), 404);
      r = await worker.post(`${base()}/dwellings/${c.dwelling_id}/door-card`, {});
      assert.equal(r.status, 201, r.text);
      r = await worker.get(`${base()}/buildings/${leadBuilding}/door-cards`);
      sheet = r.json;
    });
  });

  describe('building leads and staff', () => {
    it('a lead sees and marks only their buildings', async () => {
      let r = await worker.post(`${base()}/activations`, {
        hazard: 'flood', title: '另一栋', scope: 'buildings', buildings: [otherBuilding],
      });
      assert.equal(r.status, 201, r.text);
      act2 = r.json.id;
      const d = sheet.cards[3].dwelling_id;
      r = await lead.post(`${base()}/activations/${act}/households/${d}`, { status: 'safe' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.channel, 'lead');
      r = await lead.get(`${base()}/activations/${act}/live`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.lead_only, true);
      assert.equal(cellOf(r.json, d).status, 'safe');
      // the other activation: nothing of it is theirs
      r = await lead.get(`${base()}/activations/${act2}/live`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.buildings.length, 0);
      assert.equal(r.json.totals.households, 0);
      const live2 = await worker.get(`${base()}/activations/${act2}/live`);
      const od = live2.json.buildings[0].floors[0].dwellings[0].id;
      assertError(await lead.post(`${base()}/activations/${act2}/households/${od}`, { status: 'safe' }), 403);
      assertError(await lead.get(`${base()}/activations/${act2}/households/${od}`), 403);
      assertError(await lead.get(`${base()}/activations/${act}/report`), 403);
    });

    it('a worker records a phone call for any household in scope', async () => {
      const live2 = await worker.get(`${base()}/activations/${act2}/live`);
      const od = live2.json.buildings[0].floors[0].dwellings[0].id;
      let r = await worker.post(`${base()}/activations/${act2}/households/${od}`, { status: 'no_answer', channel: 'phone' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.channel, 'phone');
      r = await worker.post(`${base()}/activations/${act2}/households/${od}`, { status: 'safe', channel: 'phone', note: '电话联系，已在亲戚家' });
      assert.equal(r.status, 200, r.text);
      r = await worker.get(`${base()}/activations/${act2}/households/${od}`);
      assert.deepEqual(r.json.events.map((x) => [x.status, x.channel]), [['no_answer', 'phone'], ['safe', 'phone']]);
      // grid worker marks too
      r = await grid.post(`${base()}/activations/${act2}/households/${od}`, { status: 'safe', channel: 'worker' });
      assert.equal(r.status, 200, r.text);
    });

    it('refuses bad marks naming the field, other roles and other communities', async () => {
      const d = sheet.cards[4].dwelling_id;
      const p = `${base()}/activations/${act}/households/${d}`;
      assertError(await worker.post(p, { status: 'fine' }), 400, undefined, 'status');
      assertError(await worker.post(p, { status: 'unknown' }), 400, undefined, 'status');
      assertError(await worker.post(p, { status: 'safe', channel: 'door_card' }), 400, undefined, 'channel');
      assertError(await worker.post(p, { status: 'safe', channel: 'pigeon' }), 400, undefined, 'channel');
      assertError(await worker.post(p, { status: 'away', needs: ['food'] }), 400, undefined, 'needs');
      assertError(await worker.post(p, { status: 'safe', extra: true }), 400, undefined, 'extra');
      assertError(await worker.post(`${base()}/activations/${act}/households/999999999`, { status: 'safe' }), 404, undefined, 'dwelling_id');
      assertError(await volunteer.post(p, { status: 'safe' }), 403);
      assertError(await resident.post(p, { status: 'safe' }), 403);
      assertError(await resident.get(`${base()}/activations/${act}/live`), 403);
      assertError(await worker.get(`${base(other.community)}/activations/${act}/live`), 404);
      assertError(await admin.get(`${base(other.community)}/activations/${act}/live`), 404);
      assertError(await worker.get(`${base()}/activations/999999999/live`), 404);
    });
  });

  describe('follow-ups and help requests', () => {
    it('assigns a follow-up to a volunteer, who sees and closes it', async () => {
      const d = sheet.cards[5].dwelling_id;
      assertError(await worker.post(`${base()}/activations/${act}/followups`, { dwelling_id: d, assignee: resident.user.id }), 400, undefined, 'assignee');
      let r = await worker.post(`${base()}/activations/${act}/followups`, { dwelling_id: d, assignee: volunteer.user.id, note: '上门看看' });
      assert.equal(r.status, 201, r.text);
      const id = r.json.id;
      r = await worker.get(`${base()}/activations/${act}/live`);
      const fu = r.json.followups.find((f) => f.id === id);
      assert.ok(fu);
      assert.equal(fu.overdue, false);
      r = await volunteer.get(`${base()}/activations/${act}/followups`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.followups.map((f) => f.id), [id]);
      assert.equal(r.json.followups[0].label, sheet.cards[5].label);
      r = await volunteer.get(`${base()}/activations`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.followups_only, true);
      assertError(await resident.get(`${base()}/activations`), 403);
      assertError(await volunteer.get(`${base()}/activations/${act}/live`), 403);
      r = await volunteer.patch(`${base()}/activations/${act}/followups/${id}`, { done: true });
      assert.equal(r.status, 200, r.text);
      r = await worker.get(`${base()}/activations/${act}/live`);
      assert.equal(r.json.followups.find((f) => f.id === id), undefined, 'done follow-ups leave the view');
    });

    it('moves a help request open → matched → closed', async () => {
      let live = await worker.get(`${base()}/activations/${act}/live`);
      const req = live.json.requests[0];
      const p = `${base()}/activations/${act}/requests/${req.id}`;
      assertError(await worker.patch(p, { status: 'matched' }), 400, undefined, 'matched_to');
      assertError(await worker.patch(p, { status: 'lost' }), 400, undefined, 'status');
      let r = await worker.patch(p, { status: 'matched', matched_to: '社区药箱：胰岛素', matched_user: volunteer.user.id });
      assert.equal(r.status, 200, r.text);
      live = await worker.get(`${base()}/activations/${act}/live`);
      assert.equal(live.json.requests.find((q) => q.id === req.id).status, 'matched');
      r = await lead.patch(p, { status: 'closed' });
      assert.equal(r.status, 200, r.text);
      assertError(await worker.patch(p, { status: 'closed' }), 409);
      assertError(await worker.patch(`${base()}/activations/${act2}/requests/${req.id}`, { status: 'closed' }), 404);
    });
  });

  describe('throttling', () => {
    it('limits check-ins per card (429)', async () => {
      const t = sheet.cards[6].token;
      let last;
      for (let i = 0; i < 11; i++) last = await safePost(srv.base, { token: t, status: 'safe' });
      assertError(last, 429, 'rate_limited');
    });

    it('guessing tokens is 404 and then throttled for the address', async () => {
      const seen = [];
      for (let i = 0; i < 12; i++) {
        const guess = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
        seen.push((await safeGet(srv.base, guess)).status);
      }
      // earlier tests spent a few misses (revoked tokens, malformed ones):
      // at most 10 misses per address per window, then 429 only
      const first429 = seen.indexOf(429);
      assert.ok(first429 > 0, `throttled after some guesses: ${seen}`);
      assert.ok(seen.slice(0, first429).every((s) => s === 404), `${seen}`);
      assert.ok(seen.slice(first429).every((s) => s === 429), `${seen}`);
      // even a valid card is refused from that address now
      assertError(await safeGet(srv.base, sheet.cards[7].token), 429);
    });
  });

  describe('close and report', () => {
    it('closes (audited), stops the cards, and reports', async () => {
      let r = await worker.post(`${base()}/activations/${act}/close`, {});
      assert.equal(r.status, 200, r.text);
      assertError(await worker.post(`${base()}/activations/${act}/close`, {}), 409);
      const d = sheet.cards[4].dwelling_id;
      assertError(await worker.post(`${base()}/activations/${act}/households/${d}`, { status: 'safe' }), 409);
      r = await worker.get(`${base()}/activations/${act}/report`);
      assert.equal(r.status, 200, r.text);
      const rep = r.json;
      assert.ok(rep.timeline.declared_at > 0);
      assert.ok(rep.timeline.broadcast_at >= rep.timeline.declared_at);
      assert.ok(rep.timeline.closed_at >= rep.timeline.declared_at);
      assert.ok(rep.timeline.first_checkin <= rep.timeline.last_checkin);
      // reached: safe, needs_help and away (door cards), and the lead's mark
      assert.equal(rep.by_channel.door_card, 4);
      assert.equal(rep.by_channel.lead, 1);
      assert.equal(rep.reached, 5);
      assert.equal(rep.by_status.needs_help, 1);
      assert.equal(rep.requests.closed, 1);
      assert.ok(rep.time_to_reach.max >= 0);
      const row = rep.rows.find((x) => x.dwelling_id === sheet.cards[0].dwelling_id);
      assert.equal(row.status, 'safe');
      assert.equal(row.reached_channel, 'door_card');
      r = await worker.get(`${base()}/activations/${act}/report.csv`);
      assert.equal(r.status, 200);
      assert.match(r.text, /^\uFEFF?楼栋,房屋,状态/);
      assert.equal(r.text.trim().split('\r\n').length, rep.households + 1);
      const audit = await admin.get('/api/audit?limit=50');
      if (audit.status === 200) {
        const actions = JSON.stringify(audit.json);
        assert.match(actions, /emergency\.close/);
      }
    });
  });
});
