/*
 * End-to-end: a scene (新场景) as people use it, on the real linli server in
 * Debian's headless Chromium at phone size. A worker creates a gate scene
 * from the template card; a volunteer reads a script (话术) on a 360 px phone
 * in large type with nothing wider than the screen; the building lead
 * records an incident using that script, escalated; the script review then
 * shows the script at the top with its use.
 *
 *   cd tests/e2e && LINLI_BIN=$PWD/../../build/asan/linli node --test scenes.test.mjs
 *
 * Skipped without Chromium. Screenshots: /tmp/linli-e2e-scene-*.png; on
 * failure tests/e2e/out/ as well. Any CSP violation or console error fails
 * the test.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId } = browserSuite('scene');

test('a gate scene from the template, a script read on a phone, an incident in the review', (t) => withUsers(t, async (as) => {
  const name = `北门 ${Date.now() % 100000}`;

  /* The worker creates the scene from the gate template card. */
  const worker = await as('worker');
  await byTestId(worker, 'nav-scenes').click();
  await byTestId(worker, 'scenes-page').waitFor();
  const gate = byTestId(worker, 'template-card').and(worker.locator('[data-template="gate"]'));
  assert.match(await gate.innerText(), /居民拒绝登记/);
  await gate.locator('[data-testid="scene-new-gate-card"] summary').click();
  await byTestId(worker, 'scene-new-gate-name').fill(name);
  await byTestId(worker, 'scene-new-gate-location').fill('幸福路1号北门');
  await byTestId(worker, 'scene-new-gate-submit').click();
  await byTestId(worker, 'scene-page').waitFor();
  await worker.locator('h1', { hasText: name }).waitFor();
  assert.equal(await byTestId(worker, 'post-card').count(), 3);
  assert.match(await byTestId(worker, 'post-bands').first().innerText(), /每天 07:00–09:00 × 3 人/);
  const sceneUrl = worker.url();
  /* Shifts for tomorrow (Beijing time) from the bands. */
  const tomorrow = new Date(Date.now() + 8 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  await byTestId(worker, 'expand').locator('summary').click();
  await byTestId(worker, 'expand-form-from').fill(tomorrow);
  await byTestId(worker, 'expand-form-days').fill('1');
  await byTestId(worker, 'expand-form-submit').click();
  await byTestId(worker, 'scene-status').getByText(/新建 [68] 个班次/).waitFor();
  await shot(worker, 'scene-worker');

  /* A volunteer reads the script on a 360 px phone. */
  const volunteer = await as('volunteer');
  await volunteer.setViewportSize({ width: 360, height: 740 });
  await volunteer.goto(sceneUrl);
  await byTestId(volunteer, 'scene-page').waitFor();
  const script = byTestId(volunteer, 'script-card').filter({ hasText: '居民拒绝登记' });
  await script.scrollIntoViewIfNeeded();
  const say = script.locator('[data-testid="script-say"]');
  assert.match(await say.innerText(), /手写登记/);
  const size = await say.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 18, `the words to say are large (${size}px)`);
  const wide = await volunteer.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `nothing wider than the phone (${wide}px)`);
  /* volunteers read; they do not record incidents or edit scripts */
  assert.equal(await byTestId(volunteer, 'incident-add').count(), 0);
  assert.equal(await byTestId(volunteer, 'script-add').count(), 0);
  await shot(volunteer, 'scene-script-360');

  /* The volunteer ticks the first item of the next shift's checklist. */
  await byTestId(volunteer, 'shift-link').first().click();
  await byTestId(volunteer, 'shift-page').waitFor();
  const first = byTestId(volunteer, 'shift-check').first();
  assert.equal(await first.isChecked(), false);
  await first.check();
  await byTestId(volunteer, 'shift-checklist').getByText('刘洋').waitFor();
  assert.equal(await byTestId(volunteer, 'shift-check').first().isChecked(), true);

  /* The post handbook: checklist, scripts, equipment on one page. */
  await volunteer.goto(sceneUrl);
  await byTestId(volunteer, 'handbook-link').first().click();
  await byTestId(volunteer, 'handbook').waitFor();
  const book = await byTestId(volunteer, 'handbook').innerText();
  for (const s of ['佩戴工作证和红马甲', '居民拒绝登记', '红马甲', '每天 07:00–09:00 × 3 人']) assert.ok(book.includes(s), s);

  /* The building lead records an incident using that script. */
  const lead = await as('lead');
  await lead.goto(sceneUrl);
  await byTestId(lead, 'scene-page').waitFor();
  const card = byTestId(lead, 'incident-add');
  await card.locator('summary').click();
  await byTestId(lead, 'incident-form-type').selectOption('refused_registration');
  await byTestId(lead, 'incident-form-what').fill('一位居民不肯扫码，说住了二十年不用登记，后来情绪激动。');
  const scriptSelect = byTestId(lead, 'incident-form-script_id');
  const value = await scriptSelect.locator('option').filter({ hasText: '居民拒绝登记' }).getAttribute('value');
  await scriptSelect.selectOption(value);
  await byTestId(lead, 'incident-form-outcome').selectOption('escalated');
  await byTestId(lead, 'incident-form-followup').fill('社工明天上门沟通');
  await byTestId(lead, 'incident-form-submit').click();
  const entry = byTestId(lead, 'incident').filter({ hasText: '不肯扫码' });
  await entry.waitFor();
  assert.equal(await entry.getAttribute('data-outcome'), 'escalated');
  assert.match(await entry.locator('[data-testid="incident-script"]').innerText(), /居民拒绝登记/);
  assert.equal(await byTestId(lead, 'figures-total').innerText(), '1');

  /* The review puts the failing script first. */
  const top = byTestId(lead, 'review-row').first();
  await top.scrollIntoViewIfNeeded();
  assert.match(await top.innerText(), /居民拒绝登记/);
  assert.equal(await top.locator('[data-testid="review-used"]').innerText(), '1');
  assert.match(await top.innerText(), /1 次（100%）/);
  await shot(lead, 'scene-review');
}));
