/*
 * End-to-end: a micro-fund round (社区微基金) from opening to the public
 * notice, on the real linli server in Debian's headless Chromium at phone
 * size, with a worker, a resident and a volunteer each in their own browser
 * context (their own session cookie).
 *
 *   cd tests/e2e && npm install && node --test
 *
 * The server harness is the one of login_structure.test.mjs (same
 * environment: LINLI_BIN, CHROMIUM; skipped without Chromium). Screenshots:
 * /tmp/linli-e2e-round-*.png; on failure tests/e2e/out/ as well. Any CSP
 * violation or console error fails the test.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId } = browserSuite('round');

async function roundShot(page, name) {
  return shot(page, `round-${name}`);
}

test('a micro-fund round: open, propose, vote, close, and the resident reads the result', (t) => withUsers(t, async (as) => {
  const stamp = Date.now() % 100000;
  const title = `E2E 微基金 ${stamp}`;
  const projects = {
    gym: `健身器材 ${stamp}`, /* resident, 2000 元 */
    light: `楼道照明 ${stamp}`, /* volunteer, 1800 元 */
    garden: `屋顶花园 ${stamp}`, /* volunteer, 4000 元 */
  };
  /* A worker opens a round of 5000 元 from the navigation. */
  const worker = await as('worker');
  await byTestId(worker, 'communities-page').waitFor();
  assert.equal(await byTestId(worker, 'nav-rounds').innerText(), '微基金');
  assert.deepEqual(await worker.locator('.pillar-name').allInnerTexts(), ['资源', '网络', '场景', '领域']);
  await byTestId(worker, 'nav-rounds').click();
  await byTestId(worker, 'rounds-page').waitFor();
  assert.match(worker.url(), /#\/communities\/\d+\/rounds$/);
  assert.equal(await byTestId(worker, 'nav-rounds').getAttribute('aria-current'), 'page');
  const card = byTestId(worker, 'open-round-card');
  if (!(await card.evaluate((d) => d.open))) await card.locator('summary').click();
  await byTestId(worker, 'open-round-title').fill(title);
  await byTestId(worker, 'open-round-description').fill('用于小区公共空间的小改造。\n欢迎大家提出项目。');
  await byTestId(worker, 'open-round-budget').fill('5000');
  await byTestId(worker, 'open-round-submit').click();
  await byTestId(worker, 'open-round-status').getByText(title).waitFor();
  const roundCard = byTestId(worker, 'round-card').filter({ hasText: title });
  await roundCard.waitFor();
  assert.equal(await roundCard.locator('[data-testid="round-budget"]').innerText(), '5,000.00 元');
  assert.equal(await roundCard.locator('[data-testid="round-status"]').innerText(), '征集中');
  await roundShot(worker, 'list');
  await roundCard.locator('[data-testid="round-link"]').click();
  await byTestId(worker, 'round-page').waitFor();
  const roundUrl = worker.url();
  assert.match(roundUrl, /#\/communities\/\d+\/rounds\/\d+$/);
  assert.equal(await byTestId(worker, 'round-title').innerText(), title);
  assert.match(await byTestId(worker, 'rule-explained').innerText(), /每位投票人分到相同的预算份额/);

  /* A resident and a volunteer propose projects. Neither may read the
     community structure: the navigation shows them their household, the
     networks, the scenes they serve in and the emergency pages, and they land
     on the micro-fund. */
  const resident = await as('resident');
  await byTestId(resident, 'rounds-page').waitFor();
  assert.equal(await byTestId(resident, 'nav-structure').count(), 0, 'no structure link for a resident');
  assert.deepEqual(await resident.locator('.pillar-name').allInnerTexts(), ['资源', '网络', '场景', '领域']);
  assert.equal(await byTestId(resident, 'rounds-manage').count(), 0, 'a resident cannot open rounds');
  await byTestId(resident, 'round-card').filter({ hasText: title }).locator('[data-testid="round-link"]').click();
  await byTestId(resident, 'round-page').waitFor();
  assert.equal(await byTestId(resident, 'round-manage').count(), 0, 'a resident cannot move the round on');
  await propose(resident, projects.gym, '2000', '在中心广场安装一组健身器材。');
  await roundShot(resident, 'propose');

  const volunteer = await as('volunteer');
  await byTestId(volunteer, 'rounds-page').waitFor();
  await volunteer.goto(roundUrl);
  await byTestId(volunteer, 'round-page').waitFor();
  await propose(volunteer, projects.light, '1800', '', 'organisation');
  await propose(volunteer, projects.garden, '4000.00', '把 3 号楼屋顶改成花园。');
  assert.equal(await byTestId(volunteer, 'project').count(), 3);

  /* The worker starts voting (a second, confirming press). */
  await worker.reload();
  await byTestId(worker, 'round-page').waitFor();
  assert.equal(await byTestId(worker, 'project').count(), 3);
  await byTestId(worker, 'manage-next').click();
  await byTestId(worker, 'manage-confirm').click();
  await byTestId(worker, 'round-page-status').getByText('投票已开始').waitFor();
  assert.equal(await byTestId(worker, 'round-status').innerText(), '投票中');
  assert.equal(await byTestId(worker, 'propose-card').count(), 0, 'no proposals while voting');
  await roundShot(worker, 'voting-worker');

  /* Resident and volunteer vote; the ballot comes back filled in. */
  await resident.reload();
  await vote(resident, [projects.gym, projects.light]);
  await roundShot(resident, 'ballot');
  await resident.reload();
  await byTestId(resident, 'ballot').waitFor();
  assert.equal(await choice(resident, projects.gym).isChecked(), true, 'the saved ballot is shown');
  assert.equal(await choice(resident, projects.garden).isChecked(), false);
  assert.match(await byTestId(resident, 'ballot-saved').innerText(), /已投票/);
  assert.equal(await byTestId(resident, 'result').count(), 0, 'no result before the round closes');

  await volunteer.reload();
  await vote(volunteer, [projects.light, projects.garden]);

  /* The worker previews, then closes the round. */
  await worker.reload();
  await byTestId(worker, 'result-preview').locator(':scope > summary').click();
  await byTestId(worker, 'preview-note').waitFor();
  await byTestId(worker, 'manage-next').click();
  await byTestId(worker, 'manage-confirm').click();
  await byTestId(worker, 'round-page-status').getByText('投票已结束').waitFor();
  assert.equal(await byTestId(worker, 'round-status').innerText(), '已结束');
  await byTestId(worker, 'result').waitFor();

  /* The resident reads the result: under Equal Shares the two shared
     projects' supporters pay for them; the garden's supporter alone
     cannot. */
  await resident.reload();
  await byTestId(resident, 'result').waitFor();
  assert.equal(await byTestId(resident, 'ballot').count(), 0, 'no ballot once closed');
  const funded = byTestId(resident, 'result-funded').locator('[data-testid="result-project"]');
  const fundedText = await funded.allInnerTexts();
  assert.equal(fundedText.length, 2, `two funded: ${fundedText.join(' | ')}`);
  assert.match(fundedText[0], new RegExp(projects.light), 'the light, backed by both, is bought first');
  assert.match(fundedText[1], new RegExp(projects.gym));
  assert.match(fundedText[0], /2 位支持者共同出资 1,800.00 元/);
  assert.match(fundedText[0], /2 人各出 900.00 元/);
  const notFunded = byTestId(resident, 'result-not-funded').locator('[data-testid="result-project"]');
  assert.equal(await notFunded.count(), 1);
  assert.match(await notFunded.first().innerText(), new RegExp(`${projects.garden}[\\s\\S]*未获资助`));
  assert.match(await byTestId(resident, 'result-summary').innerText(), /2 人投票。预算 5,000.00 元，资助 2 个项目，共 3,800.00 元，结余 1,200.00 元/);
  assert.ok(await byTestId(resident, 'print-notice').isVisible(), 'the print button is shown');
  await roundShot(resident, 'result');

  /* The same in English. */
  await byTestId(resident, 'lang-switch').click();
  await resident.locator('html[lang="en"]').waitFor();
  await byTestId(resident, 'result').waitFor();
  // the page re-renders after the switch: wait for the English sentence itself
  await byTestId(resident, 'result-funded').getByText(/2 supporters paid the ¥1,800.00 together/).waitFor();
  await roundShot(resident, 'result-en');

  /* The public notice on paper: no navigation, buttons or forms. */
  await byTestId(resident, 'lang-switch').click();
  await resident.locator('html[lang="zh-CN"]').waitFor();
  await byTestId(resident, 'result').waitFor();
  await resident.emulateMedia({ media: 'print' });
  assert.equal(await resident.locator('#top').isVisible(), false, 'no top bar on paper');
  assert.equal(await byTestId(resident, 'print-notice').isVisible(), false, 'no button on paper');
  assert.ok(await resident.locator('.notice-head').isVisible(), 'the notice head is printed');
  await resident.setViewportSize({ width: 794, height: 1123 }); /* A4 at 96 dpi */
  await roundShot(resident, 'print');
}));

test('a points round under the greedy rule, for residents only', (t) => withUsers(t, async (as) => {
  const stamp = Date.now() % 100000;
  const title = `积分轮 ${stamp}`;
  const big = `儿童乐园 ${stamp}`;
  const small = `自行车棚 ${stamp}`;
  const third = `宣传栏 ${stamp}`;
  const worker = await as('worker');
  await byTestId(worker, 'communities-page').waitFor();
  await byTestId(worker, 'nav-rounds').click();
  await byTestId(worker, 'rounds-page').waitFor();
  const card = byTestId(worker, 'open-round-card');
  if (!(await card.evaluate((d) => d.open))) await card.locator('summary').click();
  await byTestId(worker, 'open-round-title').fill(title);
  await byTestId(worker, 'open-round-budget').fill('1000.5');
  await byTestId(worker, 'open-round-ballot').selectOption('points');
  assert.equal(await byTestId(worker, 'open-round-rule').inputValue(), 'greedy', 'points ballots pick greedy');
  assert.equal(await byTestId(worker, 'open-round-rule').isDisabled(), true);
  await byTestId(worker, 'open-round-points').fill('10');
  await byTestId(worker, 'open-round-eligible').selectOption('residents');
  await byTestId(worker, 'open-round-submit').click();
  await byTestId(worker, 'open-round-status').getByText(title).waitFor();
  const roundCard = byTestId(worker, 'round-card').filter({ hasText: title });
  assert.equal(await roundCard.locator('[data-testid="round-budget"]').innerText(), '1,000.50 元');
  await roundCard.locator('[data-testid="round-link"]').click();
  await byTestId(worker, 'round-page').waitFor();
  const roundUrl = worker.url();
  assert.match(await byTestId(worker, 'rule-explained').innerText(), /按票数从高到低，放得下就资助/);

  const resident = await as('resident');
  await byTestId(resident, 'rounds-page').waitFor();
  await resident.goto(roundUrl);
  await byTestId(resident, 'round-page').waitFor();
  /* A cost above the budget is refused before any request. */
  const cardP = byTestId(resident, 'propose-card');
  await byTestId(resident, 'propose-title').fill('太贵的项目');
  await byTestId(resident, 'propose-cost').fill('2000');
  await byTestId(resident, 'propose-submit').click();
  await byTestId(resident, 'propose-error').getByText('不能超过本轮预算').waitFor();
  assert.equal(await byTestId(resident, 'propose-cost').getAttribute('aria-invalid'), 'true');
  assert.ok(await cardP.isVisible());
  await propose(resident, big, '800', '');
  await propose(resident, small, '300', '');
  await propose(resident, third, '150', '');

  await worker.reload();
  await byTestId(worker, 'manage-next').click();
  await byTestId(worker, 'manage-cancel').click();
  assert.equal(await byTestId(worker, 'round-status').innerText(), '征集中', 'cancel leaves the round alone');
  await byTestId(worker, 'manage-next').click();
  await byTestId(worker, 'manage-confirm').click();
  await byTestId(worker, 'round-page-status').getByText('投票已开始').waitFor();
  await byTestId(worker, 'ballot-not-eligible').waitFor(); /* residents only: a worker does not vote */
  assert.equal(await byTestId(worker, 'ballot').count(), 0);

  /* Points: too many is refused in the page; then 6 + 3 + 1. */
  await resident.reload();
  await byTestId(resident, 'ballot').waitFor();
  const pts = (name) => byTestId(resident, 'ballot').locator('.ballot-item', { hasText: name }).locator('input');
  await pts(big).fill('8');
  await pts(small).fill('5');
  await byTestId(resident, 'ballot-submit').click();
  await byTestId(resident, 'ballot-error').getByText('不能超过 10 分').waitFor();
  await pts(small).fill('3');
  await pts(third).fill('1');
  assert.match(await byTestId(resident, 'ballot-tally').innerText(), /已分配 12 \/ 10 分/);
  await pts(big).fill('6');
  assert.match(await byTestId(resident, 'ballot-tally').innerText(), /已分配 10 \/ 10 分/);
  await byTestId(resident, 'ballot-submit').click();
  await byTestId(resident, 'ballot-status').getByText('您的选票已保存').waitFor();
  await resident.reload();
  await byTestId(resident, 'ballot').waitFor();
  assert.equal(await pts(big).inputValue(), '6', 'the saved points come back');
  await roundShot(resident, 'points-ballot');

  await worker.reload();
  await byTestId(worker, 'manage-next').click();
  await byTestId(worker, 'manage-confirm').click();
  await byTestId(worker, 'result').waitFor();

  /* Greedy: 800 fits in 1000.50; 300 no longer fits in 200.50; 150 does. */
  await resident.reload();
  await byTestId(resident, 'result').waitFor();
  const funded = await byTestId(resident, 'result-funded').locator('[data-testid="result-project"]').allInnerTexts();
  assert.equal(funded.length, 2, funded.join(' | '));
  assert.match(funded[0], new RegExp(`${big}[\\s\\S]*得到 6 分，排第 1；轮到它时预算还剩 1,000.50 元`));
  assert.match(funded[1], new RegExp(third));
  const not = await byTestId(resident, 'result-not-funded').innerText();
  assert.match(not, new RegExp(`${small}[\\s\\S]*预算只剩 200.50 元，放不下 300.00 元`));
  await roundShot(resident, 'points-result');
}));

async function propose(page, title, cost, description, kind) {
  const card = byTestId(page, 'propose-card');
  if (!(await card.evaluate((d) => d.open))) await card.locator('summary').click();
  await byTestId(page, 'propose-title').fill(title);
  await byTestId(page, 'propose-description').fill(description);
  await byTestId(page, 'propose-cost').fill(cost);
  if (kind) await byTestId(page, 'propose-proposer_kind').selectOption(kind);
  await byTestId(page, 'propose-submit').click();
  await byTestId(page, 'propose-status').getByText(title).waitFor();
  await byTestId(page, 'project').filter({ hasText: title }).waitFor();
}

function choice(page, title) {
  return byTestId(page, 'ballot').locator('.ballot-item', { hasText: title }).locator('input[type="checkbox"]');
}

async function vote(page, titles) {
  await byTestId(page, 'ballot').waitFor();
  for (const title of titles) await choice(page, title).check();
  assert.match(await byTestId(page, 'ballot-tally').innerText(), new RegExp(`已选 ${titles.length} 项`));
  await byTestId(page, 'ballot-submit').click();
  const status = byTestId(page, 'ballot-status');
  await status.getByText('您的选票已保存').waitFor();
  for (const title of titles) assert.match(await status.innerText(), new RegExp(title));
}

test('an expert of the street, in no community, is told so and gets no modules', (t) => withUsers(t, async (as) => {
  const expert = await as('expert');
  await byTestId(expert, 'rounds-no-community').waitFor();
  assert.equal(await expert.locator('.pillars').count(), 0, 'no navigation without a module to show');
  assert.match(expert.url(), /#\/rounds$/);
}));
