/*
 * End-to-end: the real linli server, Debian's headless Chromium, a phone
 * viewport, clicked the way a community worker would.
 *
 *   cd tests/e2e && npm install && node --test
 *
 * Environment:
 *   LINLI_BIN  the server binary (default <repo>/build/linli; a relative
 *              path is taken from the repository root)
 *   CHROMIUM   the browser (default /usr/bin/chromium); when it is missing
 *              every test here is SKIPPED, saying so, rather than failed
 *
 * The test makes its own temporary database with `linli init --demo`, runs
 * `linli serve` on a free loopback port, and removes both afterwards
 * (harness.mjs; LINLI_TEST_PG_BASE selects PostgreSQL, see there).
 * Screenshots: /tmp/linli-e2e-*.png always (the last state of each step, for
 * a person to look at), and tests/e2e/out/ plus the temp dir on failure.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { browserSuite } from './browser.mjs';

const { shot, byTestId, phonePage, login, state, outDir, PASSWORD } = browserSuite('login');

/* Run body; on failure keep a screenshot in out/ and the temp dir, then rethrow. */
async function withPage(t, name, body) {
  if (state.skipReason) {
    t.skip(state.skipReason);
    return;
  }
  const { context, page } = await phonePage();
  try {
    await body(page);
    assert.deepEqual(page.problems, [], 'the browser reported errors');
  } catch (err) {
    await mkdir(outDir, { recursive: true }).catch(() => {});
    const file = path.join(outDir, `${name}-failure.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    if (state.tmp) await copyFile(file, path.join(state.tmp, `${name}-failure.png`)).catch(() => {});
    console.log(`screenshot of the failure: ${file}\npage: ${page.url()}\nbrowser: ${page.problems.join('\n')}\nserver log tail:\n${(state.server ? state.server.log() : '').slice(-3000)}`);
    throw err;
  } finally {
    await context.close().catch(() => {});
  }
}

test('a wrong password shows an error and stays on the login page', async (t) => {
  await withPage(t, 'wrong-password', async (page) => {
    await login(page, 'worker', 'not-the-password');
    const error = byTestId(page, 'login-error');
    await assert.doesNotReject(error.getByText('用户名或密码错误').waitFor({ timeout: 5_000 }));
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal(await byTestId(page, 'login-page').count(), 1);
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await shot(page, 'login-error');
  });
});

test('a worker logs in, walks community → building, switches to English and logs out', async (t) => {
  await withPage(t, 'walk', async (page) => {
    await login(page, 'worker', PASSWORD);

    /* Communities list, with counts. */
    await byTestId(page, 'communities-page').waitFor();
    assert.match(page.url(), /#\/communities$/);
    const cards = byTestId(page, 'community-card');
    assert.ok((await cards.count()) >= 1, 'at least one community');
    const firstCard = cards.first();
    const cardText = await firstCard.innerText();
    assert.match(cardText, /楼栋\s*\d+/, 'the card shows a building count');
    assert.ok(await byTestId(page, 'user-name').isVisible(), 'the user name is shown');
    assert.equal(await byTestId(page, 'nav-structure').innerText(), '社区结构');
    assert.deepEqual(await page.locator('.pillar-name').allInnerTexts(), ['资源', '网络', '新领域']);
    assert.equal(await page.locator('.pillar').count(), 3, 'only built modules appear in the navigation');
    await shot(page, 'communities');

    /* One community: counts and the tree agree with each other. */
    const communityName = (await firstCard.locator('[data-testid="community-link"]').innerText()).trim();
    await firstCard.locator('[data-testid="community-link"]').click();
    await byTestId(page, 'community-page').waitFor();
    assert.equal((await page.locator('h1').innerText()).trim(), communityName);
    const count = async (label) => Number((await byTestId(page, 'community-counts')
      .locator('.count', { hasText: label }).locator('dd').innerText()).replace(/[^\d]/g, ''));
    const compounds = await count('小区');
    const buildings = await count('楼栋');
    assert.ok(compounds > 0 && buildings > 0, `counts: ${compounds} compounds, ${buildings} buildings`);
    assert.equal(await byTestId(page, 'tree-compound').count(), compounds, 'one tree node per compound');
    assert.equal(await byTestId(page, 'tree-building').count(), buildings, 'one tree node per building');
    assert.ok(await byTestId(page, 'maintain').isVisible(), 'a worker sees the maintenance forms');
    await shot(page, 'community');

    /* A laid-out building: floors × rooms, top floor first. */
    const laidOut = byTestId(page, 'tree-building').filter({ hasNotText: '未排布' }).first();
    const buildingName = (await laidOut.locator('[data-testid="building-name"]').innerText()).trim();
    await laidOut.locator('[data-testid="building-link"]').click();
    await byTestId(page, 'building-page').waitFor();
    assert.equal((await page.locator('h1').innerText()).trim(), buildingName);
    const grid = byTestId(page, 'unit-grid').first();
    await grid.waitFor();
    const floors = await grid.locator('tbody th[scope="row"]').allInnerTexts();
    const asNumber = (f) => (f.startsWith('B') ? -Number(f.slice(1)) : Number(f));
    assert.ok(floors.length > 1, 'several floors');
    assert.ok(asNumber(floors[0]) > asNumber(floors[floors.length - 1]), `top floor first: ${floors.join(',')}`);
    const cell = grid.locator('[data-testid="room"]').first();
    assert.match(await cell.locator('.room-no').innerText(), /^\S+$/);
    assert.match(await cell.locator('.room-area').innerText(), /^\d[\d,]*\.\d\d m²$/);
    await shot(page, 'building');

    /* English, kept across a reload. */
    await byTestId(page, 'lang-switch').click();
    await page.locator('html[lang="en"]').waitFor();
    await grid.locator('thead th', { hasText: 'Floor' }).first().waitFor();
    assert.equal(await byTestId(page, 'nav-structure').innerText(), 'Community structure');
    assert.equal(await byTestId(page, 'logout').innerText(), 'Log out');
    await page.reload();
    await byTestId(page, 'building-page').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.deepEqual(await page.locator('.pillar-name').allInnerTexts(), ['Resources', 'Networks', 'New fields']);
    await shot(page, 'building-en');

    /* Log out: back at the login page, and the session is gone on the server. */
    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-page').waitFor();
    assert.match(page.url(), /#\/login$/);
    assert.equal((await byTestId(page, 'login-submit').innerText()).trim(), 'Log in');
    const status = await page.evaluate(() => fetch('/api/session').then((r) => r.status));
    assert.equal(status, 401, 'GET /api/session after logout');
    await shot(page, 'logged-out');
  });
});

test('a worker adds a building and lays it out; the grid shows the rooms', async (t) => {
  await withPage(t, 'layout', async (page) => {
    await login(page, 'worker', PASSWORD);
    await byTestId(page, 'community-link').first().click();
    await byTestId(page, 'community-page').waitFor();

    const name = `E2E楼${Date.now() % 100000}`;
    await byTestId(page, 'add-building').locator('summary').click();
    await byTestId(page, 'add-building-name').fill(name);
    await byTestId(page, 'add-building-submit').click();
    await byTestId(page, 'add-building-status').getByText(name).waitFor();
    await byTestId(page, 'tree-building').filter({ hasText: name }).waitFor();

    await byTestId(page, 'layout').locator('summary').click();
    const option = byTestId(page, 'layout-building').locator('option', { hasText: name });
    await byTestId(page, 'layout-building').selectOption(await option.getAttribute('value'));
    await byTestId(page, 'layout-units').fill('2');
    await byTestId(page, 'layout-floors').fill('3');
    await byTestId(page, 'layout-rooms_per_floor').fill('2');
    await byTestId(page, 'layout-area').fill('88.5');
    await byTestId(page, 'layout-first_floor').fill('1');
    await byTestId(page, 'layout-submit').click();
    await byTestId(page, 'layout-status').getByText('12').waitFor();

    await byTestId(page, 'tree-building').filter({ hasText: name })
      .locator('[data-testid="building-link"]').click();
    await byTestId(page, 'building-page').waitFor();
    assert.equal(await byTestId(page, 'unit-grid').count(), 2, 'two units');
    const first = byTestId(page, 'unit-grid').first();
    assert.deepEqual(await first.locator('tbody th[scope="row"]').allInnerTexts(), ['3', '2', '1']);
    assert.equal(await first.locator('[data-testid="room"]').count(), 6);
    assert.equal(await first.locator('[data-room="301"], [data-room="0301"]').count(), 1, 'room 301 on the top floor');
    assert.equal(await first.locator('.room-area').first().innerText(), '88.50 m²');
    await shot(page, 'layout');
  });
});

test('a grid worker reads the structure but gets no forms', async (t) => {
  await withPage(t, 'grid-reader', async (page) => {
    await login(page, 'grid', PASSWORD);
    await byTestId(page, 'communities-page').waitFor();
    await byTestId(page, 'community-link').first().click();
    await byTestId(page, 'community-page').waitFor();
    assert.ok((await byTestId(page, 'tree-building').count()) > 0, 'the tree is shown');
    assert.equal(await byTestId(page, 'maintain').count(), 0, 'no maintenance forms for role grid');
  });
});
