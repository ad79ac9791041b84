// The web app's static files, checked without a browser: every module parses,
// the style sheet's braces balance (an unclosed rule silently swallows every
// rule after it: a merge once did that to seven modules' styles), and the two
// languages have the same keys (a string missing in one shows its key).

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { WEB } from './lib.mjs';

const modules = [...readdirSync(WEB).filter((f) => f.endsWith('.js')),
  ...readdirSync(path.join(WEB, 'views')).filter((f) => f.endsWith('.js')).map((f) => `views/${f}`)];

it('every module of the web app parses', () => {
  for (const m of modules) {
    const r = spawnSync(process.execPath, ['--check', path.join(WEB, m)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${m}: ${r.stderr}`);
  }
});

it('style.css: every rule is closed', () => {
  const css = readFileSync(path.join(WEB, 'style.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/"[^"\n]*"|'[^'\n]*'/g, '""');
  let depth = 0;
  let line = 1;
  const open = [];
  for (const ch of css) {
    if (ch === '\n') line++;
    if (ch === '{') { depth++; open.push(line); }
    if (ch === '}') { depth--; open.pop(); assert.ok(depth >= 0, `an extra } near line ${line}`); }
  }
  assert.equal(depth, 0, `unclosed rule opened near line ${open.at(-1)} (lines counted without comments)`);
});

it('i18n: zh-CN and en have the same keys', async () => {
  const src = readFileSync(path.join(WEB, 'i18n.js'), 'utf8');
  const body = src.slice(src.indexOf('const STRINGS = {'), src.indexOf('export const LANGS'));
  const zh = body.slice(0, body.indexOf('\n  en: {'));
  const en = body.slice(body.indexOf('\n  en: {'));
  const keys = (s) => new Set([...s.matchAll(/^\s{4}'([^']+)':/gm)].map((m) => m[1]));
  const a = keys(zh);
  const b = keys(en);
  const onlyZh = [...a].filter((k) => !b.has(k));
  // English singulars ("1 supporter") have no Chinese counterpart
  const onlyEn = [...b].filter((k) => !a.has(k) && !k.endsWith('.one'));
  assert.deepEqual(onlyZh, [], 'keys without English');
  assert.deepEqual(onlyEn, [], 'keys without Chinese');
});
