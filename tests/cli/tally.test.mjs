// `linli tally`: the command's contract on paper-ballot sheets generated
// here (exit 0 PASSED / 1 FAILED / 2 bad input, the last line, the four
// figures, `line N: field: reason` on stderr, GB18030 sheets, --help).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.LINLI_BIN || join(root, 'build/linli');

let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'linli-tally-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

let seq = 0;
function sheet(rows, header = 'dwelling,owner,area,vote') {
  const file = join(dir, `s${++seq}.csv`);
  writeFileSync(file, [header, ...rows].join('\r\n') + '\r\n');
  return file;
}

function tally(...args) {
  const r = spawnSync(BIN, ['tally', ...args], { encoding: 'utf8' });
  const lines = r.stdout.trimEnd().split('\n');
  return { code: r.status, out: r.stdout, err: r.stderr, last: lines[lines.length - 1] };
}

// n equal dwellings of 100.00 m², owner i, with the given votes.
function equal(votes) {
  return votes.map((v, i) => `1-${101 + i},o${i},100.00,${v}`);
}

describe('linli tally', () => {
  it('--help prints the usage and exits 0', () => {
    const r = tally('--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /usage: linli tally --rule RULE/);
    assert.match(r.out, /art278-major/);
  });

  it('exactly 2/3 taking part and 2 of 3 approving: PASSED, exit 0', () => {
    const r = tally('--rule', 'art278-general', sheet(equal(['yes', 'yes', ''])));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.last, 'PASSED');
    assert.match(r.out, /participating area \/ total area: +200\.00 \/ 300\.00 m² +needs at least 2\/3 \(以上\) +✓/);
    assert.match(r.out, /participating owners \/ total owners: +2 \/ 3 +needs at least 2\/3/);
    assert.match(r.out, /approving owners \/ participating owners: +2 \/ 2 +needs more than 1\/2 \(过半数\) +✓/);
    assert.match(r.out, /abstentions: count as taking part/);
  });

  it('exactly half approving fails 过半数: FAILED, exit 1', () => {
    const r = tally('--rule', 'art278-general', sheet(equal(['yes', 'yes', 'no', 'no'])));
    assert.equal(r.code, 1);
    assert.equal(r.last, 'FAILED');
    assert.match(r.out, /approving area \/ participating area: +200\.00 \/ 400\.00 m² +needs more than 1\/2 \(过半数\) +✗/);
  });

  it('exactly 3/4 passes a major matter; abstention decides it both ways', () => {
    const votes = ['yes', 'yes', 'yes', 'no', 'abstain', ''];
    const f = sheet(equal(votes));
    let r = tally('--rule', 'art278-major', f);
    assert.equal(r.code, 1); // 3 of 5 taking part approve
    r = tally('--rule', 'art278-major', '--abstain', 'absent', f);
    assert.equal(r.code, 0, r.out); // 3 of 4, and 4 of 6 = 2/3 took part
    assert.match(r.out, /abstentions: do not count as taking part \(--abstain absent\)/);
    assert.match(r.out, /approving owners \/ participating owners: +3 \/ 4 +needs at least 3\/4 \(以上\) +✓/);
  });

  it('one owner of three dwellings and the developer count once each', () => {
    const f = sheet([
      '1-101,zhang,100,yes', '1-102,zhang,100,', '1-103,zhang,100,yes',
      '1-201,developer,50,no', '1-202,developer,50,', '1-203,developer,50,',
      '1-301,li,100,no',
    ]);
    const r = tally('--rule', 'art278-general', '--json', f);
    assert.equal(r.code, 1);
    assert.match(r.out, /electorate: 7 dwellings, 3 owners, 550\.00 m²/);
    const json = JSON.parse(r.out.trimEnd().split('\n').at(-2));
    assert.equal(json.owners, 3);
    assert.equal(json.yes_owners, 1);
    assert.equal(json.yes_area, '300.00');
    assert.equal(json.participating_area, '550.00');
    assert.equal(json.passed, false);
    assert.equal(json.tests[2].passed, true);  // 300 of 550 m²
    assert.equal(json.tests[3].passed, false); // 1 of 3 owners
  });

  it('a residents meeting counts heads only; area may be empty', () => {
    const f = sheet(['a,p1,,yes', 'b,p2,,yes', 'c,p3,,no', 'd,p4,,']);
    const r = tally('--rule', 'majority', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /participating area \/ total area: +not counted \(heads only\)/);
    const half = tally('--rule', 'majority', sheet(['a,p1,,yes', 'b,p2,,yes', 'c,p3,,', 'd,p4,,']));
    assert.equal(half.code, 1); // exactly half present is not more than half
  });

  it('--scope tallies the owners of one building or unit only', () => {
    // building 3 unit 2 votes on its elevator: 3 of its 3 owners take part,
    // 2 approve; the rest of the compound (all silent) does not count
    const f = sheet([
      '3-2-101,a,90,yes', '3-2-201,b,90,yes', '3-2-301,c,90,no',
      '3-1-101,d,90,', '4-2-101,e,90,', '3-20-101,f,90,',
    ]);
    let r = tally('--rule', 'art278-general', f);
    assert.equal(r.code, 1); // the whole compound: 3 of 6 took part
    r = tally('--rule', 'art278-general', '--scope', '3-2-', f);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /scope: dwellings starting with 3-2-/);
    assert.match(r.out, /electorate: 3 dwellings, 3 owners, 270\.00 m²/);
    r = tally('--rule', 'art278-general', '--scope', '9-', f);
    assert.equal(r.code, 2);
    assert.match(r.err, /scope: no dwelling starts with the --scope prefix/);
  });

  it('custom thresholds', () => {
    const f = sheet(equal(['yes', 'no', '']));
    let r = tally('--rule', 'custom', '--participation-over', '1/2', '--approval', '1/2', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /needs more than 1\/2 \(过半数\)/);
    r = tally('--rule', 'custom', '--participation', '2/3', '--approval-over', '1/2', f);
    assert.equal(r.code, 1);
    r = tally('--rule', 'custom', '--participation', '1/2', '--approval', '1/2', '--heads-only', f);
    assert.equal(r.code, 0);
    assert.match(r.out, /not counted \(heads only\)/);
    for (const bad of [['--participation', '3/2'], ['--approval', '0'], ['--approval', '0.5']]) {
      r = tally('--rule', 'custom', '--participation', '1/2', '--approval', '1/2', ...bad, f);
      assert.equal(r.code, 2, bad.join(' '));
    }
    r = tally('--rule', 'custom', '--participation', '1/2', f);
    assert.equal(r.code, 2);
    r = tally('--rule', 'art278-general', '--approval', '1/2', f);
    assert.equal(r.code, 2);
  });

  it('Chinese headers and votes, GB18030', () => {
    const text = '房号,业主,面积,表决\r\n1-101,张,100,同意\r\n1-102,李,100,同意\r\n1-103,王,100,反对\r\n';
    const utf8 = join(dir, 'zh.csv');
    writeFileSync(utf8, text);
    let r = tally('--rule', 'art278-general', utf8);
    assert.equal(r.code, 0, r.err);
    // the same sheet as GB18030, by iconv if present
    const conv = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030', utf8], { encoding: 'buffer' });
    if (conv.status === 0) {
      const gb = join(dir, 'zh-gb.csv');
      writeFileSync(gb, conv.stdout);
      r = tally('--rule', 'art278-general', gb);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.last, 'PASSED');
    }
  });

  it('bad rows: exit 2 with line N: field: reason', () => {
    const cases = [
      [['1-101,a,100,yes', '1-102,b,10.123,no'], /^line 3: area: /],
      [['1-101,a,100,yes', '1-102,b,-5,no'], /^line 3: area: /],
      [['1-101,a,100,yes', '1-102,b,,no'], /^line 3: area: the area is empty/],
      [['1-101,a,100,yes', '1-102,b,100,maybe'], /^line 3: vote: must be yes, no, abstain or empty/],
      [['1-101,a,100,yes', ',b,100,no'], /^line 3: dwelling: /],
      [['1-101,a,100,yes', '1-102,,100,no'], /^line 3: owner: /],
      [['1-101,a,100,yes', '1-102,b,100,no', '1-101,c,100,no'], /^line 4: dwelling: dwelling 1-101 appears twice/],
      [['1-101,a,100,yes', '1-102,b,100,', '1-103,a,100,no'], /^line 4: vote: owner a has two different votes/],
    ];
    for (const [rows, want] of cases) {
      const r = tally('--rule', 'art278-general', sheet(rows));
      assert.equal(r.code, 2, rows.join(' | '));
      assert.match(r.err, want);
      assert.equal(r.out, '');
    }
    let r = tally('--rule', 'art278-general', sheet(['1-101,a,100,yes'], 'dwelling,owner,vote'));
    assert.equal(r.code, 2);
    assert.match(r.err, /^line 1: header: no column area/);
    r = tally('--rule', 'art278-general', sheet([]));
    assert.equal(r.code, 2);
    assert.match(r.err, /no rows/);
    r = tally('--rule', 'art278-general', sheet(['1-101,a,0,yes']));
    assert.equal(r.code, 2);
    assert.match(r.err, /rule: the rule counts area and the area is zero/);
  });

  it('usage errors exit 2', () => {
    const f = sheet(equal(['yes']));
    for (const args of [[f], ['--rule', 'art999', f], ['--rule', 'art278-general'],
      ['--rule', 'art278-general', '--abstain', 'maybe', f], ['--rule', 'art278-general', '--bogus', f],
      ['--rule', 'art278-general', join(dir, 'missing.csv')]]) {
      const r = tally(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.notEqual(r.err, '');
    }
  });
});
