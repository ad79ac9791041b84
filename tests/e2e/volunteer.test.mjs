/*
 * End-to-end: volunteers. A volunteer signs up for a shift on their phone,
 * checks in by opening the post's check-in URL (what scanning its QR code
 * does), checks out the same way; the worker confirms the hours on the
 * shift's page, issues the certificate, and the certificate page shows the
 * hours; the roster shows the volunteer's name.
 *
 *   cd tests/e2e && LINLI_BIN=... node --test volunteer.test.mjs
 *
 * Screenshots: /tmp/linli-e2e-volunteer-*.png.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';
import { login as apiLogin, scopeId, unique } from '../api/lib.mjs';

const { withUsers, shot, byTestId, state } = browserSuite('volunteer');

async function seed() {
  const w = await apiLogin(state.server.base, 'worker');
  const v = await apiLogin(state.server.base, 'volunteer');
  const id = scopeId(w.user, 'worker', 'community');
  const base = `/api/communities/${id}`;
  const ok = (r) => { assert.ok(r.status < 300, r.text); return r.json; };
  const scene = ok(await w.post(`${base}/scenes`, { name: unique('门岗'), template: 'gate' }));
  const postName = `东门岗${Date.now() % 1000}`;
  const post = ok(await w.post(`${base}/scenes/${scene.id}/posts`, { name: postName }));
  const now = Math.floor(Date.now() / 1000);
  const shift = ok(await w.post(`${base}/posts/${post.id}/shifts`, { starts_at: now + 600, ends_at: now + 7800, headcount: 2 }));
  const vol = ok(await w.post(`${base}/volunteers`, {
    name: '刘洋', birth_date: '2000-04-01', user_id: v.user.id,
    consent_date: '2026-01-05', consent_method: 'online', consent_version: 'v1',
    availability: [1, 2, 3, 4, 5, 6, 7].map((d) => `${d} 00:00-24:00`).join('; '),
  }));
  const link = ok(await w.get(`${base}/posts/${post.id}/checkin-link`));
  return { id, base, w, post: post.id, postName, shift: shift.id, starts: now + 600, vol: vol.id, url: link.url };
}

test('sign up on the phone, check in and out at the post, confirmed hours on the certificate', { timeout: 150_000 }, async (t) => {
  await withUsers(t, async (as) => {
    const s = await seed();
    const vol = await as('volunteer');
    await vol.goto(`${state.server.base}/#/communities/${s.id}/my-shifts`);
    await byTestId(vol, 'my-shifts').waitFor();
    const card = byTestId(vol, 'my-open').filter({ hasText: s.postName });
    await card.waitFor();
    await shot(vol, 'volunteer-open');
    await card.locator('[data-testid="my-signup"]').click();
    await byTestId(vol, 'my-upcoming').filter({ hasText: s.postName }).waitFor();

    /* scanning the post's code opens this URL */
    assert.match(s.url, /#\/checkin\/\d+-/);
    await vol.goto(s.url);
    await byTestId(vol, 'checkin-confirm').waitFor();
    assert.equal((await byTestId(vol, 'checkin-confirm').textContent()).trim(), '签到');
    await byTestId(vol, 'checkin-confirm').click();
    await byTestId(vol, 'checkin-result').filter({ hasText: '已签到' }).waitFor();
    await shot(vol, 'volunteer-checked-in');
    await vol.reload();
    await byTestId(vol, 'checkin-confirm').filter({ hasText: '签退' }).waitFor();
    await byTestId(vol, 'checkin-confirm').click();
    await byTestId(vol, 'checkin-result').filter({ hasText: '已签退' }).waitFor();

    /* the volunteer came at the start and stayed 90 minutes (the worker
       corrects the times from the paper sheet), and the worker confirms */
    const fix = await s.w.patch(`${s.base}/signups/${(await s.w.get(`${s.base}/shifts/${s.shift}/signups`)).json.signups[0].id}/times`,
      { checkin_at: s.starts, checkout_at: s.starts + 5400, reason: '按纸质签到表' });
    assert.equal(fix.status, 204, fix.text);
    const worker = await as('worker');
    await worker.goto(`${state.server.base}/#/communities/${s.id}/shifts/${s.shift}`);
    const row = byTestId(worker, 'shift-signup').filter({ hasText: '刘洋' });
    await row.waitFor();
    await row.locator('[data-testid="shift-confirm"]').click();
    await byTestId(worker, 'shift-signup').filter({ hasText: '已确认' }).waitFor();
    assert.match(await row.textContent(), /90 分钟/);

    /* the certificate */
    await worker.goto(`${state.server.base}/#/communities/${s.id}/volunteers/${s.vol}`);
    await byTestId(worker, 'vol-hours-total').filter({ hasText: '1.50' }).waitFor();
    await byTestId(worker, 'vol-issue-cert').click();
    await byTestId(worker, 'certificate').waitFor();
    assert.match(await byTestId(worker, 'cert-hours').textContent(), /1\.50 小时/);
    assert.match(await byTestId(worker, 'cert-number').textContent(), /^LL-\d{4}-\d{4}$/);
    await shot(worker, 'volunteer-certificate');
    await worker.emulateMedia({ media: 'print' });
    await shot(worker, 'volunteer-certificate-print');
    await worker.emulateMedia({ media: 'screen' });

    /* the volunteer sees their hours and the certificate */
    await vol.goto(`${state.server.base}/#/communities/${s.id}/my-shifts`);
    await byTestId(vol, 'my-hours').filter({ hasText: '1.50' }).waitFor();

    /* the roster of the week has the name */
    await worker.goto(`${state.server.base}/#/communities/${s.id}/roster`);
    await byTestId(worker, 'roster-shift').filter({ hasText: '刘洋' }).first().waitFor();
    await shot(worker, 'volunteer-roster');
  });
});
