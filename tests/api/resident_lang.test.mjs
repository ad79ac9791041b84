// Residents' languages or dialect (issue 4.1) and the name search through the
// bigram index: add, change, clear and list languages; at most 100
// characters (400 naming "languages"); "my household" corrects them
// directly; the export has a 语言 column that imports back. A name search
// of two or more characters finds the resident after a rename, and not by
// the old name; one character still searches. See docs/api.md "Residents".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, errOf, scopeId, stopAndInspect } from './lib.mjs';

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (code) assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
}

describe('residents: languages and the name index', { timeout: 110_000 }, () => {
  let srv, worker, resident, base;

  before(async () => {
    srv = await startServer();
    [worker, resident] = await Promise.all(['worker', 'resident'].map((u) => login(srv.base, u)));
    base = `/api/communities/${scopeId(worker.user, 'worker', 'community')}`;
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  it('adds, changes, clears and lists languages; at most 100 characters', async () => {
    let r = await worker.post(`${base}/residents`,
      { name: '上官语嫣', gender: 'female', languages: '普通话, 上海话' });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    assert.equal(r.json.languages, '普通话, 上海话');
    r = await worker.get(`${base}/residents/${id}`);
    assert.equal(r.json.languages, '普通话, 上海话');
    r = await worker.get(`${base}/residents?q=${encodeURIComponent('官语')}`);
    assert.deepEqual(r.json.residents.map((x) => [x.id, x.languages]), [[id, '普通话, 上海话']]);

    r = await worker.patch(`${base}/residents/${id}`, { languages: '粤语' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.languages, '粤语');
    r = await worker.patch(`${base}/residents/${id}`, { languages: '' });
    assert.equal(r.json.languages, null);
    r = await worker.patch(`${base}/residents/${id}`, { languages: '话'.repeat(100) });
    assert.equal(r.status, 200, r.text);
    assertError(await worker.patch(`${base}/residents/${id}`, { languages: '话'.repeat(101) }),
      400, 'invalid', 'languages');
    assertError(await worker.post(`${base}/residents`,
      { name: '某人', gender: 'male', languages: '话'.repeat(101) }), 400, 'invalid', 'languages');
    assertError(await worker.post(`${base}/residents`,
      { name: '某人', gender: 'male', languages: 12 }), 400, 'invalid', 'languages');
    r = await worker.get(`${base}/residents/${id}`);
    assert.equal(r.json.languages, '话'.repeat(100), 'a refused change changed nothing');
  });

  it('my household corrects languages directly', async () => {
    let r = await resident.get('/api/me/household');
    assert.equal(r.status, 200, r.text);
    const self = r.json.members.find((m) => m.self);
    r = await resident.patch(`/api/me/household/members/${self.id}`, { languages: '普通话、温州话' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.corrections_created, 0);
    assert.equal(r.json.members.find((m) => m.self).languages, '普通话、温州话');
    r = await worker.get(`${base}/residents/${self.id}`);
    assert.equal(r.json.languages, '普通话、温州话');
    assertError(await resident.patch(`/api/me/household/members/${self.id}`,
      { languages: 'x'.repeat(101) }), 400, 'invalid', 'languages');
  });

  it('exports a 语言 column', async () => {
    const r = await worker.get(`${base}/residents/export?format=csv`);
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const lines = r.text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const head = lines[0].split(',');
    assert.equal(head[head.length - 1], '语言');
    assert.ok(lines.some((l) => l.startsWith('上官语嫣,') && l.endsWith(',' + '话'.repeat(100))),
      'the row carries its languages');
  });

  it('searches names by two characters or more through renames; one character too', async () => {
    let r = await worker.post(`${base}/residents`, { name: '司马相如', gender: 'male' });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    const ids = async (q) => (await worker.get(`${base}/residents?limit=200&q=${encodeURIComponent(q)}`))
      .json.residents.map((x) => x.id);
    assert.deepEqual(await ids('司马相'), [id]);
    assert.deepEqual(await ids('马相如'), [id]);
    assert.ok((await ids('相')).includes(id));
    r = await worker.patch(`${base}/residents/${id}`, { name: '司徒雷登' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(await ids('马相如'), []);
    assert.deepEqual(await ids('徒雷'), [id]);
    r = await worker.del(`${base}/residents/${id}`);
    assert.equal(r.status, 204, r.text);
    assert.deepEqual(await ids('徒雷'), []);
  });
});
