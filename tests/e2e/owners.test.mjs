/*
 * End-to-end: the owners' register (业主名册) of a building, as a community
 * worker keeps it on a phone, and as a grid worker reads it.
 *
 *   cd tests/e2e && LINLI_BIN=... node --test owners.test.mjs
 *
 * The worker walks community → building → "业主名册与面积", opens the first
 * room's panel, records its register area (89.12 m²) and gives it to the
 * developer; the row and the electorate figures follow. The grid worker
 * sees the same register without edit buttons. No CSP violation or console
 * error may occur (browser.mjs). Skipped, saying so, without Chromium.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId } = browserSuite('owners');

async function openOwners(page) {
  await byTestId(page, 'community-link').first().click();
  await byTestId(page, 'community-page').waitFor();
  const laidOut = byTestId(page, 'tree-building').filter({ hasNotText: '未排布' }).first();
  await laidOut.locator('[data-testid="building-link"]').click();
  await byTestId(page, 'building-page').waitFor();
  await byTestId(page, 'owners-link').click();
  await byTestId(page, 'owners-page').waitFor();
  await byTestId(page, 'electorate-counts').waitFor();
}

const figure = async (page, label) => (await byTestId(page, 'electorate-counts')
  .locator('.count', { hasText: label }).locator('dd').innerText()).trim();

test('a worker records an area and an owner; a grid worker reads the register', async (t) => {
  await withUsers(t, async (as) => {
    const worker = await as('worker');
    await openOwners(worker);
    assert.match(await worker.locator('h1').innerText(), /业主名册/);
    const before = Number((await figure(worker, '建设单位未售户数')).replace(/[^\d]/g, ''));

    /* the demo's dwellings all have owners: take one with a single resident */
    const rows = byTestId(worker, 'owner-row');
    let row = null;
    for (let i = 0; i < await rows.count() && !row; i++) {
      const r = rows.nth(i);
      if (await r.locator('[data-testid="owner"]').count() === 1 && !/建设单位/.test(await r.innerText())) row = r;
    }
    assert.ok(row, 'a dwelling with one resident owner');
    const room = await row.getAttribute('data-room');
    await row.locator('[data-testid="owner-edit"]').click();
    const panel = byTestId(worker, 'owner-panel');
    await panel.waitFor();
    await shot(worker, 'owners-panel');
    await panel.locator('[data-testid="area-register"]').fill('89.12');
    await panel.locator('[data-testid="note-register"]').fill('不动产权第1号');
    await panel.locator('[data-testid="save-area-register"]').click();

    const after = worker.locator(`[data-testid="owner-row"][data-room="${room}"]`).first();
    await after.getByText('89.12 m²').waitFor({ timeout: 10_000 });
    assert.match(await after.innerText(), /不动产登记簿/);

    await after.locator('[data-testid="owner-edit"]').click();
    /* the resident sells to... the developer, for the test: remove, then add */
    await byTestId(worker, 'remove-owner').first().click();
    /* the page redraws without the owner; open the room again */
    const emptied = worker.locator(`[data-testid="owner-row"][data-room="${room}"]`).first();
    await emptied.locator('[data-testid="owner"]').waitFor({ state: 'detached', timeout: 10_000 });
    await emptied.locator('[data-testid="owner-edit"]').click();
    await byTestId(worker, 'add-developer').click();
    await worker.locator(`[data-testid="owner-row"][data-room="${room}"]`).first()
      .locator('[data-testid="voter"]').waitFor({ timeout: 10_000 });
    await byTestId(worker, 'electorate-counts').waitFor();
    assert.equal(Number((await figure(worker, '建设单位未售户数')).replace(/[^\d]/g, '')), before + 1);
    await shot(worker, 'owners-worker');

    const grid = await as('grid');
    await openOwners(grid);
    assert.equal(await byTestId(grid, 'owner-edit').count(), 0, 'a grid worker has no edit buttons');
    const same = grid.locator(`[data-testid="owner-row"][data-room="${room}"]`).first();
    assert.match(await same.innerText(), /89\.12 m²/);
    assert.match(await same.innerText(), /投票人/);
    await shot(grid, 'owners-grid');
  });
});
