// `linli roster solve`: the command's contract on small rosters written
// here (exit 0 solved / 2 bad input, one line per slot, the reason of every
// unfilled slot, the summary on the last line, --json, --greedy, --help,
// and refusals naming the field).
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
before(() => { dir = mkdtempSync(join(tmpdir(), 'linli-roster-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

let seq = 0;
function file(obj) {
  const f = join(dir, `r${++seq}.json`);
  writeFileSync(f, typeof obj === 'string' ? obj : JSON.stringify(obj));
  return f;
}

function roster(...args) {
  const r = spawnSync(BIN, ['roster', ...args], { encoding: 'utf8' });
  const lines = r.stdout.trimEnd().split('\n');
  return { code: r.status, out: r.stdout, err: r.stderr, last: lines[lines.length - 1] };
}

// Monday 2026-11-30 at UTC+8 (the default time zone).
const gate = (shift, seat, from, to, skills = ['gate']) => ({
  shift, seat, start: `2026-11-30T${from}`, end: `2026-11-30T${to}`, post: 1, skills,
});

const small = {
  rules: { min_rest: 60, max_week: 600 },
  volunteers: [
    { id: 11, skills: ['gate'], weekly: [[7 * 60, 19 * 60]] },
    { id: 12, skills: ['gate', 'first_aid'], max_week: 240 },
    { id: 13, skills: ['patrol'], team: 5 },
  ],
  slots: [
    gate(1, 1, '08:00', '12:00'),
    gate(1, 2, '08:00', '12:00'),
    gate(2, 1, '12:00', '16:00'),
    gate(3, 1, '08:00', '10:00', ['first_aid']),
    gate(4, 1, '19:00', '21:00', ['patrol']),
    gate(5, 1, '19:00', '21:00', ['elder']),
  ],
};

describe('linli roster solve', () => {
  it('--help prints the usage and exits 0', () => {
    const r = roster('--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /usage: linli roster solve FILE\.json/);
  });

  it('solves a small roster exactly, with a reason for every unfilled slot', () => {
    const r = roster('solve', file(small), '--explain');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /method exact \(proven optimal\)/);
    // 12 takes first aid (2 h, not a 4 h gate: the hours spread evenly).
    assert.match(r.out, /shift 3 seat 1\t11-30 08:00 - 11-30 10:00\tpost 1\tvolunteer 12/);
    assert.match(r.out, /shift 1 seat 1\t.*volunteer 11/);
    assert.match(r.out, /shift 1 seat 2\t.*UNFILLED overlap\n\t2 have the skills and are available, but all are taken: 2 already have an overlapping slot/);
    assert.match(r.out, /shift 2 seat 1\t.*UNFILLED taken\n\t.*1 would not rest long enough between slots, 1 would pass their weekly maximum/);
    assert.match(r.out, /shift 5 seat 1\t.*UNFILLED no_skill\n\tnobody has every skill/);
    assert.match(r.out, /volunteer 11\t4\.0 h\nvolunteer 12\t2\.0 h\nvolunteer 13\t2\.0 h/);
    assert.equal(r.last, 'filled 3 of 6, unfilled 3, hours max 4.0 h min 2.0 h, Gini 0.167');
  });

  it('--json gives the same result as one object', () => {
    const r = roster('solve', file(small), '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.method, 'exact');
    assert.equal(j.optimal, true);
    assert.equal(j.filled, 3);
    assert.equal(j.unfilled, 3);
    assert.equal(j.gini, '0.167');
    assert.deepEqual(j.slots.map((s) => s.volunteer), [11, null, null, 12, 13, null]);
    assert.deepEqual(j.slots.filter((s) => s.reason).map((s) => s.reason), ['overlap', 'taken', 'no_skill']);
    assert.deepEqual(j.volunteers, [{ id: 11, minutes: 240 }, { id: 12, minutes: 120 }, { id: 13, minutes: 120 }]);
  });

  it('--greedy gives the first volunteer by id each slot; the solver spreads', () => {
    const two = {
      rules: { min_rest: 60, max_week: 600 },
      volunteers: [{ id: 2 }, { id: 1 }],
      slots: [gate(1, 1, '08:00', '10:00', []), gate(2, 1, '14:00', '16:00', [])],
    };
    const g = JSON.parse(roster('solve', file(two), '--greedy', '--json').out);
    assert.equal(g.method, 'greedy');
    assert.deepEqual(g.slots.map((s) => s.volunteer), [1, 1]);
    assert.equal(g.gini, '0.500');
    const s = JSON.parse(roster('solve', file(two), '--json').out);
    assert.deepEqual(s.slots.map((x) => x.volunteer).sort(), [1, 2]);
    assert.equal(s.gini, '0.000');
    assert.equal(s.max_minutes, 120);
  });

  it('times as integers are UTC minutes; the week follows tz_offset', () => {
    const t = 29933280 - 480 + 8 * 60; // Monday 08:00 at UTC+8
    const r = roster('solve', file({
      rules: { max_week: 600, tz_offset: 480 },
      volunteers: [{ id: 1, weekly: [[8 * 60, 9 * 60]] }],
      slots: [{ shift: 1, start: t, end: t + 60 }, { shift: 2, start: t + 60, end: t + 120 }],
    }), '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.slots.map((s) => s.volunteer), [1, null]);
    assert.equal(j.slots[1].reason, 'not_available');
  });

  it('refuses bad input with exit 2, naming the field', () => {
    const cases = [
      [{ rules: { max_weak: 5 }, volunteers: [], slots: [] }, /unknown key \(field rules\.max_weak\)/],
      [{ volunteers: [], slots: [] }, /field rules/],
      [{ rules: { max_week: 600 }, volunteers: [{ id: 1, weekly: [[0, 20000]] }], slots: [] },
        /field volunteers\[0\]\.weekly\[0\]/],
      [{ rules: { max_week: 600 }, volunteers: [{ id: 1 }, { id: 1 }], slots: [] }, /appears twice/],
      [{ rules: { max_week: 600 }, volunteers: [], slots: [{ shift: 1, start: '2026-13-01T00:00', end: 5 }] },
        /field slots\[0\]\.start/],
      [{ rules: { max_week: 600 }, volunteers: [], slots: [{ shift: 1, start: '2026-02-29T08:00', end: 5 }] },
        /field slots\[0\]\.start/],
      [{ rules: { max_week: 600 }, volunteers: [], slots: [gate(1, 1, '10:00', '09:00')] },
        /field slots\[0\]\.end/],
      [{ rules: { max_week: 600 }, volunteers: [{ id: 1, prefs: [{ weight: 500 }] }], slots: [] },
        /field volunteers\[0\]\.prefs\[0\]\.weight/],
      ['{"rules": {"max_week": 1, "max_week": 2}, "volunteers": [], "slots": []}', /duplicate key/],
      ['[1]', /expected a JSON object/],
    ];
    for (const [input, re] of cases) {
      const r = roster('solve', file(input));
      assert.equal(r.code, 2, JSON.stringify(input));
      assert.match(r.err, re);
      assert.equal(r.out, '');
    }
    const missing = roster('solve', join(dir, 'none.json'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot open/);
    assert.equal(roster('solve').code, 2);
    assert.equal(roster('solve', file(small), '--bogus').code, 2);
  });
});
