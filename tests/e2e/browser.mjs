/*
 * browser.mjs - what the multi-user browser tests share: the server (from
 * harness.mjs), headless Debian Chromium, phone-sized pages that record CSP
 * violations and console errors, and withUsers(), which runs a test body with
 * several signed-in users, each on their own phone, screenshots them all on
 * failure and fails the test on any browser complaint.
 *
 * browserSuite(prefix) registers the suite's before/after hooks (call it at
 * the top level of a test file) and returns {withUsers, shot, byTestId,
 * phonePage, login, state, outDir, PASSWORD}.
 */

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './harness.mjs';

export function browserSuite(prefix) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
  const outDir = path.join(here, 'out');
  const PASSWORD = 'demo-pass-123';
  const VIEWPORT = { width: 390, height: 844 };

  let skipReason = '';
  let tmp = '';
  let server = null; /* harness.mjs: {base, tmp, log(), stop()} */
  let browser = null;
  let base = '';

  before(async () => {
    if (!existsSync(chromiumPath)) {
      skipReason = `no Chromium at ${chromiumPath} (install Debian's chromium or set CHROMIUM)`;
      console.log(`SKIPPED: every browser test, because there is ${skipReason}`);
      return;
    }
    server = await startServer(PASSWORD);
    base = server.base;
    tmp = server.tmp;

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    /* Each step on its own: a failure in one must not leave the others running. */
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
  });

  /* A phone-sized page that records what the browser complained about. */
  async function phonePage() {
    const context = await browser.newContext({
      viewport: VIEWPORT,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    page.problems = [];
    page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      /* The login probe and a wrong password are expected 401s; CSP
         violations ("Refused to ...") and script errors are not. */
      if (/Failed to load resource: the server responded with a status of 401/.test(msg.text())) return;
      page.problems.push(`console: ${msg.text()}`);
    });
    return { context, page };
  }

  async function shot(page, name) {
    const file = `/tmp/linli-e2e-${name}.png`;
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    return file;
  }

  const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

  async function login(page, username, password) {
    await page.goto(`${base}/`);
    await byTestId(page, 'login-page').waitFor();
    await byTestId(page, 'login-username').fill(username);
    await byTestId(page, 'login-password').fill(password);
    await byTestId(page, 'login-submit').click();
  }


  /*
   * Run body(as) with several users, each on their own phone (browser
   * context, so their own session): `await as('worker')` logs one in. On
   * failure every phone's screenshot goes to out/; at the end no phone may
   * have seen a CSP violation or a console error.
   */
  async function withUsers(t, body) {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const phones = [];
    const as = async (username) => {
      const { context, page } = await phonePage();
      phones.push({ context, page, name: username });
      await login(page, username, PASSWORD);
      return page;
    };
    try {
      await body(as);
      for (const { page, name } of phones) assert.deepEqual(page.problems, [], `the browser of ${name} reported errors`);
    } catch (err) {
      await mkdir(outDir, { recursive: true }).catch(() => {});
      for (const { page, name } of phones) {
        const file = path.join(outDir, `${prefix}-${name}-failure.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        console.log(`screenshot of the failure: ${file}\npage: ${page.url()}\nbrowser: ${page.problems.join('\n')}`);
      }
      console.log(`server log tail:\n${(server ? server.log() : '').slice(-3000)}`);
      throw err;
    } finally {
      for (const { context } of phones) await context.close().catch(() => {});
    }
  }

  /* What a single-page test (login_structure) needs besides withUsers: the
   * live state of the suite, read through getters once the hooks ran. */
  const state = {
    get skipReason() { return skipReason; },
    get server() { return server; },
    get tmp() { return tmp; },
  };
  return { withUsers, shot, byTestId, phonePage, login, state, outDir, PASSWORD };
}
