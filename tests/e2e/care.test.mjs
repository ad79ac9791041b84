/*
 * End-to-end: care needs (特殊关爱). A worker sees the care list, opens a
 * resident, adds a disability tag and assigns a caretaker; a volunteer sees
 * the list without any sensitive tag; the printed list is a table.
 *
 *   cd tests/e2e && LINLI_BIN=... node --test care.test.mjs
 *
 * Screenshots: /tmp/linli-e2e-care-*.png.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';
import { login as apiLogin, scopeId, unique } from '../api/lib.mjs';

const { withUsers, shot, byTestId, state } = browserSuite('care');

/* Residents of a building of our own: 孤老 (living alone, chronic illness),
   低保户 (only 低保, sensitive), 普通 (no tag). */
async function seed() {
  const w = await apiLogin(state.server.base, 'worker');
  const id = scopeId(w.user, 'worker', 'community');
  const base = `/api/communities/${id}`;
  const ok = (r) => { assert.ok(r.status < 300, r.text); return r.json; };
  const cp = ok(await w.post(`${base}/compounds`, { name: unique('关爱小区') }));
  const b = ok(await w.post(`${base}/buildings`, { compound_id: cp.id, name: '9号楼' }));
  ok(await w.post(`${base}/buildings/${b.id}/layout`, { units: 1, floors: 6, rooms_per_floor: 2, area: 7000 }));
  const dws = ok(await w.get(`${base}/dwellings?building=${b.id}&limit=200`)).dwellings;
  const room = (r) => dws.find((d) => d.room === r).id;
  const alone = ok(await w.post(`${base}/residents`, { name: '孤老', gender: 'female', birth_date: '1936-03-03', dwelling_id: room('502') }));
  const poor = ok(await w.post(`${base}/residents`, { name: '低保户', gender: 'male', birth_date: '1975-03-03', dwelling_id: room('301') }));
  ok(await w.post(`${base}/residents`, { name: '普通', gender: 'male', birth_date: '1990-03-03', dwelling_id: room('302') }));
  ok(await w.post(`${base}/residents/${alone.id}/care/tags`, { tag: 'living_alone' }));
  ok(await w.post(`${base}/residents/${alone.id}/care/tags`, { tag: 'chronic', detail: '高血压' }));
  ok(await w.post(`${base}/residents/${poor.id}/care/tags`, { tag: 'dibao' }));
  return { id, building: b.id, alone: alone.id, poor: poor.id };
}

test('a worker edits care; a volunteer sees no sensitive tag; the list prints as a table', { timeout: 120_000 }, async (t) => {
  await withUsers(t, async (as) => {
    const s = await seed();
    const worker = await as('worker');
    await worker.goto(`${state.server.base}/#/communities/${s.id}/care`);
    await byTestId(worker, 'care-list').waitFor();
    const alone = byTestId(worker, 'care-card').filter({ hasText: '孤老' });
    await alone.waitFor();
    assert.match(await alone.textContent(), /独居老人/);
    assert.match(await alone.textContent(), /高血压/);
    assert.equal(await alone.locator('[data-testid="care-unassigned"]').count(), 1);
    await shot(worker, 'care-list-worker');

    /* open the resident, add a disability, assign the grid worker */
    await alone.getByRole('link', { name: '孤老' }).click();
    await byTestId(worker, 'care-resident-page').waitFor();
    await byTestId(worker, 'care-add-tag-form').locator('summary').click();
    await byTestId(worker, 'care-add-tag').selectOption('disability');
    await byTestId(worker, 'care-add-category').selectOption('hearing');
    await byTestId(worker, 'care-add-grade').selectOption('2');
    await byTestId(worker, 'care-add-tag-submit').click();
    await byTestId(worker, 'care-rtags').getByText('听力二级').waitFor();
    await byTestId(worker, 'care-add-ct-form').locator('summary').click();
    const opt = await byTestId(worker, 'care-ct-user').locator('option').filter({ hasText: '网格员' }).first().getAttribute('value');
    await byTestId(worker, 'care-ct-user').selectOption(opt);
    await byTestId(worker, 'care-ct-relation').fill('网格员');
    await byTestId(worker, 'care-add-ct-submit').click();
    await byTestId(worker, 'care-caretakers').waitFor();
    assert.match(await byTestId(worker, 'care-caretakers').textContent(), /主要/);
    await shot(worker, 'care-resident-worker');

    /* the catalogue editor */
    await worker.goto(`${state.server.base}/#/communities/${s.id}/care/tags`);
    await byTestId(worker, 'care-tags-page').waitFor();
    assert.ok(await byTestId(worker, 'care-tag-row').count() >= 12);
    await shot(worker, 'care-tags-worker');

    /* the printed list: cards hidden, a table with every resident */
    await worker.goto(`${state.server.base}/#/communities/${s.id}/care`);
    await byTestId(worker, 'care-list').waitFor();
    await worker.emulateMedia({ media: 'print' });
    assert.equal(await byTestId(worker, 'care-list').isVisible(), false);
    assert.equal(await worker.locator('table.care-table').isVisible(), true);
    assert.match(await worker.locator('table.care-table').textContent(), /孤老.*听力二级/s);
    await shot(worker, 'care-print');
    await worker.emulateMedia({ media: 'screen' });

    /* a volunteer: the living-alone card, no sensitive tag, no 低保户 */
    const vol = await as('volunteer');
    await byTestId(vol, 'nav-care').waitFor();
    await vol.goto(`${state.server.base}/#/communities/${s.id}/care`);
    await byTestId(vol, 'care-list').waitFor();
    const text = await byTestId(vol, 'care-list').textContent();
    assert.match(text, /孤老/);
    assert.match(text, /独居老人/);
    assert.doesNotMatch(text, /高血压|听力|低保/);
    assert.equal(await byTestId(vol, 'care-tags-link').count(), 0);
    await shot(vol, 'care-list-volunteer');
  });
});
