/*
 * End-to-end: PIPL as a community worker does it on a phone. Publish a
 * privacy notice, record a resident's consent, withdraw it, read the
 * explanation, download the export, and erase the person after typing their
 * name. Skipped without Chromium (see login_structure.test.mjs); any CSP
 * violation or console error fails it. Screenshots:
 * /tmp/linli-e2e-privacy-*.png.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId, state } = browserSuite('privacy');

/* The worker's community and a new resident, through the page's own API calls. */
async function addResident(page, name) {
  return page.evaluate(async (n) => {
    const s = await (await fetch('/api/session')).json();
    const g = s.user.grants.find((x) => x.role === 'worker');
    const r = await fetch(`/api/communities/${g.scope_id}/residents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf },
      body: JSON.stringify({ name: n, gender: 'female', phone: '13712345678' }),
    });
    return { community: g.scope_id, resident: (await r.json()).id };
  }, name);
}

test('a worker publishes a notice, records and withdraws consent, exports and erases', async (t) => {
  await withUsers(t, async (as) => {
    const page = await as('worker');
    await byTestId(page, 'nav-privacy').click();
    await byTestId(page, 'privacy-page').waitFor();
    await byTestId(page, 'notice-form').locator('summary').click();
    await byTestId(page, 'notice-text').fill('我们为社区服务收集您的姓名和电话。\n您可以随时撤回同意。');
    await byTestId(page, 'notice-date').fill('2026-01-01');
    await byTestId(page, 'notice-form-submit').click();
    await byTestId(page, 'notices').getByText('第1版').waitFor();
    await shot(page, 'privacy-settings');

    const { community, resident } = await addResident(page, '测试居民');
    assert.ok(resident > 0);
    await page.goto(`${state.server.base}/#/communities/${community}/residents/${resident}/privacy`);
    await byTestId(page, 'resident-privacy').waitFor();
    await byTestId(page, 'consent-form').locator('summary').click();
    await byTestId(page, 'consent-purpose').selectOption('contact');
    await byTestId(page, 'consent-method').selectOption('paper');
    await byTestId(page, 'consent-evidence').fill('同意书第12号');
    await byTestId(page, 'consent-form-submit').click();
    await page.locator('[data-testid="consent"][data-state="given"]').waitFor();
    assert.equal(await page.locator('[data-purpose="contact"][data-state="given"]').count(), 1);

    await byTestId(page, 'consent-withdraw').locator('summary').click();
    await byTestId(page, 'withdraw-method').selectOption('phone');
    await byTestId(page, 'withdraw-note').fill('电话告知');
    await byTestId(page, 'withdraw-submit').click();
    await page.locator('[data-testid="consent"][data-state="withdrawn"]').waitFor();
    assert.equal(await page.locator('[data-purpose="contact"][data-state="withdrawn"]').count(), 1);
    assert.match(await byTestId(page, 'pipl-explain').innerText(), /手机号/);
    await shot(page, 'privacy-resident');

    const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'pipl-export').click()]);
    assert.equal(download.suggestedFilename(), `pipl-${community}-${resident}.json`);

    await byTestId(page, 'pipl-erase').locator('summary').click();
    assert.equal(await byTestId(page, 'pipl-delete').isDisabled(), true);
    await byTestId(page, 'pipl-confirm').fill('测试居民');
    await byTestId(page, 'pipl-delete').click();
    await byTestId(page, 'pipl-deleted').waitFor();
    await shot(page, 'privacy-deleted');
  });
});
