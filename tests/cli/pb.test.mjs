// `linli pb`: every real election in ../shared/data/pabulib must come out
// exactly as its official `selected` column, under the rule its META names;
// and the command's contract (exit 0 / 1 / 2, --help, --explain, --rule).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.LINLI_BIN || join(root, 'build/linli');
const DATA = resolve(root, '../shared/data/pabulib');

function run(args) {
  const r = spawnSync(BIN, ['pb', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Records of a .pb file: ';'-separated, '"' quoting with "" inside, quoted
// fields may span lines (the dialect of Python's csv module).
function records(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ';') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// The official outcome: project ids whose `selected` is 1, and the rule.
function official(file) {
  let section = null, header = null, rule = null;
  const selected = [], projects = [];
  for (const row of records(readFileSync(file, 'utf8'))) {
    if (row.length === 1 && row[0].trim() === '') continue;
    const name = row[0].trim().toUpperCase();
    if (['META', 'PROJECTS', 'VOTES'].includes(name) && row.slice(1).every((f) => f === '')) {
      section = name; header = null; continue;
    }
    if (!header) { header = row.map((h) => h.trim()); continue; }
    const rec = Object.fromEntries(header.map((h, k) => [h, (row[k] ?? '').trim()]));
    if (section === 'META' && rec.key === 'rule') rule = rec.value;
    if (section === 'PROJECTS') {
      projects.push(rec.project_id);
      if (rec.selected === '1') selected.push(rec.project_id);
    }
  }
  return { rule, selected: selected.sort(), projects };
}

describe('linli pb on the real Pabulib elections', () => {
  const present = existsSync(DATA);
  const files = present ? readdirSync(DATA).filter((f) => f.endsWith('.pb')).sort() : [];

  it('finds the shared data', (t) => {
    if (!present) {
      t.skip(`${DATA} absent: ../shared/data is not next to the repository, so the real elections were not checked`);
      return;
    }
    assert.ok(files.length > 0, `no .pb files in ${DATA}`);
  });

  for (const f of files) {
    it(`${f}: reproduces the official selected column`, () => {
      const file = join(DATA, f);
      const want = official(file);
      const r = run([file]);
      assert.equal(r.code, 0, r.err);
      const got = r.out.split('\n').filter(Boolean);
      assert.deepEqual([...got].sort(), want.selected, `rule ${want.rule}`);
      assert.equal(new Set(got).size, got.length, 'each id once');
    });

    it(`${f}: --explain gives a reason for every project`, () => {
      const file = join(DATA, f);
      const want = official(file);
      const r = run([file, '--explain']);
      assert.equal(r.code, 0, r.err);
      const lines = r.out.split('\n').filter(Boolean);
      assert.match(lines[0], new RegExp(`^# rule ${want.rule.replace('/', '\\/')}: budget \\d+`));
      assert.equal(lines.length, want.projects.length + 1);
      lines.slice(1).forEach((line, k) => {
        const [id, why] = line.split('\t');
        assert.equal(id, want.projects[k]);
        const funded = want.selected.includes(id);
        assert.match(why, funded ? /^funded: / : /^not funded: /);
        if (want.rule === 'greedy') assert.match(why, funded ? /fit in \d+ left/ : /no longer fits: cost \d+, remaining \d+/);
        else assert.match(why, funded ? /bought in round \d+ for \d+ at ρ [=≈] [\d.]+ per supporter/ : /could not afford it|nobody voted|costs 0/);
      });
    });
  }
});

describe('linli pb command line', () => {
  let tmp;
  before(() => { tmp = mkdtempSync(join(tmpdir(), 'linli-pb-')); });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const tiny = 'META\nkey;value\nbudget;100\nrule;greedy\n' +
    'PROJECTS\nproject_id;cost;selected\nA;60;1\nB;50;0\nC;40;1\n' +
    'VOTES\nvoter_id;vote\n1;A,B\n2;A,B,C\n3;A\n';

  it('--help prints the usage and exits 0', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /usage: linli pb FILE\.pb/);
  });

  it('usage errors exit 2 and say what is wrong', () => {
    let r = run([]);
    assert.equal(r.code, 2);
    assert.match(r.err, /which \.pb file/);
    r = run(['x.pb', '--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown option --bogus/);
    r = run(['x.pb', '--rule', 'borda']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--rule takes greedy or mes, not borda/);
    r = run(['x.pb', '--rule']);
    assert.equal(r.code, 2);
    r = run(['a.pb', 'b.pb']);
    assert.equal(r.code, 2);
  });

  it('applies the rule, or the one --rule names', () => {
    const file = join(tmp, 'tiny.pb');
    writeFileSync(file, tiny);
    let r = run([file]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'A\nC\n');
    r = run([file, '--rule=mes', '--explain']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^# rule equalshares\/add1: budget 100, 3 voters/);
    assert.match(r.out, /\nA\tfunded: bought in round 1 for 60 at ρ = 20 per supporter: 3 supporters paid it\n/);
  });

  it('a bad file exits 1 naming the line and the field', () => {
    const file = join(tmp, 'bad.pb');
    writeFileSync(file, tiny.replace('B;50;0', 'B;5O;0'));
    let r = run([file]);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.pb: line 8: cost "5O" is not a whole number.*\(field cost\)/);
    writeFileSync(file, tiny.replace('2;A,B,C', '2;A,B,Q'));
    r = run([file]);
    assert.equal(r.code, 1);
    assert.match(r.err, /line 13: vote names project Q, which is not in PROJECTS \(field vote\)/);
    writeFileSync(file, tiny.replace(/VOTES[^]*/, ''));
    r = run([file]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no VOTES section/);
    r = run([join(tmp, 'missing.pb')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot open .*missing\.pb/);
    writeFileSync(file, tiny.replace('rule;greedy', 'rule;unknown'));
    r = run([file]);
    assert.equal(r.code, 1);
    assert.match(r.err, /META rule "unknown".*\(field rule\)/);
  });
});
