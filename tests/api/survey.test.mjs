// Surveys (问卷): who may do what, another community's ids (404), drafts
// hidden from members, validation naming the field, answers replaced by
// answering again, anonymous answers changed only with their token and
// stored with no user id, results (exact scale mean), hiding a text answer
// (audited), the CSV export. See docs/api.md "New networks: surveys".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, errOf, scopeId, unique, stopAndInspect, psql, BACKEND } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

const put = (c, p, body) => c.req('PUT', p, body);

const QUESTIONS = [
  { kind: 'single', text: '您住几楼?', required: true, options: ['1-3', '4-6', '7+'] },
  { kind: 'multiple', text: '最关心哪些?', options: ['照明', '卫生', '堆物'], max_picks: 2 },
  { kind: 'scale', text: '满意度', scale_max: 5, min_label: '很差', max_label: '很好', required: true },
  { kind: 'text', text: '其他建议', max_length: 20 },
];

describe('surveys', { timeout: 110_000 }, () => {
  let srv, admin, worker, resident, volunteer, grid;
  let cid, other;
  const base = () => `/api/communities/${cid}/surveys`;

  function sql(q) {
    if (BACKEND === 'postgres') return psql(q, srv.db).trim();
    const r = spawnSync('sqlite3', [srv.db, q], { encoding: 'utf8' });
    if (r.error) return null;
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  }

  before(async () => {
    srv = await startServer();
    [admin, worker, resident, volunteer, grid] = await Promise.all(
      ['admin', 'worker', 'resident', 'volunteer', 'grid'].map((u) => login(srv.base, u)));
    cid = scopeId(worker.user, 'worker', 'community');
    let r = await admin.post('/api/streets', { name: unique('街道') });
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('社区') });
    assert.equal(r.status, 201);
    other = r.json.id;
  });
  after(async () => {
    const x = await stopAndInspect(srv);
    assert.equal(x.sanitizer, null);
  });

  let named, q, o;

  it('a worker creates a survey; a resident cannot; validation names the field', async () => {
    let r = await resident.post(base(), { title: '问卷', questions: QUESTIONS });
    assertError(r, 403, 'forbidden');
    r = await worker.post(`/api/communities/${other}/surveys`, { title: '问卷', questions: QUESTIONS });
    assertError(r, 404, 'not_found');
    r = await worker.post(base(), { title: '问卷' });
    assertError(r, 400, 'invalid', 'questions');
    r = await worker.post(base(), { title: '', questions: QUESTIONS });
    assertError(r, 400, 'invalid', 'title');
    r = await worker.post(base(), { title: 'x', questions: [QUESTIONS[0], { kind: 'single', text: 'q', options: ['a'] }] });
    assertError(r, 400, 'invalid', 'questions[1].options');
    r = await worker.post(base(), { title: 'x', questions: [{ kind: 'poll', text: 'q' }] });
    assertError(r, 400, 'invalid', 'questions[0].kind');
    r = await worker.post(base(), { title: 'x', questions: [{ kind: 'text', text: 'q', scale_max: 5 }] });
    assertError(r, 400, 'invalid', 'questions[0].scale_max');
    r = await worker.post(base(), { title: 'x', questions: [{ kind: 'scale', text: 'q', scale_max: 11 }] });
    assertError(r, 400, 'invalid', 'questions[0].scale_max');
    r = await worker.post(base(), { title: 'x', questions: QUESTIONS, colour: 'red' });
    assertError(r, 400, 'invalid', 'colour');
    r = await worker.post(base(), { title: '楼道环境问卷', intro: '两分钟', questions: QUESTIONS });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'draft');
    named = r.json.id;
  });

  it('a draft is the workers\' own; members see it once open', async () => {
    let r = await resident.get(`${base()}/${named}`);
    assertError(r, 404);
    r = await resident.get(base());
    assert.equal(r.status, 200);
    assert.ok(!r.json.surveys.some((s) => s.id === named));
    r = await worker.get(`${base()}/${named}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.can_manage, true);
    q = r.json.questions.map((x) => x.id);
    o = r.json.questions.map((x) => (x.options || []).map((y) => y.id));
    assert.equal(r.json.questions[1].max_picks, 2);
    assert.equal(r.json.questions[1].min_picks, 1);
    r = await put(resident, `${base()}/${named}/answer`, { answers: [{ question: q[0], choices: [o[0][0]] }] });
    assertError(r, 404);
    r = await resident.patch(`${base()}/${named}`, { status: 'open' });
    assertError(r, 403, 'forbidden'); // a role that may not: 403 before the survey is looked at
    r = await worker.patch(`${base()}/${named}`, { status: 'closed' });
    assertError(r, 409, 'conflict', 'status');
    r = await worker.patch(`${base()}/${named}`, { status: 'open' });
    assert.equal(r.status, 200, r.text);
    r = await resident.get(`${base()}/${named}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.answered, false);
    assert.equal(r.json.can_manage, false);
    r = await resident.get(`/api/communities/${other}/surveys/${named}`);
    assertError(r, 404);
    r = await admin.get(`/api/communities/${other}/surveys/${named}`);
    assertError(r, 404); // the survey is not in that community
  });

  it('answers are validated naming the item and field, all or nothing', async () => {
    const url = `${base()}/${named}/answer`;
    let r = await put(resident, url, { answers: [{ question: q[0], choices: [o[0][0]] }] });
    assertError(r, 400, 'invalid', 'answers'); // the scale is required
    r = await put(resident, url, { answers: [{ question: q[0], choices: [o[0][0], o[0][1]] }, { question: q[2], value: 3 }] });
    assertError(r, 400, 'invalid', 'answers[0].choices');
    r = await put(resident, url, { answers: [{ question: q[0], choices: [o[1][0]] }, { question: q[2], value: 3 }] });
    assertError(r, 400, 'invalid', 'answers[0].choices');
    r = await put(resident, url, { answers: [{ question: q[0], choices: [o[0][0]] }, { question: q[2], value: 0 }] });
    assertError(r, 400, 'invalid', 'answers[1].value');
    r = await put(resident, url, { answers: [{ question: q[0], choices: [o[0][0]] }, { question: q[2], value: 3 }, { question: q[3], text: '字'.repeat(21) }] });
    assertError(r, 400, 'invalid', 'answers[2].text');
    r = await put(resident, url, { answers: [{ question: q[0], choices: [o[0][0]] }, { question: 999999, value: 3 }] });
    assertError(r, 400, 'invalid', 'answers[1].question');
    r = await put(resident, url, { answers: [], extra: 1 });
    assertError(r, 400, 'invalid', 'extra');
    r = await put(resident, url, { answers: [{ question: q[0], choices: [o[0][0]] }, { question: q[2], value: 3 }], change_token: 'x'.repeat(43) });
    assertError(r, 400, 'invalid', 'change_token');
    r = await resident.get(`${base()}/${named}`);
    assert.equal(r.json.answered, false);
  });

  it('members answer and change their answer until close', async () => {
    const url = `${base()}/${named}/answer`;
    let r = await put(resident, url, { answers: [{ question: q[0], choices: [o[0][0]] }, { question: q[2], value: 5 }, { question: q[3], text: '多装路灯' }] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.change_token, undefined);
    r = await put(resident, url, { answers: [{ question: q[0], choices: [o[0][2]] }, { question: q[2], value: 4 }, { question: q[1], choices: [o[1][0], o[1][2]] }] });
    assert.equal(r.status, 200, r.text);
    r = await resident.get(`${base()}/${named}`);
    assert.equal(r.json.answered, true);
    assert.deepEqual(r.json.my_answers, [
      { question: q[0], choices: [o[0][2]] },
      { question: q[1], choices: [o[1][0], o[1][2]].sort((a, b) => a - b) },
      { question: q[2], value: 4 },
    ]);
    r = await put(volunteer, url, { answers: [{ question: q[0], choices: [o[0][2]] }, { question: q[2], value: 4 }] });
    assert.equal(r.status, 200, r.text);
    r = await put(grid, url, { answers: [{ question: q[0], choices: [o[0][1]] }, { question: q[2], value: 3 }, { question: q[3], text: '=HYPERLINK("x")' }] });
    assert.equal(r.status, 200, r.text);
  });

  it('results: members after close, workers any time; exact mean; hiding is audited', async () => {
    let r = await resident.get(`${base()}/${named}/results`);
    assertError(r, 403, 'forbidden');
    r = await worker.get(`${base()}/${named}/results`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.final, false);
    assert.equal(r.json.respondents, 3);
    const [r0, r1, r2, r3] = r.json.questions;
    assert.deepEqual(r0.options.map((x) => x.count), [0, 1, 2]);
    assert.deepEqual(r1.options.map((x) => x.count), [1, 0, 1]);
    assert.deepEqual(r2.distribution, [0, 0, 1, 2, 0]);
    assert.equal(r2.mean, '11/3');
    assert.equal(r2.mean_decimal, '3.67');
    assert.equal(r3.texts.length, 1);
    const textId = r3.texts[0].id;

    r = await resident.post(`${base()}/${named}/answers/${textId}/hide`, { reason: '广告' });
    assertError(r, 403, 'forbidden');
    r = await worker.post(`${base()}/${named}/answers/${textId}/hide`, {});
    assertError(r, 400, 'invalid', 'reason');
    r = await worker.post(`${base()}/${named}/answers/${textId}/hide`, { reason: '含链接' });
    assert.equal(r.status, 200, r.text);

    r = await worker.get(`${base()}/${named}/results.csv`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    // fetch's text() drops the byte order mark (test_survey.c checks its bytes)
    assert.ok(r.text.replace(/^\ufeff/, '').startsWith('question,text,kind,answer,count\r\n'), r.text.slice(0, 80));
    assert.ok(r.text.includes('1,您住几楼?,single,7+,2\r\n'), r.text);
    assert.ok(r.text.includes('3,满意度,scale,mean 11/3,3.67\r\n'));
    assert.ok(!r.text.includes('HYPERLINK'), 'the hidden answer is not exported');
    r = await resident.get(`${base()}/${named}/results.csv`);
    assertError(r, 403);

    r = await worker.patch(`${base()}/${named}`, { status: 'closed' });
    assert.equal(r.status, 200);
    r = await put(volunteer, `${base()}/${named}/answer`, { answers: [{ question: q[0], choices: [o[0][2]] }, { question: q[2], value: 1 }] });
    assertError(r, 409, 'conflict');
    r = await resident.get(`${base()}/${named}/results`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.final, true);
    assert.equal(r.json.questions[3].texts.length, 0);
    assert.equal(r.json.questions[3].hidden, 1);
    r = await worker.get(`${base()}/${named}/results`);
    assert.equal(r.json.questions[3].texts[0].hidden_reason, '含链接');
    const audited = sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'survey.answer.hide' AND subject = 'survey_answer:${textId}'`);
    if (audited !== null) assert.equal(audited, '1');
  });

  it('anonymous: changed only with the token, and no user id is stored with the answers', async () => {
    let r = await worker.post(base(), { title: '匿名问卷', anonymous: true, questions: QUESTIONS.slice(0, 3) });
    assert.equal(r.status, 201, r.text);
    const anon = r.json.id;
    r = await worker.patch(`${base()}/${anon}`, { status: 'open' });
    assert.equal(r.status, 200);
    r = await resident.get(`${base()}/${anon}`);
    const aq = r.json.questions.map((x) => x.id);
    const ao = r.json.questions.map((x) => (x.options || []).map((y) => y.id));
    const url = `${base()}/${anon}/answer`;
    r = await put(resident, url, { answers: [{ question: aq[0], choices: [ao[0][0]] }, { question: aq[2], value: 2 }] });
    assert.equal(r.status, 200, r.text);
    const token = r.json.change_token;
    assert.equal(typeof token, 'string');
    assert.equal(token.length, 43);
    r = await put(volunteer, url, { answers: [{ question: aq[0], choices: [ao[0][1]] }, { question: aq[2], value: 4 }] });
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.json.change_token, token);

    r = await put(resident, url, { answers: [{ question: aq[0], choices: [ao[0][2]] }, { question: aq[2], value: 5 }] });
    assertError(r, 409, 'conflict', 'change_token');
    r = await put(resident, url, { answers: [{ question: aq[0], choices: [ao[0][2]] }, { question: aq[2], value: 5 }], change_token: 'A'.repeat(43) });
    assertError(r, 409, 'conflict', 'change_token');
    r = await put(resident, url, { answers: [{ question: aq[0], choices: [ao[0][2]] }, { question: aq[2], value: 5 }], change_token: token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.change_token, undefined);
    r = await resident.get(`${base()}/${anon}`);
    assert.equal(r.json.answered, true);
    assert.equal(r.json.my_answers, undefined);

    r = await worker.get(`${base()}/${anon}/results`);
    assert.equal(r.json.respondents, 2);
    assert.deepEqual(r.json.questions[0].options.map((x) => x.count), [0, 1, 1]);
    assert.equal(r.json.questions[2].mean, '9/2');

    const who = sql(`SELECT COUNT(*) FROM survey_respondents WHERE survey_id = ${anon}`);
    if (who !== null) {
      assert.equal(who, '2');
      assert.equal(sql(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ${anon}`), '2');
      assert.equal(sql(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ${anon} AND user_id IS NOT NULL`), '0');
      assert.equal(sql(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ${named} AND user_id IS NOT NULL`), '3');
    }
  });
});
