// Topics (议题): raising with a scope and a category, support (附议) moving
// a proposal into discussion at the threshold, stages by workers only with a
// note, threaded comments (depth limit, edit by the author), moderation with
// a reason that is audited, the decision, accountability items with
// progress, meetings from templates with minutes, and another community's
// ids (404). See docs/api.md "Topics".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, errOf, scopeId, unique, stopAndInspect, BACKEND, BIN } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

const put = (c, p, body) => c.req('PUT', p, body);

describe('topics', { timeout: 110_000 }, () => {
  let srv, admin, worker, resident, volunteer, grid, lead;
  let cid, other, otherTopic, building, compound, unit;
  const base = () => `/api/communities/${cid}/topics`;

  before(async () => {
    srv = await startServer();
    [admin, worker, resident, volunteer, grid, lead] = await Promise.all(
      ['admin', 'worker', 'resident', 'volunteer', 'grid', 'lead'].map((u) => login(srv.base, u)));
    cid = scopeId(worker.user, 'worker', 'community');
    let r = await worker.get(`/api/communities/${cid}`);
    compound = r.json.compounds[0].id;
    building = r.json.compounds[0].buildings[0].id;
    r = await worker.get(`/api/communities/${cid}/buildings/${building}`);
    unit = r.json.units[0].id;
    r = await admin.post('/api/streets', { name: unique('街道') });
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('社区') });
    other = r.json.id;
    r = await admin.post(`/api/communities/${other}/topics`, { title: '别处的议题', body: '正文', category: '停车' });
    assert.equal(r.status, 201, r.text);
    otherTopic = r.json.id;
  });
  after(async () => {
    const x = await stopAndInspect(srv);
    assert.equal(x.sanitizer, null, x.sanitizer);
  });

  let topic;

  it('settings: default categories, threshold and the three meeting templates', async () => {
    const r = await resident.get(`/api/communities/${cid}/topic-settings`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.categories.map((c) => c.name),
      ['加装电梯', '停车', '楼道堆物', '环境卫生', '物业服务', '公共空间', '安全', '其他']);
    assert.equal(r.json.categories[0].en, 'Adding a lift');
    assert.equal(r.json.support_threshold, 5);
    assert.equal(r.json.can_manage, false);
    assert.deepEqual(r.json.meeting_templates.map((t) => t.zh), ['听证会', '协调会', '评议会']);
    assert.ok(r.json.meeting_templates[0].roles.some((x) => x.zh === '主持人'));
    assert.ok(r.json.places.length >= 1 && r.json.places[0].buildings.length >= 1);
  });

  it('a resident raises a topic about a building; bad input names the field', async () => {
    let r = await resident.post(base(), { title: '3号楼加装电梯', body: '老人上下楼困难，希望加装电梯。', category: '加装电梯', scope: 'building', scope_id: building });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.stage, 'proposal');
    topic = r.json.id;
    r = await resident.post(base(), { title: '', body: 'x', category: '停车' });
    assertError(r, 400, 'invalid', 'title');
    r = await resident.post(base(), { title: 'x'.repeat(101), body: 'x', category: '停车' });
    assertError(r, 400, 'invalid', 'title');
    r = await resident.post(base(), { title: '标题', body: 'x', category: '不存在的分类' });
    assertError(r, 400, 'invalid', 'category');
    r = await resident.post(base(), { title: '标题', body: 'x', category: '停车', scope: 'planet' });
    assertError(r, 400, 'invalid', 'scope');
    r = await resident.post(base(), { title: '标题', body: 'x', category: '停车', scope: 'building' });
    assertError(r, 400, 'invalid', 'scope_id');
    r = await resident.post(base(), { title: '标题', body: 'x', category: '停车', scope: 'building', scope_id: 99999999 });
    assertError(r, 404, 'not_found', 'scope_id');
    r = await resident.post(base(), { title: '标题', body: 'x', category: '停车', colour: 'red' });
    assertError(r, 400, 'invalid', 'colour');
    r = await resident.post(base(), { title: '单元楼道', body: '楼道堆物', category: '楼道堆物', scope: 'unit', scope_id: unit });
    assert.equal(r.status, 201, r.text);
    r = await resident.post(base(), { title: '小区停车', body: '停车难', category: '停车', scope: 'compound', scope_id: compound });
    assert.equal(r.status, 201, r.text);
  });

  it('lists with filters; the topic shows its scope and first timeline event', async () => {
    let r = await volunteer.get(`${base()}?category=${encodeURIComponent('加装电梯')}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.topics.map((t) => t.id), [topic]);
    assert.equal(r.json.topics[0].scope.kind, 'building');
    assert.match(r.json.topics[0].scope.name, /\S+ \S+/);
    r = await volunteer.get(`${base()}?scope=unit`);
    assert.equal(r.json.topics.length, 1);
    assert.equal(r.json.topics[0].scope.kind, 'unit');
    r = await volunteer.get(`${base()}?stage=voting`);
    assertError(r, 400, 'invalid', 'stage');
    r = await volunteer.get(`${base()}/${topic}`);
    assert.equal(r.json.raiser_kind, 'resident');
    assert.equal(r.json.timeline.length, 1);
    assert.equal(r.json.timeline[0].to, 'proposal');
    assert.equal(r.json.can_manage, false);
  });

  it("another community's topic is 404, under every path", async () => {
    let r = await worker.get(`${base()}/${otherTopic}`);
    assertError(r, 404, 'not_found');
    r = await worker.patch(`${base()}/${otherTopic}`, { stage: 'discussion', note: 'x' });
    assertError(r, 404, 'not_found');
    r = await put(resident, `${base()}/${otherTopic}/support`);
    assertError(r, 404, 'not_found');
    r = await resident.post(`${base()}/${otherTopic}/comments`, { body: 'x' });
    assertError(r, 404, 'not_found');
    r = await resident.get(`/api/communities/${other}/topics`);
    assertError(r, 404, 'not_found');
  });

  it('support: once per user; a resident may not move stages', async () => {
    let r = await put(resident, `${base()}/${topic}/support`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.support, 1);
    r = await put(resident, `${base()}/${topic}/support`);
    assert.equal(r.json.support, 1);
    r = await resident.patch(`${base()}/${topic}`, { stage: 'discussion', note: '我想讨论' });
    assertError(r, 403, 'forbidden');
    r = await grid.patch(`${base()}/${topic}`, { stage: 'discussion', note: '网格员' });
    assertError(r, 403, 'forbidden');
  });

  it('the threshold moves a proposal into discussion by itself', async () => {
    let r = await put(worker, `/api/communities/${cid}/topic-settings`, { categories: ['加装电梯', '停车', '楼道堆物'], support_threshold: 3 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.support_threshold, 3);
    assert.equal(r.json.custom, true);
    r = await put(resident, `/api/communities/${cid}/topic-settings`, { categories: ['x'], support_threshold: 3 });
    assertError(r, 403, 'forbidden');
    r = await put(worker, `/api/communities/${cid}/topic-settings`, { categories: ['a', 'a'], support_threshold: 3 });
    assertError(r, 400, 'invalid', 'categories');
    r = await put(worker, `/api/communities/${cid}/topic-settings`, { categories: ['a'], support_threshold: 0 });
    assertError(r, 400, 'invalid', 'support_threshold');
    r = await put(volunteer, `${base()}/${topic}/support`);
    assert.equal(r.json.support, 2);
    assert.equal(r.json.stage, 'proposal');
    r = await put(lead, `${base()}/${topic}/support`);
    assert.equal(r.json.support, 3);
    assert.equal(r.json.stage, 'discussion');
    r = await resident.get(`${base()}/${topic}`);
    assert.equal(r.json.stage, 'discussion');
    const last = r.json.timeline.at(-1);
    assert.equal(last.from, 'proposal');
    assert.equal(last.to, 'discussion');
    assert.equal(last.actor_id, 0);
    assert.equal(r.json.supported, true);
  });

  let c1, c2, c3;
  it('comments: replies at most 3 deep; authors edit; others cannot', async () => {
    let r = await resident.post(`${base()}/${topic}/comments`, { body: '一楼住户怎么办？' });
    assert.equal(r.status, 201, r.text);
    c1 = r.json.id;
    r = await volunteer.post(`${base()}/${topic}/comments`, { body: '可以协商补偿', parent_id: c1 });
    c2 = r.json.id;
    r = await resident.post(`${base()}/${topic}/comments`, { body: '补偿多少？', parent_id: c2 });
    assert.equal(r.status, 201, r.text);
    c3 = r.json.id;
    r = await volunteer.post(`${base()}/${topic}/comments`, { body: '太深了', parent_id: c3 });
    assertError(r, 400, 'invalid', 'parent_id');
    r = await volunteer.post(`${base()}/${topic}/comments`, { body: 'x', parent_id: 99999999 });
    assertError(r, 404, 'not_found', 'parent_id');
    r = await volunteer.post(`${base()}/${topic}/comments`, { body: 'x'.repeat(1001) });
    assertError(r, 400, 'invalid', 'body');
    r = await resident.patch(`${base()}/${topic}/comments/${c1}`, { body: '一楼住户的意见怎么办？' });
    assert.equal(r.status, 200, r.text);
    r = await volunteer.patch(`${base()}/${topic}/comments/${c1}`, { body: '改别人的' });
    assertError(r, 403, 'forbidden');
    r = await resident.get(`${base()}/${topic}`);
    const first = r.json.comments.find((c) => c.id === c1);
    assert.equal(first.body, '一楼住户的意见怎么办？');
    assert.ok(first.edited_at);
    assert.deepEqual(r.json.comments.map((c) => c.depth), [1, 2, 3]);
  });

  it('moderation: a reason is required, shown, and audited', async () => {
    let r = await resident.req('PUT', `${base()}/${topic}/comments/${c2}/hidden`, { hidden: true, reason: 'x' });
    assertError(r, 403, 'forbidden');
    r = await worker.req('PUT', `${base()}/${topic}/comments/${c2}/hidden`, { hidden: true });
    assertError(r, 400, 'invalid', 'reason');
    r = await worker.req('PUT', `${base()}/${topic}/comments/${c2}/hidden`, { hidden: true, reason: '含有个人电话' });
    assert.equal(r.status, 200, r.text);
    r = await resident.get(`${base()}/${topic}`);
    let c = r.json.comments.find((x) => x.id === c2);
    assert.equal(c.hidden, true);
    assert.equal(c.reason, '含有个人电话');
    assert.equal(c.body, undefined);
    r = await volunteer.get(`${base()}/${topic}`);
    c = r.json.comments.find((x) => x.id === c2);
    assert.equal(c.body, '可以协商补偿');
    assert.equal(c.reason, '含有个人电话');
    r = await volunteer.patch(`${base()}/${topic}/comments/${c2}`, { body: '改一下' });
    assertError(r, 409, 'conflict');
  });

  it('the moderation is in the audit log, and the chain verifies', { skip: BACKEND !== 'sqlite' }, async () => {
    const q = spawnSync('sqlite3', [srv.db,
      "SELECT action, subject, detail FROM audit_log WHERE action LIKE 'topic%' ORDER BY id;"], { encoding: 'utf8' });
    if (q.error) return; /* no sqlite3 shell */
    assert.match(q.stdout, new RegExp(`topic_comment\\.hide\\|topic_comment:${c2}\\|含有个人电话`));
    const v = spawnSync(BIN, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  it('stages: a note is required; forbidden moves are 409; the decision comes first', async () => {
    let r = await worker.patch(`${base()}/${topic}`, { stage: 'decision' });
    assertError(r, 400, 'invalid', 'note');
    r = await worker.patch(`${base()}/${topic}`, { stage: 'closed', note: '跳过' });
    assertError(r, 409, 'conflict', 'stage');
    r = await worker.patch(`${base()}/${topic}`, { stage: 'voting', note: 'x' });
    assertError(r, 400, 'invalid', 'stage');
    r = await put(worker, `${base()}/${topic}/decision`, { outcome: '同意加装', decided_by: 'meeting' });
    assertError(r, 409, 'conflict', 'stage');
    r = await worker.patch(`${base()}/${topic}`, { stage: 'decision', note: '讨论充分，进入决策' });
    assert.equal(r.status, 200, r.text);
    r = await worker.patch(`${base()}/${topic}`, { stage: 'follow_up', note: '还没决定' });
    assertError(r, 409, 'conflict', 'stage');
    r = await put(worker, `${base()}/${topic}/decision`, { outcome: 'x', decided_by: 'coin' });
    assertError(r, 400, 'invalid', 'decided_by');
    r = await put(resident, `${base()}/${topic}/decision`, { outcome: 'x', decided_by: 'meeting' });
    assertError(r, 403, 'forbidden');
    r = await put(worker, `${base()}/${topic}/decision`, { outcome: '经业主表决同意加装电梯，费用按楼层分摊。', decided_by: 'owner_vote', vote_id: 12 });
    assert.equal(r.status, 200, r.text);
    r = await worker.patch(`${base()}/${topic}`, { stage: 'follow_up', note: '进入落实阶段' });
    assert.equal(r.status, 200, r.text);
    r = await resident.get(`${base()}/${topic}`);
    assert.equal(r.json.decision.decided_by, 'owner_vote');
    assert.equal(r.json.decision.vote_id, 12);
    assert.deepEqual(r.json.timeline.map((e) => e.to), ['proposal', 'discussion', 'decision', 'follow_up']);
  });

  let late, onTime;
  it('accountability: items with owners and due dates; overdue flagged; progress visible', async () => {
    let r = await worker.post(`${base()}/${topic}/actions`, { task: '联系电梯公司出方案', owner_name: '物业公司', due: '2020-01-31' });
    assert.equal(r.status, 201, r.text);
    late = r.json.id;
    r = await worker.post(`${base()}/${topic}/actions`, { task: '征求一楼住户意见', owner_name: '赵建国', owner_user_id: resident.user.id, due: '2099-12-31' });
    assert.equal(r.status, 201, r.text);
    onTime = r.json.id;
    r = await worker.post(`${base()}/${topic}/actions`, { task: 'x', owner_name: 'y', due: '2025-02-30' });
    assertError(r, 400, 'invalid', 'due');
    r = await resident.post(`${base()}/${topic}/actions`, { task: 'x', owner_name: 'y', due: '2099-01-01' });
    assertError(r, 403, 'forbidden');
    r = await resident.post(`${base()}/${topic}/actions/${onTime}/progress`, { text: '已走访 4 户', percent: 40 });
    assert.equal(r.status, 201, r.text);
    r = await volunteer.post(`${base()}/${topic}/actions/${onTime}/progress`, { text: '不是我的' });
    assertError(r, 403, 'forbidden');
    r = await worker.post(`${base()}/${topic}/actions/${late}/progress`, { text: 'x', percent: 101 });
    assertError(r, 400, 'invalid', 'percent');
    r = await worker.post(`${base()}/${topic}/actions/${late}/progress`, { text: 'x', status: 'lost' });
    assertError(r, 400, 'invalid', 'status');
    r = await volunteer.get(`${base()}/${topic}`);
    const a1 = r.json.actions.find((a) => a.id === late);
    const a2 = r.json.actions.find((a) => a.id === onTime);
    assert.equal(a1.overdue, true);
    assert.equal(a2.overdue, false);
    assert.equal(a2.percent, 40);
    assert.equal(a2.status, 'in_progress');
    assert.equal(a2.progress[0].text, '已走访 4 户');
    assert.equal(r.json.overdue, 1);
    r = await worker.post(`${base()}/${topic}/actions/${late}/progress`, { text: '方案已出', status: 'done' });
    assert.equal(r.status, 201);
    r = await volunteer.get(`${base()}/${topic}`);
    assert.equal(r.json.overdue, 0);
    assert.equal(r.json.actions.find((a) => a.id === late).percent, 100);
    r = await worker.post(`/api/communities/${cid}/topics/${topic}/actions/${late}/progress`.replace(`${topic}/`, `${otherTopic}/`), { text: 'x' });
    assertError(r, 404, 'not_found');
  });

  it('meetings: the template gives the agenda; minutes are for members once published', async () => {
    let r = await worker.post(`${base()}/${topic}/meetings`, {
      kind: 'hearing', date: '2026-03-12', time: '19:00', place: '社区活动室',
      chair: '李娟', recorder: '刘洋', participants: '3号楼住户代表\n物业公司\n电梯公司', attendees: 23,
    });
    assert.equal(r.status, 201, r.text);
    const m = r.json.id;
    r = await worker.post(`${base()}/${topic}/meetings`, { kind: 'party', date: '2026-03-12', place: 'x' });
    assertError(r, 400, 'invalid', 'kind');
    r = await worker.post(`${base()}/${topic}/meetings`, { kind: 'review', date: '12/03/2026', place: 'x' });
    assertError(r, 400, 'invalid', 'date');
    r = await worker.post(`${base()}/${topic}/meetings`, { kind: 'review', date: '2026-03-12', time: '25:00', place: 'x' });
    assertError(r, 400, 'invalid', 'time');
    r = await resident.post(`${base()}/${topic}/meetings`, { kind: 'review', date: '2026-03-12', place: 'x' });
    assertError(r, 403, 'forbidden');
    r = await worker.get(`${base()}/${topic}`);
    const mt = r.json.meetings.find((x) => x.id === m);
    assert.equal(mt.zh, '听证会');
    assert.equal(mt.items.length, 6);
    assert.equal(mt.status, 'draft');
    r = await resident.get(`${base()}/${topic}`);
    assert.equal(r.json.meetings.find((x) => x.id === m).items, null);
    const item = mt.items[0].id;
    r = await put(worker, `${base()}/${topic}/meetings/${m}/items/${item}`, { minutes: '主持人介绍了加装电梯方案和听证规则。' });
    assert.equal(r.status, 200, r.text);
    r = await put(resident, `${base()}/${topic}/meetings/${m}/items/${item}`, { minutes: 'x' });
    assertError(r, 403, 'forbidden');
    r = await put(worker, `${base()}/${topic}/meetings/${m}/items/99999999`, { minutes: 'x' });
    assertError(r, 404, 'not_found');
    r = await worker.patch(`${base()}/${topic}/meetings/${m}`, { status: 'draft' });
    assertError(r, 400, 'invalid', 'status');
    r = await worker.patch(`${base()}/${topic}/meetings/${m}`, { status: 'published' });
    assert.equal(r.status, 200, r.text);
    r = await worker.patch(`${base()}/${topic}/meetings/${m}`, { status: 'published' });
    assertError(r, 409, 'conflict');
    r = await put(worker, `${base()}/${topic}/meetings/${m}/items/${item}`, { minutes: '改' });
    assertError(r, 409, 'conflict');
    r = await resident.get(`${base()}/${topic}`);
    const pub = r.json.meetings.find((x) => x.id === m);
    assert.equal(pub.items[0].minutes, '主持人介绍了加装电梯方案和听证规则。');
    assert.equal(pub.participants, '3号楼住户代表\n物业公司\n电梯公司');
    assert.equal(pub.attendees, 23);
  });

  it('rejection needs a reason; closed and rejected topics take no comments or support', async () => {
    let r = await resident.post(base(), { title: '在绿地上建停车位', body: '停车难', category: '停车' });
    const t2 = r.json.id;
    r = await worker.patch(`${base()}/${t2}`, { stage: 'rejected', note: '绿地不能改为停车位（规划要求）' });
    assert.equal(r.status, 200, r.text);
    r = await resident.post(`${base()}/${t2}/comments`, { body: '为什么？' });
    assertError(r, 409, 'conflict');
    r = await put(resident, `${base()}/${t2}/support`);
    assertError(r, 409, 'conflict');
    r = await worker.patch(`${base()}/${t2}`, { stage: 'discussion', note: '再议' });
    assertError(r, 409, 'conflict', 'stage');
    r = await worker.patch(`${base()}/${topic}`, { stage: 'closed', note: '电梯已投入使用' });
    assert.equal(r.status, 200, r.text);
    r = await resident.get(`${base()}?stage=closed`);
    assert.deepEqual(r.json.topics.map((t) => t.id), [topic]);
  });
});
