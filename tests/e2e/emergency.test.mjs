/*
 * End-to-end: emergency response. A worker issues the door cards of a
 * building and declares an emergency for that building on their phone; a
 * resident's phone opens #/safe/<token> (as the QR code on the door would,
 * with no login) and taps 我家平安; the worker's live view, refreshing by
 * itself, shows the dwelling green (safe). See browser.mjs for the suite.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId, phonePage, state, PASSWORD } = browserSuite('emergency');

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

test('a worker declares for a building; a phone checks in safe; the live view turns green', async (t) => {
  await withUsers(t, async (as) => {
    const s = await api('POST', '/api/session', { username: 'worker', password: PASSWORD });
    assert.equal(s.status, 200);
    const worker = { cookie: /linli_session=[^;]*/.exec(s.headers.get('set-cookie'))[0], csrf: s.json.csrf };
    const cid = s.json.user.grants.find((g) => g.role === 'worker').scope_id;
    const tree = await api('GET', `/api/communities/${cid}`, undefined, worker);
    const building = tree.json.compounds[0].buildings[0];

    /* the worker, on their phone: door cards, then the declaration */
    const wp = await as('worker');
    await byTestId(wp, 'nav-emergency').click();
    await byTestId(wp, 'em-list').waitFor();
    await wp.locator(`a[href="#/communities/${cid}/buildings/${building.id}/door-cards"]`).click();
    await byTestId(wp, 'em-cards').waitFor();
    await byTestId(wp, 'em-issue').click();
    await wp.locator('.em-card-qr').first().waitFor();
    await wp.waitForFunction(() => {
      const img = document.querySelector('.em-card-qr');
      return img && img.complete && img.naturalWidth > 0;
    });
    await shot(wp, 'emergency-cards');
    await byTestId(wp, 'nav-emergency').click();
    await byTestId(wp, 'em-list').waitFor();
    await byTestId(wp, 'em-title').fill('1号楼火情：请报平安');
    await byTestId(wp, 'em-scope-buildings').check();
    await wp.locator(`[data-testid="em-building"][value="${building.id}"]`).check();
    await byTestId(wp, 'em-declare').click();
    await byTestId(wp, 'em-live').waitFor();
    await wp.getByRole('heading', { name: '1号楼火情：请报平安' }).waitFor();
    assert.match(await byTestId(wp, 'em-refreshed').textContent(), /最近刷新/);

    /* a household of the building and its card's token */
    const acts = await api('GET', `/api/communities/${cid}/activations`, undefined, worker);
    const act = acts.json.activations[0].id;
    const live = await api('GET', `/api/communities/${cid}/activations/${act}/live`, undefined, worker);
    const cell = live.json.buildings[0].floors.flatMap((f) => f.dwellings).find((d) => d.occupied);
    assert.ok(cell, 'an occupied dwelling');
    const sheet = await api('GET', `/api/communities/${cid}/buildings/${building.id}/door-cards`, undefined, worker);
    const token = sheet.json.cards.find((c) => c.dwelling_id === cell.id).token;
    const gridCell = wp.locator(`[data-testid="em-cell"][data-dwelling="${cell.id}"]`);
    assert.equal(await gridCell.getAttribute('data-status'), 'unknown');

    /* the resident's phone, from the QR code's URL, with no login */
    const { context, page } = await phonePage();
    try {
      await page.goto(`${state.server.base}/#/safe/${token}`);
      await byTestId(page, 'safe-page').waitFor();
      await page.getByRole('heading', { name: '1号楼火情：请报平安' }).waitFor();
      assert.match(await byTestId(page, 'safe-room').textContent(), new RegExp(`${cell.room}$`));
      await shot(page, 'emergency-safe');
      await byTestId(page, 'safe-ok').click();
      await page.locator('[data-testid="safe-status"].em-safe').waitFor();
      assert.match(await byTestId(page, 'safe-status').textContent(), /平安/);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `page is ${wide}px wide`);
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }

    /* the live view refreshes itself and shows the dwelling safe (green) */
    await wp.locator(`[data-testid="em-cell"][data-dwelling="${cell.id}"][data-status="safe"]`).waitFor({ timeout: 20_000 });
    const bg = await wp.locator(`[data-testid="em-cell"][data-dwelling="${cell.id}"]`).evaluate(
      (el) => getComputedStyle(el.closest('td')).backgroundColor);
    assert.equal(bg, 'rgb(207, 238, 221)', 'the cell is green');
    await shot(wp, 'emergency-live');

    /* an unreached household: the worker records a phone call nobody
       answered and assigns a follow-up visit to the volunteer, who sees it
       on their phone and marks it done */
    const other = live.json.buildings[0].floors.flatMap((f) => f.dwellings).find((d) => d.occupied && d.id !== cell.id);
    await wp.locator(`[data-testid="em-cell"][data-dwelling="${other.id}"]`).click();
    await byTestId(wp, 'em-mark-no_answer').click();
    await byTestId(wp, 'em-mark-save').click();
    await wp.locator(`[data-testid="em-cell"][data-dwelling="${other.id}"][data-status="no_answer"]`).waitFor();
    await wp.locator(`[data-testid="em-cell"][data-dwelling="${other.id}"]`).click();
    await byTestId(wp, 'em-fu-assignee').selectOption({ label: '刘洋（志愿者）' });
    await byTestId(wp, 'em-fu-add').click();
    const vp = await as('volunteer');
    await byTestId(vp, 'nav-emergency').click();
    await byTestId(vp, 'em-act').first().click();
    await byTestId(vp, 'em-mine').waitFor();
    assert.match(await byTestId(vp, 'em-mine').textContent(), new RegExp(other.room));
    await byTestId(vp, 'em-fu-done').click();
    await vp.getByText('完成于').waitFor();
  });
});
