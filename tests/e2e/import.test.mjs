/*
 * End-to-end: the residents import and export page (web/views/import.js) on
 * a phone. A worker checks a file with a bad row (the report lists it), then
 * imports a clean one (the progress bar reaches the end, the counts show),
 * and downloads an export; a grid worker sees the export only, masked.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { browserSuite } from './browser.mjs';

const { withUsers, shot, byTestId } = browserSuite('import');

function idcard(d17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(d17[i]) * w[i];
  return d17 + '10X98765432'[s % 11];
}

const ID = idcard('11010519800102011');
const GOOD = `姓名,身份证号,手机,住址\r\n张伟,${ID},13812345678,阳光花园1号楼1单元101\r\n`;
const BAD = `${GOOD}王芳,不详,,阳光花园1号楼1单元101\r\n`;

test('a worker checks, imports and exports residents; a grid worker exports masked', async (t) => {
  await withUsers(t, async (as) => {
    const page = await as('worker');
    await byTestId(page, 'nav-residents-io').click();
    await byTestId(page, 'residents-io').waitFor();

    await byTestId(page, 'rio-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
    await byTestId(page, 'rio-submit').click();
    await byTestId(page, 'rio-errors').waitFor();
    const lines = await byTestId(page, 'rio-errors').locator('li').allTextContents();
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^line 3: /);
    await shot(page, 'import-report');

    await byTestId(page, 'rio-file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) });
    await byTestId(page, 'rio-dry').uncheck();
    await byTestId(page, 'rio-submit').click();
    await page.getByText('已导入 1 行').waitFor();
    const bar = byTestId(page, 'rio-progress');
    assert.equal(await bar.evaluate((el) => el.value === el.max), true);

    await byTestId(page, 'rio-format').selectOption('csv');
    const [dl] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'rio-export-submit').click()]);
    const text = await readFile(await dl.path(), 'utf8');
    assert.ok(text.includes('138****5678'), text);
    assert.ok(!text.includes(ID));
    await shot(page, 'import-done');

    const grid = await as('grid');
    await byTestId(grid, 'nav-residents-io').click();
    await byTestId(grid, 'rio-export').waitFor();
    assert.equal(await byTestId(grid, 'rio-import').count(), 0);
    assert.equal(await byTestId(grid, 'rio-unmask').count(), 0);
  });
});
