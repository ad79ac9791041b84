/*
 * End-to-end: a conversation (议事) from opening to the opinion map, on the
 * real linli server in Debian's headless Chromium at phone size. A worker
 * opens and moderates, five members each respond to the statements one at a
 * time from their own phone, and the resident reads the map: two groups
 * with their representative statements, and the common ground.
 *
 *   cd tests/e2e && npm install && node --test
 *
 * The server harness is the one of login_structure.test.mjs (LINLI_BIN,
 * CHROMIUM; skipped without Chromium). Screenshots:
 * /tmp/linli-e2e-conversation-*.png; on failure tests/e2e/out/ as well. Any
 * CSP violation or console error fails the test.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId } = browserSuite('conversation');

const convShot = (page, name) => shot(page, `conversation-${name}`);

/*
 * Respond to every statement the page offers, one at a time, by its text:
 * answers maps a statement text to 'agree' | 'disagree' | 'pass'.
 */
async function respondAll(page, answers) {
  const seen = [];
  for (;;) {
    const card = byTestId(page, 'vote-card');
    await card.waitFor();
    if (await byTestId(page, 'vote-done').count()) break;
    const text = (await byTestId(page, 'vote-statement').innerText()).trim();
    const id = await card.getAttribute('data-statement');
    assert.ok(text in answers, `an answer for “${text}”`);
    assert.ok(!seen.includes(text), `“${text}” is offered once`);
    seen.push(text);
    await byTestId(page, `vote-${answers[text]}`).click();
    /* The next statement (or the end) replaces this one, and takes focus. */
    await page.waitForFunction((old) => {
      const c = document.querySelector('[data-testid="vote-card"]');
      return c && c.getAttribute('data-statement') !== old;
    }, id);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.dataset.testid);
    assert.ok(['vote-statement', 'vote-done'].includes(focused), `focus moves to the next statement (${focused})`);
  }
  return seen;
}

test('a conversation: statements, moderation, one-at-a-time votes, and the opinion map', (t) => withUsers(t, async (as) => {
  const stamp = Date.now() % 100000;
  const title = `小区停车怎么管？ ${stamp}`;
  const S = {
    lot: `在空地建立体停车场 ${stamp}`,
    fee: `提高外来车辆停车费 ${stamp}`,
    green: `不能占用绿地停车 ${stamp}`,
    night: `晚上允许路边停车 ${stamp}`,
    fire: `消防通道必须保持畅通 ${stamp}`,
    rude: `某某家的车就是乱停 ${stamp}`,
  };

  /* The worker opens a strictly moderated conversation. */
  const worker = await as('worker');
  await byTestId(worker, 'communities-page').waitFor();
  assert.deepEqual(await worker.locator('.pillar').nth(1).locator('a').allInnerTexts(), ['微基金', '议事', '议题', '业主表决', '通知公告', '问卷']);
  await byTestId(worker, 'nav-conversations').click();
  await byTestId(worker, 'conversations-page').waitFor();
  assert.match(worker.url(), /#\/communities\/\d+\/conversations$/);
  const card = byTestId(worker, 'open-conversation-card');
  if (!(await card.evaluate((d) => d.open))) await card.locator('summary').click();
  await byTestId(worker, 'open-conversation-title').fill(title);
  await byTestId(worker, 'open-conversation-description').fill('停车难是居民反映最多的问题，请大家说说看法。');
  await byTestId(worker, 'open-conversation-submit').click();
  await byTestId(worker, 'open-conversation-status').getByText(title).waitFor();
  const convCard = byTestId(worker, 'conversation-card').filter({ hasText: title });
  assert.equal(await convCard.locator('[data-testid="conversation-status"]').innerText(), '进行中');
  await convShot(worker, 'list');
  await convCard.locator('[data-testid="conversation-link"]').click();
  await byTestId(worker, 'conversation-page').waitFor();
  const url = worker.url();

  /* A resident writes statements; they wait for moderation. */
  const resident = await as('resident');
  await byTestId(resident, 'rounds-page').waitFor();
  await byTestId(resident, 'nav-conversations').click();
  await byTestId(resident, 'conversations-page').waitFor();
  assert.equal(await byTestId(resident, 'conversations-manage').count(), 0, 'a resident opens no conversation');
  await resident.goto(url);
  await byTestId(resident, 'conversation-page').waitFor();
  await byTestId(resident, 'vote-done').waitFor(); /* nothing to respond to yet */
  for (const text of Object.values(S)) {
    const c = byTestId(resident, 'statement-card');
    if (!(await c.evaluate((d) => d.open))) await c.locator('summary').click();
    await byTestId(resident, 'statement-text').fill(text);
    await byTestId(resident, 'statement-submit').click();
    await byTestId(resident, 'statement-status').getByText('审核通过后').waitFor();
    await byTestId(resident, 'my-statement').filter({ hasText: text }).waitFor();
  }
  /* Too long is refused in the page, with the count shown. */
  await byTestId(resident, 'statement-text').fill('长'.repeat(141));
  assert.match(await byTestId(resident, 'statement-count').innerText(), /141 \/ 140/);
  await byTestId(resident, 'statement-submit').click();
  await byTestId(resident, 'statement-error').getByText('不能超过 140 字').waitFor();
  await byTestId(resident, 'statement-text').fill('');
  assert.equal(await byTestId(resident, 'my-statement').filter({ hasText: S.lot }).getAttribute('data-status'), 'pending');
  await convShot(resident, 'pending');

  /* The worker accepts five and rejects one, with a reason. */
  await worker.reload();
  await byTestId(worker, 'moderation').waitFor();
  for (const text of Object.values(S)) {
    const item = byTestId(worker, 'pending-statement').filter({ hasText: text });
    if (text === S.rude) {
      await item.locator('[data-testid="mod-reject"]').click();
      await item.getByText('请写明理由').waitFor(); /* a rejection needs a reason */
      await item.locator('[data-testid="mod-reason"]').fill('针对具体住户，不符合议事规则');
      await item.locator('[data-testid="mod-reject"]').click();
    } else {
      await item.locator('[data-testid="mod-accept"]').click();
    }
    await byTestId(worker, 'conversation-page-status').getByText(text).waitFor();
  }
  await byTestId(worker, 'mod-empty').waitFor();

  await resident.reload();
  const rejected = byTestId(resident, 'my-statement').filter({ hasText: S.rude });
  assert.equal(await rejected.getAttribute('data-status'), 'rejected');
  assert.match(await rejected.innerText(), /理由：针对具体住户/);

  /* Two camps, and common ground on the fire lanes. */
  const camp1 = { [S.lot]: 'agree', [S.fee]: 'agree', [S.green]: 'agree', [S.night]: 'disagree', [S.fire]: 'agree' };
  const camp2 = { [S.lot]: 'disagree', [S.fee]: 'disagree', [S.green]: 'disagree', [S.night]: 'agree', [S.fire]: 'agree' };
  const seen = await respondAll(resident, camp1);
  assert.equal(seen.length, 5, 'five accepted statements, the rejected one never offered');
  await convShot(resident, 'done');
  for (const [name, camp] of [['volunteer', camp1], ['lead', camp2], ['grid', camp2], ['street', { ...camp2, [S.fee]: 'pass' }]]) {
    const page = await as(name);
    await byTestId(page, 'user-name').waitFor();
    await page.goto(url);
    await byTestId(page, 'conversation-page').waitFor();
    if (name === 'lead') await convShot(page, 'vote');
    await respondAll(page, camp);
  }

  /* The resident reads the map. */
  await resident.reload();
  await byTestId(resident, 'opinion-map').waitFor();
  assert.equal(await byTestId(resident, 'map-empty').count(), 0, 'the map is drawn');
  assert.match(await byTestId(resident, 'map-summary').innerText(), /5 人参与/);
  assert.ok(await resident.locator('.map-svg .pt').count() >= 5, 'one mark per participant');
  assert.equal(await resident.locator('.map-svg .pt-me-ring').count(), 1, 'my own mark');
  const groups = byTestId(resident, 'map-group');
  assert.ok(await groups.count() >= 2, 'at least two groups');
  assert.ok(await byTestId(resident, 'map-rep').count() >= 1, 'representative statements');
  assert.match(await byTestId(resident, 'map-consensus').innerText(), new RegExp(S.fire));
  await convShot(resident, 'map');
  await byTestId(resident, 'opinion-map').screenshot({ path: '/tmp/linli-e2e-conversation-map-only.png' });

  await byTestId(resident, 'lang-switch').click();
  await resident.locator('html[lang="en"]').waitFor();
  await byTestId(resident, 'opinion-map').waitFor();
  assert.match(await byTestId(resident, 'map-summary').innerText(), /5 took part/);
  await convShot(resident, 'map-en');
  await byTestId(resident, 'lang-switch').click();
  await resident.locator('html[lang="zh-CN"]').waitFor();

  /* The worker closes it; then nobody responds any more. */
  await worker.reload();
  await byTestId(worker, 'conv-close').click();
  await byTestId(worker, 'conv-close-confirm').click();
  await byTestId(worker, 'conversation-page-status').getByText('议题已结束').waitFor();
  await resident.reload();
  await byTestId(resident, 'conversation-closed').waitFor();
  assert.equal(await byTestId(resident, 'vote-card').count(), 0);
  assert.equal(await byTestId(resident, 'statement-card').count(), 0);
  await resident.emulateMedia({ media: 'print' });
  await resident.setViewportSize({ width: 794, height: 1123 });
  assert.equal(await resident.locator('#top').isVisible(), false, 'no top bar on paper');
  await convShot(resident, 'print');
}));
