/*
 * End-to-end: a survey (问卷) from the worker's question builder to the
 * resident's answer and the result bars, in headless Chromium at phone
 * size, each user in their own browser context. Any CSP violation or
 * console error fails the test (browser.mjs). Screenshots:
 * /tmp/linli-e2e-survey-*.png.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId } = browserSuite('survey');

test('a survey: build, publish, answer, change, close, read the bars', (t) => withUsers(t, async (as) => {
  const title = `E2E 问卷 ${Date.now() % 100000}`;
  const worker = await as('worker');
  await byTestId(worker, 'communities-page').waitFor();
  await byTestId(worker, 'nav-surveys').click();
  await byTestId(worker, 'surveys-page').waitFor();
  const card = byTestId(worker, 'new-survey-card');
  if (!(await card.evaluate((d) => d.open))) await card.locator('summary').click();
  await byTestId(worker, 'survey-title').fill(title);
  /* question 1: single choice, required */
  const q1 = byTestId(worker, 'question-editor').nth(0);
  await q1.locator('[data-testid="q-text"]').fill('您住几楼?');
  await q1.locator('[data-testid="q-required"]').check();
  await q1.locator('[data-testid="q-options"]').fill('1-3\n4-6\n7+');
  /* question 2: a scale of 5 */
  await byTestId(worker, 'add-question').click();
  const q2 = byTestId(worker, 'question-editor').nth(1);
  await q2.locator('[data-testid="q-kind"]').selectOption('scale');
  await q2.locator('[data-testid="q-text"]').fill('满意度');
  await byTestId(worker, 'new-survey-submit').click();
  await byTestId(worker, 'new-survey-status').getByText(title).waitFor();
  await byTestId(worker, 'survey-card').filter({ hasText: title }).locator('[data-testid="survey-link"]').click();
  await byTestId(worker, 'survey-page').waitFor();
  const url = worker.url();
  await byTestId(worker, 'survey-open').click();
  await byTestId(worker, 'survey-closed').waitFor();
  await shot(worker, 'survey-worker');

  /* the resident answers, then changes the answer */
  const resident = await as('resident');
  await resident.goto(url);
  await byTestId(resident, 'survey-answer').waitFor();
  await byTestId(resident, 'answer-option').nth(1).check();
  await byTestId(resident, 'answer-scale').nth(3).check();
  await byTestId(resident, 'answer-submit').click();
  await byTestId(resident, 'answer-status').getByText('已提交').waitFor();
  await byTestId(resident, 'answer-option').nth(2).check();
  await byTestId(resident, 'answer-submit').click();
  await byTestId(resident, 'answer-status').getByText('已提交').waitFor();
  await shot(resident, 'survey-answer');

  /* the worker closes it; the resident reads the bars */
  await worker.reload();
  await byTestId(worker, 'survey-closed').click();
  await byTestId(worker, 'survey-results').waitFor();
  await resident.reload();
  await byTestId(resident, 'survey-results').waitFor();
  assert.match(await byTestId(resident, 'survey-respondents').innerText(), /共 1 人作答/);
  const counts = await byTestId(resident, 'result-count').allInnerTexts();
  assert.deepEqual(counts.slice(0, 3), ['0 · 0%', '0 · 0%', '1 · 100%']);
  assert.match(await byTestId(resident, 'survey-mean').innerText(), /平均 4\.00 分（精确值 4）/);
  assert.equal(await resident.locator('.survey-bars svg rect').count() > 0, true);
  await shot(resident, 'survey-results');
}));
