// docs/api.md is the contract: every route the server registers (printed by
// `linli routes`) must have a `### METHOD /path` heading there, every
// documented route must be registered, and every registered route must be
// served (not 404/405) by a running server.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, REPO, startServer, request } from './lib.mjs';

const norm = (p) => p.replace(/\{[^}]*\}/g, '{}');

function listRoutes() {
  const r = spawnSync(BIN, ['routes'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `linli routes exits 0: ${r.stderr}`);
  const routes = [];
  for (const line of r.stdout.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const m = /^([A-Z]+)\s+(\/\S*)$/.exec(t);
    assert.ok(m, `route line is "METHOD /path": ${JSON.stringify(line)}`);
    routes.push({ method: m[1], path: m[2], key: `${m[1]} ${norm(m[2])}` });
  }
  return routes;
}

function documented() {
  const md = readFileSync(path.join(REPO, 'docs', 'api.md'), 'utf8');
  const out = new Set();
  for (const m of md.matchAll(/^### ([A-Z]+) (\/\S*)\s*$/gm)) out.add(`${m[1]} ${norm(m[2])}`);
  return out;
}

describe('docs/api.md matches the route table', { timeout: 60_000 }, () => {
  let routes;
  let docs;
  let srv;

  before(async () => {
    routes = listRoutes();
    docs = documented();
    srv = await startServer();
  });
  after(async () => { await srv?.cleanup(); });

  it('linli routes prints at least the session and structure routes', () => {
    assert.ok(routes.length >= 10, `got ${routes.length} routes`);
    const keys = new Set(routes.map((r) => r.key));
    assert.ok(keys.has('POST /api/session'));
    assert.ok(keys.has('GET /api/communities/{}'));
  });

  it('lists each route once', () => {
    const seen = new Set();
    for (const r of routes) {
      assert.ok(!seen.has(r.key), `duplicate route ${r.key}`);
      seen.add(r.key);
    }
  });

  it('has a ### METHOD /path heading in docs/api.md for every route', () => {
    const missing = routes.filter((r) => !docs.has(r.key)).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, [], 'routes without a heading in docs/api.md');
  });

  it('registers every route documented in docs/api.md', () => {
    const keys = new Set(routes.map((r) => r.key));
    const missing = [...docs].filter((k) => !keys.has(k));
    assert.deepEqual(missing, [], 'documented routes that linli routes does not list');
  });

  it('serves every listed route (an anonymous request is not 404/405)', async () => {
    const bad = [];
    for (const r of routes) {
      const p = r.path.replace(/\{[^}]*\}/g, '1');
      const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : {};
      const res = await request(srv.base, r.method, p, { body });
      if (res.status === 404 || res.status === 405) {
        // 404 is legitimate only when the route answers with its own JSON error
        // for a missing object after authentication; anonymous callers get 401.
        bad.push(`${r.method} ${p} → ${res.status} ${res.text.slice(0, 100)}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});
