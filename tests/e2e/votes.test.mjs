/*
 * End-to-end: an owners' vote (业主表决) on phones. A worker starts a
 * secret vote over the community (the demo's owners) and opens it; the demo
 * account "resident" (a householder who owns their dwelling) votes yes and
 * gets a receipt; a second ballot without the receipt is refused; the
 * worker closes the vote; the resident sees the result and finds their
 * check code in the published list. No CSP violation or console error may
 * occur (browser.mjs). Skipped, saying so, without Chromium.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId } = browserSuite('votes');

test('an owners\' vote: open, an owner votes from the phone, close, the check list', (t) => withUsers(t, async (as) => {
  const title = `E2E 加装电梯 ${Date.now() % 100000}`;
  const worker = await as('worker');
  await byTestId(worker, 'communities-page').waitFor();
  await byTestId(worker, 'nav-votes').click();
  await byTestId(worker, 'votes').waitFor();
  await byTestId(worker, 'vote-new-card').locator('summary').click();
  await byTestId(worker, 'vote-new-title').fill(title);
  await byTestId(worker, 'vote-new-scope').selectOption('community');
  await byTestId(worker, 'vote-new-secret').selectOption('true');
  await byTestId(worker, 'vote-new-submit').click();
  await byTestId(worker, 'vote-new-status').getByText(title).waitFor();
  await byTestId(worker, 'vote-link').filter({ hasText: title }).click();
  await byTestId(worker, 'vote-title').getByText(title).waitFor();
  await byTestId(worker, 'vote-next').click(); /* arm */
  await byTestId(worker, 'vote-next').click(); /* confirm: open */
  await byTestId(worker, 'vote-status').and(worker.locator('[data-status="open"]')).waitFor();
  assert.match(await byTestId(worker, 'vote-electorate').innerText(), /业主 \d+ 人/);
  const voteUrl = worker.url();

  const owner = await as('resident');
  await owner.goto(voteUrl);
  await byTestId(owner, 'vote-cast').waitFor();
  await byTestId(owner, 'vote-cast-yes').click();
  await byTestId(owner, 'vote-cast-done').waitFor();
  const receipt = (await byTestId(owner, 'vote-receipt-code').innerText()).trim();
  assert.match(receipt, /^[0-9a-f]{4}(-[0-9a-f]{4}){7}$/);
  const check = /([0-9a-f]{16})/.exec(await byTestId(owner, 'vote-receipt').innerText())[1];
  await shot(owner, 'votes-receipt');
  /* a second ballot without the receipt is refused; the page had kept it */
  await owner.reload();
  await byTestId(owner, 'vote-cast').waitFor();
  assert.equal(await byTestId(owner, 'vote-receipt-input').inputValue(), receipt);
  await byTestId(owner, 'vote-receipt-input').fill('');
  await byTestId(owner, 'vote-cast-no').click();
  await byTestId(owner, 'vote-cast-error').getByText(/回执/).waitFor();

  await worker.reload();
  await byTestId(worker, 'vote-next').click();
  await byTestId(worker, 'vote-next').click(); /* confirm: close */
  await byTestId(worker, 'vote-outcome').waitFor();
  /* one yes among hundreds of owners: far from 2/3 participation */
  assert.equal(await byTestId(worker, 'vote-result').getAttribute('data-passed'), 'false');

  await owner.reload();
  await byTestId(owner, 'vote-outcome').waitFor();
  await byTestId(owner, 'vote-check-find').fill(check);
  await byTestId(owner, 'vote-check-found').getByText('同意').waitFor();
  await shot(owner, 'votes-closed');
}));
