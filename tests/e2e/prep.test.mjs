/*
 * End-to-end: emergency preparedness (应急准备). A worker creates the flood
 * plan from its template, assigns the commander, publishes it; adds a
 * supply that expires soon and sees the alert; records a drill with its
 * timings and a review with an action; a resident opens a learn page and
 * the household checklist on a 360 px phone, and the ticks survive a
 * reload without going to the server.
 *
 *   cd tests/e2e && LINLI_BIN=... node --test prep.test.mjs
 *
 * Screenshots: /tmp/linli-e2e-prep-*.png.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';
import { login as apiLogin, scopeId } from '../api/lib.mjs';

const { withUsers, shot, byTestId, state } = browserSuite('prep');

function dayPlus(n) {
  return new Date(Date.now() + 8 * 3600 * 1000 + n * 86400 * 1000).toISOString().slice(0, 10);
}

test('a worker prepares: plan, role, supply alert, drill with review; a resident learns at 360 px', { timeout: 150_000 }, async (t) => {
  await withUsers(t, async (as) => {
    const w = await apiLogin(state.server.base, 'worker');
    const id = scopeId(w.user, 'worker', 'community');
    const worker = await as('worker');
    await byTestId(worker, 'nav-prep').waitFor();
    await worker.goto(`${state.server.base}/#/communities/${id}/prep`);
    await byTestId(worker, 'prep-page').waitFor();
    await shot(worker, 'prep-hub-empty');

    /* the flood plan from the template */
    await byTestId(worker, 'prep-create-flood').click();
    await byTestId(worker, 'plan-page').waitFor();
    assert.match(await byTestId(worker, 'plan-title').textContent(), /洪涝应急预案/);
    assert.equal(await byTestId(worker, 'plan-role').count(), 5);

    /* the grid worker as commander, the volunteer as backup */
    const person = byTestId(worker, 'assign-commander-person');
    const gridOpt = await person.locator('option').filter({ hasText: '张伟' }).first().getAttribute('value');
    await person.selectOption(gridOpt);
    const backup = byTestId(worker, 'assign-commander-backup');
    const volOpt = await backup.locator('option').filter({ hasText: '刘洋' }).first().getAttribute('value');
    await backup.selectOption(volOpt);
    await byTestId(worker, 'assign-commander-save').click();
    await byTestId(worker, 'plan-status').filter({ hasText: '已保存' }).waitFor();
    const row = worker.locator('[data-testid="plan-role"][data-role="commander"]');
    assert.match(await row.textContent(), /张伟/);
    assert.match(await byTestId(worker, 'plan-gaps').textContent(), /4 个岗位/);

    /* edit the draft and publish */
    await byTestId(worker, 'plan-title-input').fill('阳光社区防汛预案');
    await byTestId(worker, 'plan-save').click();
    await byTestId(worker, 'plan-status').filter({ hasText: '草稿已保存' }).waitFor();
    await byTestId(worker, 'plan-publish').click();
    await byTestId(worker, 'plan-version').filter({ hasText: '第 1 版' }).waitFor();
    assert.match(await byTestId(worker, 'plan-title').textContent(), /阳光社区防汛预案/);
    await worker.emulateMedia({ media: 'print' });
    assert.equal(await byTestId(worker, 'plan-editor').isVisible(), false);
    assert.equal(await byTestId(worker, 'plan-doc').isVisible(), true);
    await shot(worker, 'prep-plan-print');
    await worker.emulateMedia({ media: 'screen' });

    /* a supply that expires in 10 days: the alert and the badge */
    await worker.goto(`${state.server.base}/#/communities/${id}/prep/supplies`);
    await byTestId(worker, 'supplies-page').waitFor();
    const was = Number((await byTestId(worker, 'supplies-badge').textContent()).trim()); /* the demo's */
    await byTestId(worker, 'supply-add-open').click();
    await byTestId(worker, 'supply-name').fill('矿泉水');
    await byTestId(worker, 'supply-category').selectOption('water');
    await byTestId(worker, 'supply-quantity').fill('20');
    await byTestId(worker, 'supply-unit').fill('箱');
    await byTestId(worker, 'supply-expiry').fill(dayPlus(10));
    await byTestId(worker, 'supply-minimum').fill('10');
    await byTestId(worker, 'supply-save').click();
    await byTestId(worker, 'supplies-badge').filter({ hasText: String(was + 1) }).waitFor();
    const mine = byTestId(worker, 'supplies-alerts').locator('[data-testid="supply-card"][data-name="矿泉水"]').filter({ hasText: '10 天后到期' });
    await mine.waitFor();
    await shot(worker, 'prep-supplies');

    /* a drill with timings, then its review and an action */
    await worker.goto(`${state.server.base}/#/communities/${id}/prep/drills`);
    await byTestId(worker, 'drills-page').waitFor();
    await byTestId(worker, 'drill-new-open').click();
    await byTestId(worker, 'drill-date').fill(dayPlus(-1));
    await byTestId(worker, 'drill-scenario').fill('暴雨导致地下车库进水，疏散一楼住户');
    await byTestId(worker, 'drill-count').fill('30');
    await byTestId(worker, 'drill-actual-alarm').fill('0');
    await byTestId(worker, 'drill-actual-informed').fill('14');
    await byTestId(worker, 'drill-actual-gathered').fill('18');
    await byTestId(worker, 'drill-save').click();
    await byTestId(worker, 'drill-page').waitFor();
    const deltas = await byTestId(worker, 'drill-delta').allTextContents();
    assert.deepEqual(deltas, ['按时', '超时 4 分钟', '提前 2 分钟', '']);
    await byTestId(worker, 'review-good').fill('楼栋长通知及时');
    await byTestId(worker, 'review-improve').fill('地下车库的住户晚了4分钟才收到通知');
    await byTestId(worker, 'review-save').click();
    await byTestId(worker, 'review-text').waitFor();
    await byTestId(worker, 'action-task').fill('给地下车库装广播');
    await byTestId(worker, 'action-owner').fill('物业王经理');
    await byTestId(worker, 'action-due').fill(dayPlus(30));
    await byTestId(worker, 'action-add').click();
    await byTestId(worker, 'drill-action').filter({ hasText: '给地下车库装广播' }).waitFor();
    await byTestId(worker, 'action-done').check();
    await byTestId(worker, 'drill-status').filter({ hasText: '已保存' }).waitFor();
    assert.equal(await byTestId(worker, 'action-done').isChecked(), true);
    await shot(worker, 'prep-drill');

    /* the hub now shows the plan, the alert and the tree's gaps */
    await worker.goto(`${state.server.base}/#/communities/${id}/prep`);
    await byTestId(worker, 'prep-page').waitFor();
    assert.match(await byTestId(worker, 'prep-plan-flood').textContent(), /第 1 版/);
    assert.equal((await byTestId(worker, 'prep-supply-badge').textContent()).trim(), String(was + 1));
    assert.match(await byTestId(worker, 'prep-tree-gaps').textContent(), /处缺口/);
    await shot(worker, 'prep-hub');

    /* the care list for emergencies: assign a caretaker where one is missing */
    await worker.goto(`${state.server.base}/#/communities/${id}/prep/care`);
    await byTestId(worker, 'prep-care-page').waitFor();
    const before = await byTestId(worker, 'prep-care-summary').textContent();
    const gapRow = byTestId(worker, 'prep-care-row').filter({ has: worker.locator('[data-testid="prep-care-assign"]') }).first();
    const pick = gapRow.locator('[data-testid="prep-care-pick"]');
    await pick.selectOption(await pick.locator('option').nth(1).getAttribute('value'));
    await gapRow.locator('[data-testid="prep-care-assign"]').click();
    await worker.waitForFunction((b) => document.querySelector('[data-testid="prep-care-summary"]').textContent !== b, before);
    await shot(worker, 'prep-care');

    /* a resident: the learn page and the checklist at 360 px */
    const res = await as('resident');
    await res.setViewportSize({ width: 360, height: 740 });
    await byTestId(res, 'nav-learn').waitFor();
    assert.equal(await byTestId(res, 'nav-prep').count(), 0);
    await res.goto(`${state.server.base}/#/learn/flood`);
    await byTestId(res, 'learn-page').waitFor();
    assert.ok(await byTestId(res, 'learn-during').locator('li').count() >= 3);
    const width = await res.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `no sideways scrolling at 360 px (scrollWidth ${width})`);
    await shot(res, 'prep-learn-360');
    await res.goto(`${state.server.base}/#/learn/kit`);
    await byTestId(res, 'kit-page').waitFor();
    await byTestId(res, 'kit-water').check();
    await byTestId(res, 'kit-torch').check();
    await res.reload();
    await byTestId(res, 'kit-page').waitFor();
    assert.equal(await byTestId(res, 'kit-water').isChecked(), true);
    assert.match(await byTestId(res, 'kit-count').textContent(), /已准备 2 \//);
    const kitWidth = await res.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(kitWidth <= 360, `checklist fits 360 px (scrollWidth ${kitWidth})`);
    await shot(res, 'prep-kit-360');
  });
});
