// `linli opinion DIR` on real Pol.is conversations (../shared/data/polis):
// our groups against the groups Pol.is itself assigned, measured with the
// adjusted Rand index (ARI) over the participants both clustered; the
// conversation written back with --out; usage and bad input exit codes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.LINLI_BIN || join(root, 'build/linli');
const DATA = resolve(root, '../shared/data/polis');

// Pol.is's groups come from an incremental process (warm starts over the
// conversation's history, a k-smoother), so a fresh computation is not
// expected to reproduce them exactly.  Measured with the default seed:
// 15-per-hour-seattle 0.884, brexit-consensus 0.876; over seeds 1..30 the
// lowest was 0.856 and 0.837.  The mistakes this test is for score far
// lower on the same data: choosing 3 groups instead of 2 gives 0.56-0.67,
// dropping Pol.is's treatment of moderated-out statements in the scaling
// 0.58, and random labels about 0.  0.75 sits between the two.
const MIN_ARI = 0.75;

function run(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// The "participant,group" block at the top of the output.
function ourGroups(out) {
  const lines = out.split('\n');
  assert.equal(lines[0], 'participant,group');
  const groups = new Map();
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const m = line.match(/^(\d+),(\d+)$/);
    assert.ok(m, `bad line: ${line}`);
    groups.set(m[1], Number(m[2]));
  }
  return groups;
}

// participant -> group-id from participants-votes.csv (blank: not clustered).
// The file holds numbers only, so splitting on commas is enough.
function polisGroups(dir) {
  const [header, ...rows] = readFileSync(join(dir, 'participants-votes.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  const p = cols.indexOf('participant'), g = cols.indexOf('group-id');
  const groups = new Map();
  for (const row of rows) {
    const f = row.split(',');
    if (f[g] !== '') groups.set(f[p], Number(f[g]));
  }
  return groups;
}

function adjustedRand(a, b) {
  const pairs = (n) => (n * (n - 1)) / 2;
  const table = new Map(), ra = new Map(), rb = new Map();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) || 0) + 1);
    ra.set(a[i], (ra.get(a[i]) || 0) + 1);
    rb.set(b[i], (rb.get(b[i]) || 0) + 1);
  }
  let sij = 0, sa = 0, sb = 0;
  for (const v of table.values()) sij += pairs(v);
  for (const v of ra.values()) sa += pairs(v);
  for (const v of rb.values()) sb += pairs(v);
  const expected = (sa * sb) / pairs(a.length), max = (sa + sb) / 2;
  return max === expected ? 1 : (sij - expected) / (max - expected);
}

const conversations = existsSync(DATA)
  ? readdirSync(DATA).filter((d) => existsSync(join(DATA, d, 'votes.csv'))).sort()
  : [];

describe('linli opinion on real Pol.is conversations', () => {
  let tmp;
  before(() => { tmp = mkdtempSync(join(tmpdir(), 'linli-opinion-')); });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('finds groups close to the ones Pol.is found', (t) => {
    if (!conversations.length) {
      t.skip(`no Pol.is data at ${DATA}; the shared data folder is not here`);
      return;
    }
    for (const name of conversations) {
      const dir = join(DATA, name);
      const r = run(['opinion', dir]);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      const ours = ourGroups(r.out), theirs = polisGroups(dir);
      const both = [...ours.keys()].filter((p) => theirs.has(p));
      assert.ok(both.length >= 0.8 * theirs.size, `${name}: only ${both.length} in common`);
      const ari = adjustedRand(both.map((p) => ours.get(p)), both.map((p) => theirs.get(p)));
      const k = new Set(ours.values()).size, kp = new Set(theirs.values()).size;
      const line = `${name}: ARI ${ari.toFixed(3)} over ${both.length} participants ` +
        `(our groups ${k}, Pol.is's ${kp})`;
      t.diagnostic(line);
      console.log(line);
      assert.ok(ari >= MIN_ARI, line);
      assert.match(r.out, /\nconsensus /);
      assert.match(r.out, /\ngroup 0 representative/);
      // the same input gives the same map
      assert.equal(run(['opinion', dir]).out, r.out, `${name}: not deterministic`);
    }
  });

  it('writes the conversation back in the same format', (t) => {
    if (!conversations.length) {
      t.skip(`no Pol.is data at ${DATA}; the shared data folder is not here`);
      return;
    }
    for (const name of conversations) {
      const dir = join(DATA, name), out = join(tmp, name);
      const r = run(['opinion', dir, '--out', out]);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      for (const f of ['comments.csv', 'votes.csv'])
        assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(out, f))), `${name}/${f} differs`);
      // participants-votes.csv is rebuilt from the votes: the same but for group-id
      const dropGroup = (text) => text.split('\n').map((l) => l.split(',').filter((_, i) => i !== 1).join(','));
      const theirs = readFileSync(join(dir, 'participants-votes.csv'), 'utf8');
      const mine = readFileSync(join(out, 'participants-votes.csv'), 'utf8');
      assert.deepEqual(dropGroup(mine), dropGroup(theirs), `${name}/participants-votes.csv`);
      // and its group-id column holds our groups
      const ours = ourGroups(r.out), written = polisGroups(out);
      assert.deepEqual([...written.entries()].sort(), [...ours.entries()].sort());
    }
  });
});

describe('linli opinion usage and bad input', () => {
  let tmp;
  before(() => { tmp = mkdtempSync(join(tmpdir(), 'linli-opinion-')); });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints help and refuses bad usage with 2', () => {
    const help = run(['opinion', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /usage: linli opinion DIR/);
    assert.equal(run(['opinion']).code, 2);
    assert.equal(run(['opinion', tmp, '--bogus']).code, 2);
    assert.equal(run(['opinion', tmp, tmp]).code, 2);
    assert.equal(run(['opinion', tmp, '--seed', 'x']).code, 2);
  });

  it('names the file, line and column of bad input, exit 1', () => {
    let r = run(['opinion', join(tmp, 'nowhere')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /comments\.csv: no such file/);

    const dir = join(tmp, 'bad');
    rmSync(dir, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'comments.csv'),
      'timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n' +
      '1,x,0,0,0,0,1,"quoted, with a comma\nand a line break"\n');
    writeFileSync(join(dir, 'votes.csv'),
      'timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0,2,7\n');
    r = run(['opinion', dir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /votes\.csv line 3, column 5 \(vote\): "7" is not -1, 0 or 1/);

    writeFileSync(join(dir, 'votes.csv'), 'timestamp,datetime,comment-id,voter-id,vote\n1,"x,0,1,1\n');
    r = run(['opinion', dir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /votes\.csv line 2, column 2: a quoted field is not closed/);

    // no votes at all is bad input too, not a crash
    writeFileSync(join(dir, 'votes.csv'), 'timestamp,datetime,comment-id,voter-id,vote\n');
    r = run(['opinion', dir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no votes/);

    // a tiny valid conversation maps, with the statement text on one line
    writeFileSync(join(dir, 'votes.csv'), 'timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0,2,-1\n');
    r = run(['opinion', dir]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^participant,group\n/);
    assert.match(r.out, /quoted, with a comma and a line break/);
  });
});
