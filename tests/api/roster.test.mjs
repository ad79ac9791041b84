// The roster solver on a community's own shifts (issue 5): a proposal from
// the open seats and the active volunteers (skills, availability), nothing
// written; then the coordinator publishes it and every sign-up passes the
// sign-up rules. Seats nobody can take carry a reason. See docs/api.md
// "roster" and docs/roster.md.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, errOf, scopeId, unique, stopAndInspect } from './lib.mjs';

describe('roster proposal and publishing', { timeout: 120_000 }, () => {
  let srv, worker, volunteer, base, post, shifts = [];
  const CONSENT = { consent_date: '2026-01-05', consent_method: 'paper', consent_version: 'v1' };

  before(async () => {
    srv = await startServer();
    [worker, volunteer] = await Promise.all(['worker', 'volunteer'].map((u) => login(srv.base, u)));
    base = `/api/communities/${scopeId(worker.user, 'worker', 'community')}`;
    let r = await worker.post(`${base}/scenes`, { name: unique('排班场景'), template: 'blank' });
    assert.equal(r.status, 201, r.text);
    r = await worker.post(`${base}/scenes/${r.json.id}/posts`, { name: '北门岗', skills: 'gate' });
    assert.equal(r.status, 201, r.text);
    post = r.json.id;
    // three two-hour shifts tomorrow from 08:00 Beijing time, two seats each
    const day = new Date(Date.now() + 86_400_000);
    const t0 = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 0, 0) / 1000; // 08:00 +08
    for (let k = 0; k < 3; k++) {
      r = await worker.post(`${base}/posts/${post}/shifts`, { starts_at: t0 + k * 7200, ends_at: t0 + k * 7200 + 7200, headcount: 2 });
      assert.equal(r.status, 201, r.text);
      shifts.push(r.json.id);
    }
    // two volunteers with the skill, available all week; one without it
    for (const [name, skills] of [['甲', 'gate'], ['乙', 'gate,first_aid'], ['丙', 'cook']]) {
      r = await worker.post(`${base}/volunteers`, { name: `${name}${unique('')}`.slice(0, 20), birth_date: '1995-05-05', skills,
        availability: '1 00:00-23:59; 2 00:00-23:59; 3 00:00-23:59; 4 00:00-23:59; 5 00:00-23:59; 6 00:00-23:59; 7 00:00-23:59', ...CONSENT });
      assert.equal(r.status, 201, r.text);
    }
    r.from = t0;
    before.t0 = t0;
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  let proposal;
  it('proposes: staff only; every seat filled or explained; better or equal to greedy', async () => {
    const from = before.t0 - 3600;
    let r = await volunteer.post(`${base}/roster/propose`, { from, days: 1 });
    assert.equal(r.status, 403, r.text);
    r = await worker.post(`${base}/roster/propose`, { from, days: 99 });
    assert.equal(r.status, 400, r.text);
    assert.equal(errOf(r).field, 'days');
    r = await worker.post(`${base}/roster/propose`, { from, days: 1 });
    assert.equal(r.status, 200, r.text);
    proposal = r.json;
    const mine = proposal.assignments.filter((a) => shifts.includes(a.shift_id));
    assert.equal(mine.length, 6);
    for (const a of mine) assert.ok(a.volunteer_id || (a.reason && a.why), JSON.stringify(a));
    // two capable volunteers, three consecutive shifts, eight hours' rest: each
    // can take at most one shift of the morning, so two seats are filled...
    assert.ok(proposal.solver.unfilled <= proposal.greedy.unfilled, JSON.stringify(proposal));
    // ...and the cook never stands at the gate
    assert.ok(!mine.some((a) => a.name && a.name.startsWith('丙')));
  });

  it('publishes through the sign-up rules; a second publish is refused per seat', async () => {
    const chosen = proposal.assignments.filter((a) => shifts.includes(a.shift_id) && a.volunteer_id)
      .map((a) => ({ shift_id: a.shift_id, volunteer_id: a.volunteer_id }));
    assert.ok(chosen.length >= 1);
    let r = await worker.post(`${base}/roster/publish`, { assignments: chosen });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.signed_up, chosen.length, r.text);
    r = await worker.post(`${base}/roster/publish`, { assignments: chosen });
    assert.equal(r.json.signed_up, 0);
    assert.equal(r.json.results[0].rule, 'already_signed_up');
    r = await worker.post(`${base}/roster/publish`, { assignments: [{ shift_id: 'x' }] });
    assert.equal(r.status, 400, r.text);
    assert.equal(errOf(r).field, 'assignments');
  });
});
