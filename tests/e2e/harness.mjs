/*
 * The server side of the browser tests: a fresh demo database and
 * `linli serve` on a free loopback port, stopped and removed afterwards.
 *
 * Environment:
 *   LINLI_BIN            the server binary (default <repo>/build/linli; a
 *                        relative path is taken from the repository root)
 *   LINLI_TEST_PG_BASE   base URL of a throwaway PostgreSQL cluster
 *                        (scripts/pg.sh start DIR prints it): the database is
 *                        then a fresh one in that cluster instead of a SQLite
 *                        file in the temp dir
 *   LINLI_E2E_KEEP       keep the temp dir (and the PostgreSQL database)
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, freshDatabase, initDemo } from '../api/lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const bin = path.resolve(repo, process.env.LINLI_BIN || 'build/linli');
const webDir = path.join(repo, 'web');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start a server on a fresh demo database whose accounts all have
 * `password`. Returns {base, tmp, db, log(), stop()}; log() is the tail of
 * the server's output (what explains a failure).
 */
export async function startServer(password) {
  assert.ok(existsSync(bin), `no linli binary at ${bin}: run make in the repository root, or set LINLI_BIN`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'linli-e2e-'));
  const fresh = freshDatabase(tmp);
  const init = initDemo(fresh, { ...process.env, LINLI_DEMO_PASSWORD: password });
  if (init.status !== 0) fresh.drop();
  assert.equal(init.status, 0, `linli init --demo failed (${init.status}):\n${init.stdout}\n${init.stderr}`);

  const port = await freePort();
  let log = '';
  const proc = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--db', fresh.db], {
    env: { ...process.env, LINLI_WEB: webDir, LINLI_RATE_LIMIT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    log = (log + chunk).slice(-20_000); /* the tail is what explains a failure */
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);

  const srv = {
    base: `http://127.0.0.1:${port}`,
    tmp,
    db: fresh.db,
    log: () => log,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(timer);
      }
      if (!process.env.LINLI_E2E_KEEP) {
        fresh.drop();
        await rm(tmp, { recursive: true, force: true });
      }
    },
  };
  try {
    await waitHealthy(proc, `${srv.base}/healthz`, 15_000, () => log);
  } catch (err) {
    await srv.stop();
    throw err;
  }
  return srv;
}

async function waitHealthy(proc, url, ms, log) {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`linli serve exited (${proc.exitCode ?? proc.signalCode}) before answering:\n${log()}`);
    }
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `status ${r.status}`;
    } catch (err) {
      last = err.message;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 within ${ms} ms (${last}):\n${log()}`);
}
