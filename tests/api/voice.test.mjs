// New networks: micro-fund rounds and conversations. Happy paths, the stage
// rules (proposal → voting → closed; open → closed), ballots all-or-nothing,
// who may do what, another community's ids (404), and the results' reasons.
// See docs/api.md "New networks".

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

describe('micro-fund rounds and conversations', { timeout: 110_000 }, () => {
  let srv, admin, worker, resident, volunteer, grid, expert;
  let cid, other;

  before(async () => {
    srv = await startServer();
    [admin, worker, resident, volunteer, grid, expert] = await Promise.all(
      ['admin', 'worker', 'resident', 'volunteer', 'grid', 'expert'].map((u) => login(srv.base, u)));
    cid = scopeId(worker.user, 'worker', 'community');
    let r = await admin.post('/api/streets', { name: unique('街道') });
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('社区') });
    assert.equal(r.status, 201);
    other = r.json.id;
  });
  after(async () => { await stopAndInspect(srv); });

  describe('rounds', () => {
    let round, p1, p2, p3;
    const base = () => `/api/communities/${cid}/rounds`;

    it('a worker opens a round; a resident cannot', async () => {
      let r = await resident.post(base(), { title: '微基金', budget: 500000 });
      assertError(r, 403, 'forbidden');
      r = await worker.post(base(), { title: '2026 微基金', budget: 500000, rule: 'mes' });
      assert.equal(r.status, 201, r.text);
      round = r.json.id;
      r = await worker.post(base(), { title: 'x', budget: 0 });
      assertError(r, 400, 'invalid', 'budget');
      r = await worker.post(base(), { title: 'x', budget: 100, rule: 'lottery' });
      assertError(r, 400, 'invalid', 'rule');
      r = await worker.post(base(), { title: 'x', budget: 100, rule: 'mes', ballot: 'points', points: 10 });
      assertError(r, 400, 'invalid', 'rule');
      r = await worker.post(base(), { title: 'x', budget: 100, colour: 'red' });
      assertError(r, 400, 'invalid', 'colour');
    });

    it('members propose projects while the round takes proposals', async () => {
      let r = await resident.post(`${base()}/${round}/projects`, { title: '楼道照明', cost: 200000 });
      assert.equal(r.status, 201, r.text);
      p1 = r.json.id;
      r = await volunteer.post(`${base()}/${round}/projects`, { title: '儿童角', cost: 300000, proposer_kind: 'organisation' });
      assert.equal(r.status, 201, r.text);
      p2 = r.json.id;
      r = await resident.post(`${base()}/${round}/projects`, { title: '读书会', cost: 100000, proposer_kind: 'social_enterprise' });
      p3 = r.json.id;
      r = await resident.post(`${base()}/${round}/projects`, { title: '太贵', cost: 500001 });
      assertError(r, 400, 'invalid', 'cost');
      r = await resident.post(`${base()}/${round}/projects`, { title: 'x', cost: 1, proposer_kind: 'alien' });
      assertError(r, 400, 'invalid', 'proposer_kind');
    });

    it('ballots are refused before voting; a worker moves the round on', async () => {
      let r = await put(resident, `${base()}/${round}/ballot`, { projects: [p1] });
      assertError(r, 409, 'conflict');
      r = await resident.patch(`${base()}/${round}`, { status: 'voting' });
      assertError(r, 403, 'forbidden');
      r = await worker.patch(`${base()}/${round}`, { status: 'closed' });
      assertError(r, 409, 'conflict', 'status');
      r = await worker.patch(`${base()}/${round}`, { status: 'voting' });
      assert.equal(r.status, 200, r.text);
      r = await resident.post(`${base()}/${round}/projects`, { title: '晚了', cost: 1 });
      assertError(r, 409, 'conflict');
    });

    it('ballots: replaced whole, checked, and all-or-nothing', async () => {
      let r = await put(resident, `${base()}/${round}/ballot`, { projects: [p1, p1] });
      assertError(r, 400, 'invalid', 'projects');
      r = await put(resident, `${base()}/${round}/ballot`, { projects: [p1, 999999] });
      assertError(r, 404, 'not_found', 'projects');
      r = await put(resident, `${base()}/${round}/ballot`, { projects: [p1], points: [3] });
      assertError(r, 400, 'invalid', 'points');
      r = await put(resident, `${base()}/${round}/ballot`, { projects: ['a'] });
      assertError(r, 400, 'invalid', 'projects');
      r = await put(resident, `${base()}/${round}/ballot`, { projects: [p2] });
      assert.equal(r.status, 200, r.text);
      r = await put(resident, `${base()}/${round}/ballot`, { projects: [p1, p3] });
      assert.equal(r.status, 200, r.text);
      r = await resident.get(`${base()}/${round}`);
      assert.deepEqual(r.json.my_ballot.map((b) => b.project), [p1, p3]);
      assert.equal(r.json.can_manage, false);
      r = await put(volunteer, `${base()}/${round}/ballot`, { projects: [p2, p3] });
      assert.equal(r.status, 200);
      r = await put(worker, `${base()}/${round}/ballot`, { projects: [p2] });
      assert.equal(r.status, 200);
    });

    it('the result is for workers until the round closes, then for members', async () => {
      let r = await resident.get(`${base()}/${round}/result`);
      assertError(r, 403, 'forbidden');
      r = await worker.get(`${base()}/${round}/result`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.final, false);
      r = await worker.patch(`${base()}/${round}`, { status: 'closed' });
      assert.equal(r.status, 200);
      r = await put(resident, `${base()}/${round}/ballot`, { projects: [p1] });
      assertError(r, 409, 'conflict');
      r = await resident.get(`${base()}/${round}/result`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.final, true);
      // Equal Shares, 3 voters with 166,666.67 fen each: 儿童角 (2 supporters)
      // and 读书会 (2 supporters) are bought; 楼道照明's one supporter cannot
      // pay 200,000.
      assert.deepEqual(r.json.funded, [p2, p3]);
      assert.equal(r.json.cost, 400000);
      const byId = Object.fromEntries(r.json.projects.map((p) => [p.id, p]));
      assert.equal(byId[p1].reason, 'unaffordable');
      assert.equal(byId[p2].reason, 'bought');
      assert.equal(byId[p2].price, 15000000); // 150,000 fen in 1/100 fen
      assert.equal(byId[p3].paid_all, 1);
    });

    it('greedy rounds with points ballots', async () => {
      let r = await worker.post(base(), { title: '积分', budget: 1000, rule: 'greedy', ballot: 'points', points: 10 });
      assert.equal(r.status, 201, r.text);
      const g = r.json.id;
      const a = (await worker.post(`${base()}/${g}/projects`, { title: 'A', cost: 600 })).json.id;
      const b = (await worker.post(`${base()}/${g}/projects`, { title: 'B', cost: 500 })).json.id;
      const c = (await worker.post(`${base()}/${g}/projects`, { title: 'C', cost: 400 })).json.id;
      await worker.patch(`${base()}/${g}`, { status: 'voting' });
      r = await put(resident, `${base()}/${g}/ballot`, { projects: [a, b] });
      assertError(r, 400, 'invalid', 'points');
      r = await put(resident, `${base()}/${g}/ballot`, { projects: [a, b], points: [6, 5] });
      assertError(r, 400, 'invalid', 'points');
      r = await put(resident, `${base()}/${g}/ballot`, { projects: [a, b, c], points: [5, 4, 1] });
      assert.equal(r.status, 200, r.text);
      r = await put(volunteer, `${base()}/${g}/ballot`, { projects: [b, c], points: [5, 5] });
      assert.equal(r.status, 200, r.text);
      r = await worker.get(`${base()}/${g}/result`);
      // points: B 9, C 6, A 5 → B (500) fits, C (400) fits, A (600) does not
      assert.deepEqual(r.json.funded, [b, c]);
      const A = r.json.projects.find((p) => p.id === a);
      assert.equal(A.reason, 'no_fit');
      assert.equal(A.left, 100);
      r = await worker.get(`${base()}/${g}/pb`);
      assert.equal(r.status, 200);
      assert.match(r.text, /^META\n/);
      assert.match(r.text, /vote_type;cumulative/);
    });

    it('residents-only rounds refuse other roles; other communities are 404', async () => {
      let r = await worker.post(base(), { title: '居民', budget: 1000, eligible: 'residents' });
      const only = r.json.id;
      await worker.post(`${base()}/${only}/projects`, { title: 'A', cost: 100 });
      await worker.patch(`${base()}/${only}`, { status: 'voting' });
      r = await put(grid, `${base()}/${only}/ballot`, { projects: [] });
      assertError(r, 403, 'forbidden');
      r = await put(resident, `${base()}/${only}/ballot`, { projects: [] });
      assert.equal(r.status, 200, r.text);
      r = await resident.get(`/api/communities/${other}/rounds`);
      assertError(r, 404, 'not_found');
      r = await admin.post(`/api/communities/${other}/rounds`, { title: '别处', budget: 100 });
      assert.equal(r.status, 201);
      r = await resident.get(`/api/communities/${cid}/rounds/${r.json.id}`);
      assertError(r, 404, 'not_found');
      r = await resident.get(`/api/communities/${cid}/rounds/${round}/pb`);
      assertError(r, 403, 'forbidden');
    });
  });

  describe('conversations', () => {
    let conv, s1, s2;
    const base = () => `/api/communities/${cid}/conversations`;

    it('a worker opens a conversation; members write statements', async () => {
      let r = await resident.post(base(), { title: '电梯' });
      assertError(r, 403, 'forbidden');
      r = await worker.post(base(), { title: '加装电梯怎么分摊', moderation: 'strict' });
      assert.equal(r.status, 201, r.text);
      conv = r.json.id;
      r = await worker.post(base(), { title: 'x', moderation: 'none' });
      assertError(r, 400, 'invalid', 'moderation');
      r = await resident.post(`${base()}/${conv}/statements`, { text: '低楼层也应该出一部分钱' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.status, 'pending');
      s1 = r.json.id;
      r = await volunteer.post(`${base()}/${conv}/statements`, { text: '按楼层高低分摊' });
      s2 = r.json.id;
      r = await resident.post(`${base()}/${conv}/statements`, { text: '长'.repeat(141) });
      assertError(r, 400, 'invalid', 'text');
    });

    it('pending statements are hidden from others and take no votes', async () => {
      let r = await volunteer.get(`${base()}/${conv}`);
      assert.deepEqual(r.json.statements.map((s) => s.id), [s2]);
      r = await put(volunteer, `${base()}/${conv}/statements/${s1}/vote`, { vote: 1 });
      assertError(r, 404, 'not_found');
      r = await worker.get(`${base()}/${conv}`);
      assert.equal(r.json.statements.length, 2);
      assert.equal(r.json.can_moderate, true);
    });

    it('workers moderate with a reason, audited', async () => {
      let r = await resident.patch(`${base()}/${conv}/statements/${s1}`, { status: 'accepted', reason: 'ok' });
      assertError(r, 403, 'forbidden');
      r = await worker.patch(`${base()}/${conv}/statements/${s1}`, { status: 'accepted' });
      assertError(r, 400, 'invalid', 'reason');
      r = await worker.patch(`${base()}/${conv}/statements/${s1}`, { status: 'accepted', reason: '符合议题' });
      assert.equal(r.status, 200, r.text);
      r = await worker.patch(`${base()}/${conv}/statements/${s2}`, { status: 'rejected', reason: '重复' });
      assert.equal(r.status, 200);
      r = await volunteer.get(`${base()}/${conv}`);
      const mine = r.json.statements.find((s) => s.id === s2);
      assert.equal(mine.status, 'rejected');
      assert.equal(mine.reason, '重复');
    });

    it('votes: the latest counts; next offers what is left', async () => {
      let r = await volunteer.get(`${base()}/${conv}/next`);
      assert.equal(r.json.statement.id, s1);
      assert.equal(r.json.remaining, 1);
      r = await put(volunteer, `${base()}/${conv}/statements/${s1}/vote`, { vote: 1 });
      assert.equal(r.status, 200, r.text);
      r = await put(volunteer, `${base()}/${conv}/statements/${s1}/vote`, { vote: -1 });
      assert.equal(r.status, 200);
      r = await put(volunteer, `${base()}/${conv}/statements/${s1}/vote`, { vote: 2 });
      assertError(r, 400, 'invalid', 'vote');
      r = await volunteer.get(`${base()}/${conv}`);
      const s = r.json.statements.find((x) => x.id === s1);
      assert.equal(s.agree, 0);
      assert.equal(s.disagree, 1);
      assert.equal(s.my_vote, -1);
      r = await volunteer.get(`${base()}/${conv}/next`);
      assert.equal(r.json.statement, null);
      assert.equal(r.json.remaining, 0);
    });

    it('the map: two camps, anonymous points, my point marked', async () => {
      let r = await worker.post(base(), { title: '停车', moderation: 'loose' });
      const m = r.json.id;
      const ids = [];
      for (const t of ['甲', '乙', '丙', '丁']) {
        r = await worker.post(`${base()}/${m}/statements`, { text: `观点${t}` });
        assert.equal(r.json.status, 'accepted');
        ids.push(r.json.id);
      }
      r = await resident.get(`${base()}/${m}/map`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.k, 0, 'no votes, no groups');
      // worker and grid agree with everything, resident and volunteer disagree
      for (const [c, v] of [[worker, 1], [grid, 1], [resident, -1], [volunteer, -1]]) {
        for (const s of ids) {
          r = await put(c, `${base()}/${m}/statements/${s}/vote`, { vote: v });
          assert.equal(r.status, 200, r.text);
        }
      }
      r = await resident.get(`${base()}/${m}/map`);
      assert.equal(r.status, 200, r.text);
      const map = r.json;
      assert.equal(map.participants, 4);
      assert.equal(map.k, 2);
      assert.deepEqual(map.groups.map((g) => g.size).sort(), [2, 2]);
      assert.equal(map.points.filter((p) => p.me).length, 1);
      assert.ok(map.points.every((p) => !('user_id' in p) && !('id' in p)), 'points are anonymous');
      const mine = map.points.find((p) => p.me);
      const same = map.points.filter((p) => p.group === mine.group);
      assert.equal(same.length, 2);
      const rep = map.groups[mine.group].representative;
      assert.ok(rep.length > 0 && rep.every((s) => s.direction === 'disagree'), JSON.stringify(rep));
      assert.ok(map.divisive.length > 0);
      r = await worker.get(`${base()}/${m}/export?file=votes`);
      assert.equal(r.status, 200);
      assert.match(r.text, /^timestamp,datetime,comment-id,voter-id,vote\n/);
      assert.equal(r.text.trim().split('\n').length, 1 + 16);
      r = await worker.get(`${base()}/${m}/export?file=participants`);
      assert.match(r.text, /^participant,group-id,n-comments,n-votes,n-agree,n-disagree/);
      r = await worker.get(`${base()}/${m}/export?file=secrets`);
      assertError(r, 400, 'invalid', 'file');
      r = await resident.get(`${base()}/${m}/export?file=votes`);
      assertError(r, 403, 'forbidden');
    });

    it('closing ends writing; other communities are 404', async () => {
      let r = await worker.patch(`${base()}/${conv}`, { status: 'closed' });
      assert.equal(r.status, 200);
      r = await worker.patch(`${base()}/${conv}`, { status: 'closed' });
      assertError(r, 409, 'conflict');
      r = await put(resident, `${base()}/${conv}/statements/${s1}/vote`, { vote: 1 });
      assertError(r, 409, 'conflict');
      r = await resident.post(`${base()}/${conv}/statements`, { text: '还有' });
      assertError(r, 409, 'conflict');
      r = await resident.get(`/api/communities/${other}/conversations`);
      assertError(r, 404, 'not_found');
      r = await expert.get(`${base()}`);
      assert.equal(r.status, 200, 'an expert scoped to the street is a member');
    });
  });
});
