/*
 * End-to-end: the residents register at 360 px wide, in Debian's headless
 * Chromium on the real server (see browser.mjs). A worker searches a
 * two-character name, opens the resident, unmasks the ID number and phone
 * (and the audit log holds the read), edits with a bad phone and sees the
 * error next to the phone field, opens a room's household from a building's
 * grid, and finds residents by skill in "谁能提供…". The building lead (who
 * reads but may not unmask) sees masked data and no unmask button; a
 * volunteer has no residents page at all (the server answers 403).
 *
 *   cd tests/e2e && LINLI_BIN=$PWD/../../build/asan/linli node --test residents.test.mjs
 *
 * Screenshots: /tmp/linli-e2e-residents-*.png; on failure tests/e2e/out/.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId, state } = browserSuite('residents');
const PHONE = { width: 360, height: 760 };

/* GET through the page's own session. */
const apiGet = (page, path) => page.evaluate(async (p) => {
  const r = await fetch(p, { headers: { Accept: 'application/json' } });
  return { status: r.status, json: await r.json().catch(() => null) };
}, path);

async function noSidewaysScroll(page, where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= PHONE.width, `${where}: the page is ${w} px wide at ${PHONE.width} px`);
}

test('a worker searches, opens, unmasks and edits a resident at 360 px', (t) => withUsers(t, async (as) => {
  const page = await as('worker');
  await page.setViewportSize(PHONE);
  await byTestId(page, 'nav-residents').click();
  await byTestId(page, 'residents-page').waitFor();
  await byTestId(page, 'res-card').first().waitFor();
  await noSidewaysScroll(page, 'residents list');

  /* a two-character name of the demo (surname + one character) */
  const list = await apiGet(page, `/api/communities/${page.url().match(/communities\/(\d+)/)[1]}/residents?limit=200`);
  assert.equal(list.status, 200);
  const two = list.json.residents.find((r) => [...r.name].length === 2);
  assert.ok(two, 'the demo has two-character names');
  await byTestId(page, 'res-q').fill(two.name);
  await byTestId(page, 'res-search-go').click();
  await page.waitForFunction((name) => {
    const cards = [...document.querySelectorAll('[data-testid="res-card"] h3')];
    return cards.length > 0 && cards.every((c) => c.textContent.includes(name));
  }, two.name);
  const names = await byTestId(page, 'res-card').locator('h3').allInnerTexts();
  assert.ok(names.includes(two.name), `${two.name} in ${names}`);
  await shot(page, 'residents-search');

  await byTestId(page, 'res-card').filter({ hasText: two.name }).first().getByRole('link', { name: two.name, exact: true }).click();
  await byTestId(page, 'resident-page').waitFor();
  const rid = Number(page.url().match(/residents\/(\d+)/)[1]);
  assert.equal(await byTestId(page, 'resident-name').innerText(), two.name);
  const masked = await byTestId(page, 'resident-id_number').innerText();
  assert.match(masked, /^\d{6}\*{8}\d{3}[\dX]$/);
  for (const part of ['care', 'owners', 'consent', 'account']) {
    assert.equal(await page.locator(`section[data-part="${part}"]`).count(), 1, `empty part ${part}`);
  }
  await noSidewaysScroll(page, 'resident page');

  /* unmask: full values, and the read is in the audit log */
  await byTestId(page, 'unmask').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="resident-id_number"]').textContent.includes('*'));
  const full = await byTestId(page, 'resident-id_number').innerText();
  assert.match(full, /^\d{17}[\dX]$/);
  assert.equal(full.slice(0, 6), masked.slice(0, 6));
  assert.equal(full.slice(-4), masked.slice(-4));
  assert.ok((await byTestId(page, 'unmask-status').innerText()).length > 0);
  assert.equal(await byTestId(page, 'unmask').count() && await byTestId(page, 'unmask').isVisible(), false);
  const db = state.server.db;
  if (!/^postgres/.test(db)) {
    const q = spawnSync('sqlite3', [db,
      `SELECT actor FROM audit_log WHERE action = 'resident.unmask' AND subject = 'resident:${rid}';`], { encoding: 'utf8' });
    if (!q.error) assert.equal(q.stdout.trim(), 'worker', 'the unmasked read is audited');
  }
  await shot(page, 'residents-unmasked');

  /* edit with a bad phone: the error sits next to the phone field */
  await byTestId(page, 'res-edit').locator('summary').click();
  /* the form starts at the resident's own dwelling */
  await page.waitForFunction((d) => document.querySelector('[data-testid="res-edit-where-room"]').value === String(d), two.dwelling_id);
  await byTestId(page, 'res-edit-phone').fill('12345');
  await byTestId(page, 'res-edit-submit').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="res-edit-phone-error"]').textContent.length > 0);
  assert.equal(await byTestId(page, 'res-edit-phone').getAttribute('aria-invalid'), 'true');
  assert.match(await byTestId(page, 'res-edit-phone-error').innerText(), /手机号/);
  /* the refused PATCH is the one expected complaint of the browser */
  page.problems = page.problems.filter((p) => !/status of 400/.test(p));
  const still = await apiGet(page, `/api/communities/${page.url().match(/communities\/(\d+)/)[1]}/residents/${rid}`);
  assert.equal(still.json.phone, two.phone, 'nothing written');
  await noSidewaysScroll(page, 'edit form');
  await shot(page, 'residents-edit-error');

  /* a good edit goes through */
  await byTestId(page, 'res-edit-phone').fill('');
  await byTestId(page, 'res-edit-skills').fill('电工、修自行车');
  await byTestId(page, 'res-edit-submit').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="resident-skills"]') || {}).textContent === '电工、修自行车');
}));

test('a room of a building opens its household; residents answer "who can provide"', (t) => withUsers(t, async (as) => {
  const page = await as('worker');
  await page.setViewportSize(PHONE);
  await byTestId(page, 'nav-residents').click();
  await byTestId(page, 'residents-page').waitFor();
  const cid = page.url().match(/communities\/(\d+)/)[1];
  await page.goto(`${new URL(page.url()).origin}/#/communities/${cid}`);
  await byTestId(page, 'community-page').waitFor();
  await page.locator('[data-testid="community-page"] a[href*="/buildings/"]').first().click();
  await byTestId(page, 'building-page').waitFor();
  const room = byTestId(page, 'room-residents').first();
  const roomNo = await room.innerText();
  await room.click();
  await byTestId(page, 'residents-page').waitFor();
  await byTestId(page, 'res-dwelling-title').waitFor();
  assert.ok((await byTestId(page, 'res-dwelling-title').innerText()).includes(roomNo));
  await byTestId(page, 'res-summary').waitFor();
  const n = await byTestId(page, 'res-card').count();
  const summary = await byTestId(page, 'res-summary').innerText();
  assert.ok(n >= 0 && n <= 5, `a household of ${n}`);
  assert.ok(summary.length > 0);

  await byTestId(page, 'nav-orgs').click();
  await byTestId(page, 'orgs-page').waitFor();
  await byTestId(page, 'offer-q').fill('电工');
  await byTestId(page, 'offer-search').click();
  await byTestId(page, 'provider-person').first().waitFor();
  const people = await byTestId(page, 'provider-person').allInnerTexts();
  assert.ok(people.length > 0);
  for (const p of people) {
    assert.match(p, /^\p{Script=Han}{1,2}\*+ · /u, `masked: ${p}`);
    assert.ok(p.includes('电工'));
    assert.doesNotMatch(p, /1\d{2}\*{4}\d{4}|\d{11}/, 'no phone');
  }
  await noSidewaysScroll(page, 'who can provide');
  await shot(page, 'residents-providers');
}));

test('the building lead sees masked data and no unmask button; a volunteer has no residents page', (t) => withUsers(t, async (as) => {
  const lead = await as('lead');
  await lead.setViewportSize(PHONE);
  await byTestId(lead, 'nav-residents').click();
  await byTestId(lead, 'res-card').first().waitFor();
  await byTestId(lead, 'res-link').first().click();
  await byTestId(lead, 'resident-page').waitFor();
  assert.match(await byTestId(lead, 'resident-id_number').innerText(), /\*{8}/);
  assert.equal(await byTestId(lead, 'unmask').count(), 0);
  assert.equal(await byTestId(lead, 'res-edit').count(), 0);
  assert.equal(await byTestId(lead, 'res-del').count(), 0);
  await shot(lead, 'residents-lead');

  const vol = await as('volunteer');
  await vol.setViewportSize(PHONE);
  await byTestId(vol, 'user-name').waitFor();
  assert.equal(await byTestId(vol, 'nav-residents').count(), 0);
  const base = new URL(vol.url()).origin;
  await vol.goto(`${base}/#/residents`);
  await byTestId(vol, 'page-error').waitFor();
  /* the refused reads are the expected complaints of the browser */
  vol.problems = vol.problems.filter((p) => !/status of 403/.test(p));
  assert.equal(await byTestId(vol, 'res-card').count(), 0);
  assert.equal(await byTestId(vol, 'unmask').count(), 0);
}));
