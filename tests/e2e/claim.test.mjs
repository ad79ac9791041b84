/*
 * End-to-end: resident accounts. A worker finds a resident on their phone,
 * issues an invitation and sees the slip with its QR code; the resident
 * opens the claim URL on a 390 px phone (as the QR code would), chooses a
 * username and a password, lands on 我的家 with their household, and
 * corrects their skills. See browser.mjs for the suite.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId, phonePage, state, PASSWORD } = browserSuite('claim');

async function api(method, path, body, session) {
  const headers = { 'content-type': 'application/json' };
  if (session) {
    headers.cookie = session.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = session.csrf;
  }
  const r = await fetch(state.server.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await r.json().catch(() => null);
  return { status: r.status, json, headers: r.headers };
}

test('a worker issues an invitation; the resident claims it on a phone and sees 我的家', async (t) => {
  await withUsers(t, async (as) => {
    /* the resident in the register, made through the API */
    const s = await api('POST', '/api/session', { username: 'worker', password: PASSWORD });
    assert.equal(s.status, 200);
    const cookie = /linli_session=[^;]*/.exec(s.headers.get('set-cookie'))[0];
    const worker = { cookie, csrf: s.json.csrf };
    const cid = s.json.user.grants.find((g) => g.role === 'worker').scope_id;
    const d = await api('GET', `/api/communities/${cid}/dwellings?limit=1`, undefined, worker);
    const dwelling = d.json.dwellings[0];
    const r = await api('POST', `/api/communities/${cid}/residents`, {
      name: '陈美玲', gender: 'female', birth_date: '1975-04-02', phone: '13611112222',
      relation: 'householder', dwelling_id: dwelling.id,
    }, worker);
    assert.equal(r.status, 201, JSON.stringify(r.json));

    /* the worker, on their phone */
    const wp = await as('worker');
    await byTestId(wp, 'nav-invites').click();
    await byTestId(wp, 'invites-page').waitFor();
    await byTestId(wp, 'invite-search').fill('陈美玲');
    await byTestId(wp, 'invite-search').press('Enter');
    await byTestId(wp, 'issue').click();
    const codeText = (await byTestId(wp, 'slip-code').textContent()).trim();
    assert.match(codeText, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$/);
    const qr = wp.locator('.slip-qr');
    await qr.waitFor();
    await wp.waitForFunction(() => {
      const img = document.querySelector('.slip-qr');
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.match(await byTestId(wp, 'slip').textContent(), /陈\*\*/);
    await shot(wp, 'claim-slip');

    /* the resident, on a 390 px phone, from the QR code's URL */
    const { context, page } = await phonePage();
    try {
      assert.equal(page.viewportSize().width, 390);
      await page.goto(`${state.server.base}/#/claim/${codeText.replaceAll('-', '')}`);
      await byTestId(page, 'claim-page').waitFor();
      assert.equal(await byTestId(page, 'claim-code').inputValue(), codeText);
      await byTestId(page, 'claim-username').fill('chen.ml');
      await byTestId(page, 'claim-password').fill('my-own-pass-1');
      await byTestId(page, 'claim-password2').fill('my-own-pass-1');
      await shot(page, 'claim-form');
      await byTestId(page, 'claim-submit').click();
      await byTestId(page, 'me-page').waitFor();
      await page.getByRole('heading', { name: '我的家' }).waitFor();
      assert.match(await byTestId(page, 'me-dwelling').textContent(), new RegExp(`${dwelling.room}$`));
      const card = byTestId(page, 'me-member').filter({ hasText: '陈美玲' });
      assert.equal(await card.locator('[data-testid="me-phone-value"]').textContent(), '13611112222');
      assert.equal(await byTestId(page, 'nav-me').getAttribute('aria-current'), 'page');
      /* nothing is wider than the phone */
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `page is ${wide}px wide`);
      /* correct the skills */
      await card.locator('[data-testid="me-edit"]').click();
      await card.locator('[data-testid="me-skills"]').fill('钢琴');
      await card.locator('[data-testid="me-save"]').click();
      await page.locator('[data-testid="me-member"]', { hasText: '钢琴' }).waitFor();
      await shot(page, 'claim-me');
      assert.deepEqual(page.problems, [], 'the resident\'s browser reported errors');
    } finally {
      await context.close().catch(() => {});
    }
  });
});
