/*
 * End-to-end: a topic (议题) as people use it, on the real linli server in
 * Debian's headless Chromium at phone size. A resident raises a topic about
 * a building (a wrong form first: the field is marked), a worker moves it
 * into discussion with a note and hides a comment with a reason, the
 * resident comments and replies, and sees the timeline, their comment, and
 * "已隐藏：reason" where the hidden one was.
 *
 *   cd tests/e2e && LINLI_BIN=$PWD/../../build/asan/linli node --test topics.test.mjs
 *
 * Skipped without Chromium. Screenshots: /tmp/linli-e2e-topic-*.png; on
 * failure tests/e2e/out/ as well. Any CSP violation or console error fails
 * the test.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId } = browserSuite('topic');

test('a topic: a resident raises it, a worker moves it to discussion, the resident comments', (t) => withUsers(t, async (as) => {
  const stamp = Date.now() % 100000;
  const title = `1号楼加装电梯 ${stamp}`;

  /* The resident raises the topic; an empty body is blamed on its field. */
  const resident = await as('resident');
  await byTestId(resident, 'nav-topics').click();
  await byTestId(resident, 'topics-page').waitFor();
  assert.match(resident.url(), /#\/communities\/\d+\/topics$/);
  const card = byTestId(resident, 'raise-topic-card');
  if (!(await card.evaluate((d) => d.open))) await card.locator('summary').click();
  await byTestId(resident, 'raise-topic-title').fill(title);
  await byTestId(resident, 'raise-topic-body').fill('   ');
  await byTestId(resident, 'raise-topic-submit').click();
  /* The browser's own required check passes for spaces; ours blames the body. */
  await resident.waitForFunction(() => document.querySelector('[data-testid="raise-topic-body"]').getAttribute('aria-invalid') === 'true');
  assert.match(await byTestId(resident, 'raise-topic-error').innerText(), /具体情况/);
  await byTestId(resident, 'raise-topic-body').fill('楼里老人多，上下楼困难，希望加装电梯。');
  await byTestId(resident, 'raise-topic-category').selectOption('加装电梯');
  const scope = byTestId(resident, 'raise-topic-scope');
  const building = await scope.locator('option').filter({ hasText: '1号楼' }).first().getAttribute('value');
  await scope.selectOption(building);
  await byTestId(resident, 'raise-topic-submit').click();
  await byTestId(resident, 'raise-topic-status').getByText(title).waitFor();
  const mine = byTestId(resident, 'topic-card').filter({ hasText: title });
  assert.equal(await mine.getAttribute('data-stage'), 'proposal');
  await shot(resident, 'topic-list');
  await mine.locator('[data-testid="topic-link"]').click();
  await byTestId(resident, 'topic-page').waitFor();
  const topicUrl = resident.url();
  assert.match(await byTestId(resident, 'topic-scope').innerText(), /楼栋 · .*1号楼/);
  /* A resident has no stage controls. */
  assert.equal(await byTestId(resident, 'topic-manage').count(), 0);
  await byTestId(resident, 'topic-support-button').click();
  await byTestId(resident, 'topic-supported').waitFor();

  /* The worker moves it into discussion, with a note. */
  const worker = await as('worker');
  await worker.goto(topicUrl);
  await byTestId(worker, 'topic-manage').waitFor();
  await byTestId(worker, 'topic-move-stage').selectOption('discussion');
  await byTestId(worker, 'topic-move-submit').click();
  await worker.waitForFunction(() => document.querySelector('[data-testid="topic-move-note"]').getAttribute('aria-invalid') === 'true');
  await byTestId(worker, 'topic-move-note').fill('已征得本楼多数住户关注，进入讨论。');
  await byTestId(worker, 'topic-move-submit').click();
  await byTestId(worker, 'timeline-event').filter({ hasText: '进入讨论' }).waitFor();
  assert.equal(await byTestId(worker, 'topic-stage').first().getAttribute('data-stage'), 'discussion');

  /* The resident comments; a neighbour's rude reply gets hidden. */
  await resident.reload();
  await byTestId(resident, 'topic-page').waitFor();
  assert.equal(await byTestId(resident, 'topic-stage').first().getAttribute('data-stage'), 'discussion');
  await byTestId(resident, 'new-comment-body').fill('一楼住户的采光问题也要考虑。');
  await byTestId(resident, 'new-comment-submit').click();
  const myComment = byTestId(resident, 'comment').filter({ hasText: '一楼住户的采光问题' });
  await myComment.waitFor();
  await myComment.locator('[data-testid="comment-reply"]').click();
  await myComment.locator('textarea').fill('补充：可以请设计单位出日照分析。');
  await myComment.locator('[data-testid="reply-submit"]').click();
  await byTestId(resident, 'comment').filter({ hasText: '日照分析' }).waitFor();
  assert.equal(await byTestId(resident, 'comment').filter({ hasText: '日照分析' }).getAttribute('data-depth'), '2');

  await worker.reload();
  const reply = byTestId(worker, 'comment').filter({ hasText: '日照分析' });
  await reply.waitFor();
  await reply.locator('[data-testid="comment-hide"]').first().click();
  await reply.locator('[data-testid="hide-comment-reason"]').fill('与其他评论重复');
  await reply.locator('[data-testid="hide-comment-submit"]').click();
  await byTestId(worker, 'comment-hidden').filter({ hasText: '与其他评论重复' }).waitFor();

  await resident.reload();
  await byTestId(resident, 'topic-page').waitFor();
  await byTestId(resident, 'comment').filter({ hasText: '一楼住户的采光问题' }).waitFor();
  assert.match(await byTestId(resident, 'comment-hidden').innerText(), /已隐藏：与其他评论重复/);
  const events = await byTestId(resident, 'timeline-event').allInnerTexts();
  assert.equal(events.length, 2);
  assert.match(events[1], /提议 → 讨论/);
  await shot(resident, 'topic-page');
}));
