// `linli import residents` and `linli export residents` as an operator runs
// them: the dry-run report on stdout (`line N: field: reason`), the exit
// codes (0 clean, 1 bad rows, 2 usage), GB18030 files with bad bytes, a real
// import twice (the second changes nothing), exports masked and unmasked.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.LINLI_BIN || join(root, 'build/linli');
// the demo's structure without its residents: the register starts empty
const env = { ...process.env, LINLI_RATE_LIMIT: '0', LINLI_ACCESS_LOG: 'off', LINLI_DEMO_PASSWORD: 'demo-pass-123', LINLI_DEMO_RESIDENTS: '0' };

function run(args, input) {
  const r = spawnSync(BIN, args, { input: input ?? '', env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function idcard(d17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(d17[i]) * w[i];
  return d17 + '10X98765432'[s % 11];
}

// GB18030 bytes of a UTF-8 string (glibc's iconv program, as on Debian).
function gb18030(text) {
  const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: Buffer.from(text) });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

const ID_A = idcard('11010519800102011');
const ID_B = idcard('11010519851111022');
const GOOD = [
  '姓名,性别,身份证号,手机,住址,与户主关系,户籍类型,技能,志愿者',
  `张伟,男,${ID_A},13812345678,阳光花园1号楼1单元101,户主,户籍,电工,是`,
  `李娜,女,${ID_B},,阳光花园1号楼1单元101,配偶,户籍,,否`,
  '王芳,女,,139 0000 1111,阳光花园2号楼1单元201,户主,租户,,',
].join('\r\n') + '\r\n';

describe('linli import / export residents', () => {
  let tmp, db;
  const cnt = () => {
    const r = run(['export', 'residents', '--community', '1', '--format', 'csv', '-o', join(tmp, 'n.csv'), '--db', db]);
    assert.equal(r.code, 0, r.err);
    return readFileSync(join(tmp, 'n.csv'), 'utf8').trim().split('\r\n').length - 1;
  };

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'linli-import-'));
    db = join(tmp, 'a.db');
    const r = run(['init', '--demo', '--db', db]);
    assert.equal(r.code, 0, r.err);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('--help, and 2 for usage errors', () => {
    for (const cmd of ['import', 'export']) {
      const r = run([cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`usage: linli ${cmd} residents`));
    }
    assert.equal(run(['import', 'residents', 'x.csv']).code, 2); // no --community
    assert.equal(run(['import', 'people', 'x.csv', '--community', '1']).code, 2);
    assert.equal(run(['import', 'residents', 'x.csv', '--community', '1', '--encoding', 'latin1']).code, 2);
    assert.equal(run(['import', 'residents', 'x.csv', '--community', '1', '--bogus']).code, 2);
    assert.equal(run(['export', 'residents', '--community', '1', '--format', 'pdf', '-o', 'x']).code, 2);
    assert.equal(run(['export', 'residents', '--community', '1', '--format', 'csv']).code, 2); // no -o
  });

  it('a dry run prints every bad row exactly, exits 1 and writes nothing', () => {
    const f = join(tmp, 'bad.csv');
    writeFileSync(f, GOOD +
      '赵六,男,110105198001021234,,阳光花园1号楼1单元102,户主,户籍,,\r\n' + // 5: check character
      '钱七,男,,,阳光花园99号楼1单元101,户主,户籍,,\r\n' +                    // 6: building
      `孙八,男,${ID_A},,阳光花园1号楼1单元102,户主,户籍,,\r\n` +                // 7: duplicate ID
      '周九,未知,,,,户主,户籍,,\r\n');                                         // 8: gender
    const r = run(['import', 'residents', f, '--community', '1', '--db', db, '--dry-run']);
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 4, r.out);
    assert.match(lines[0], /^line 5: id_number: /);
    assert.equal(lines[1], 'line 6: building: no building 阳光花园 99号楼 in this community');
    assert.equal(lines[2], 'line 7: id_number: the same ID number as line 2');
    assert.equal(lines[3], 'line 8: gender: gender must be 男 or 女, not "未知"');
    assert.match(r.err, /4 of 7 rows are bad; nothing was written/);
    // the same without --dry-run writes nothing either
    assert.equal(run(['import', 'residents', f, '--community', '1', '--db', db]).code, 1);
    assert.equal(cnt(), 0);
  });

  it('GB18030 with a bad byte: the row and column named, exit 1', () => {
    const bytes = gb18030(GOOD);
    const at = bytes.indexOf(gb18030('王芳'));
    bytes[at] = 0x81;
    bytes[at + 1] = 0x20; // a lead byte without a valid trail byte
    const f = join(tmp, 'gbbad.csv');
    writeFileSync(f, bytes);
    const r = run(['import', 'residents', f, '--community', '1', '--db', db, '--dry-run']);
    assert.equal(r.code, 1, r.err);
    assert.equal(r.out, 'line 4: 姓名: not valid GB18030\n');
  });

  it('a real import of a GB18030 file, twice: the second changes nothing', () => {
    const f = join(tmp, 'gb.csv');
    writeFileSync(f, gb18030(GOOD));
    let r = run(['import', 'residents', f, '--community', '1', '--db', db, '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /3 rows, all good \(GB18030\); dry run/);
    r = run(['import', 'residents', f, '--community', '1', '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /3 rows \(GB18030\): 3 added, 0 updated, 0 unchanged/);
    assert.match(r.err, /checked 3\/3 rows/);
    assert.match(r.err, /written 3\/3 rows/);
    r = run(['import', 'residents', f, '--community', '1', '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /0 added, 0 updated, 3 unchanged/);
    assert.equal(cnt(), 3);
    // a changed phone is one update; --map names an unknown heading
    const g = join(tmp, 'map.csv');
    writeFileSync(g, `户主姓名,证件,电话号码\r\n张伟,${ID_A},13900000000\r\n`);
    r = run(['import', 'residents', g, '--community', '1', '--db', db, '--map', '户主姓名=name,证件=id_number,电话号码=phone']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /0 added, 1 updated, 0 unchanged/);
  });

  it('exports masked by default, unmasked only when asked (audited), XLSX too', () => {
    const out = join(tmp, 'out.csv');
    let r = run(['export', 'residents', '--community', '1', '--format', 'csv', '-o', out, '--db', db]);
    assert.equal(r.code, 0, r.err);
    let text = readFileSync(out, 'utf8');
    assert.ok(text.startsWith('\ufeff姓名,性别,出生日期,身份证号,手机,小区,楼栋,单元,房号'), text.slice(0, 60));
    assert.ok(text.includes(`110105********${ID_A.slice(14)}`));
    assert.ok(text.includes('139****0000'));
    assert.ok(!text.includes(ID_A));
    r = run(['export', 'residents', '--community', '1', '--format', 'csv', '-o', out, '--unmasked', '--db', db]);
    assert.equal(r.code, 0, r.err);
    text = readFileSync(out, 'utf8');
    assert.ok(text.includes(ID_A));
    assert.ok(text.includes('13900000000'));
    const x = join(tmp, 'out.xlsx');
    r = run(['export', 'residents', '--community', '1', '--format', 'xlsx', '-o', x, '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...readFileSync(x).subarray(0, 2)], [0x50, 0x4b]);
    const q = spawnSync('sqlite3', [db, "SELECT COUNT(*) FROM audit_log WHERE action = 'resident.export.unmasked'"], { encoding: 'utf8' });
    if (!q.error) assert.equal(q.stdout.trim(), '1');
    r = run(['audit', 'verify', '--db', db]);
    assert.equal(r.code, 0, r.out + r.err);
  });
});
