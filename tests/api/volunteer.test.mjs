// Volunteers API (issue 5, items 1-7): registration with consent, a
// volunteer signing themself up and a worker signing up others, the rule
// codes, check-in at the post with a one-time nonce (no replay, own shift
// only), confirmation of hours, the certificate, exports and the roster;
// roles (403) and another community's ids (404). See docs/api.md
// "volunteers".

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, errOf, scopeId, unique, stopAndInspect } from './lib.mjs';

function assertError(r, status, field, rule) {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  const e = errOf(r);
  assert.ok(e, `error body: ${r.text.slice(0, 300)}`);
  if (field !== undefined) assert.equal(e.field, field);
  if (rule !== undefined) assert.equal(e.rule, rule);
}

const now = () => Math.floor(Date.now() / 1000);
const CONSENT = { consent_date: '2026-01-05', consent_method: 'paper', consent_version: 'v1' };

describe('volunteers', { timeout: 110_000 }, () => {
  let srv, admin, worker, grid, volunteer, resident;
  let demo, base, post, postB, shiftNow, shiftFull, shiftLater, me, ext1, ext2;
  const other = {};

  before(async () => {
    srv = await startServer();
    [admin, worker, grid, volunteer, resident] = await Promise.all(
      ['admin', 'worker', 'grid', 'volunteer', 'resident'].map((u) => login(srv.base, u)));
    demo = scopeId(worker.user, 'worker', 'community');
    base = `/api/communities/${demo}`;
    let r = await worker.post(`${base}/scenes`, { name: unique('门岗'), template: 'gate' });
    assert.equal(r.status, 201, r.text);
    const scene = r.json.id;
    r = await worker.post(`${base}/scenes/${scene}/posts`, { name: '北门岗' });
    assert.equal(r.status, 201, r.text);
    post = r.json.id;
    r = await worker.post(`${base}/scenes/${scene}/posts`, { name: '南门岗' });
    postB = r.json.id;
    const t = now();
    r = await worker.post(`${base}/posts/${post}/shifts`, { starts_at: t + 600, ends_at: t + 7200, headcount: 3 });
    assert.equal(r.status, 201, r.text);
    shiftNow = r.json.id;
    r = await worker.post(`${base}/posts/${postB}/shifts`, { starts_at: t + 3 * 86400, ends_at: t + 3 * 86400 + 7200, headcount: 1 });
    shiftFull = r.json.id;
    r = await worker.post(`${base}/posts/${post}/shifts`, { starts_at: t + 30 * 86400, ends_at: t + 30 * 86400 + 3600, headcount: 2 });
    shiftLater = r.json.id;

    // another community with a scene, a post and a shift of its own
    r = await admin.post('/api/streets', { name: unique('另一街道') });
    r = await admin.post('/api/communities', { street_id: r.json.id, name: unique('另一社区') });
    other.community = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/scenes`, { name: '别处', template: 'gate' });
    r = await admin.post(`/api/communities/${other.community}/scenes/${r.json.id}/posts`, { name: '别处岗' });
    other.post = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/posts/${other.post}/shifts`, { starts_at: t + 3600, ends_at: t + 7200 });
    other.shift = r.json.id;
    r = await admin.post(`/api/communities/${other.community}/volunteers`, { name: '外区志愿者', birth_date: '1980-01-01', ...CONSENT });
    assert.equal(r.status, 201, r.text);
    other.volunteer = r.json.id;
  });

  after(async () => {
    if (!srv) return;
    const x = await stopAndInspect(srv);
    await srv.cleanup();
    assert.equal(x.sanitizer, null, `sanitizer report: ${x.sanitizer}`);
  });

  it('registers volunteers with consent, a guardian under 18, fields named', async () => {
    let r = await worker.post(`${base}/volunteers`, { name: '缺同意', birth_date: '1990-01-01' });
    assertError(r, 400, 'consent_date');
    r = await worker.post(`${base}/volunteers`, { name: '少年', birth_date: '2012-01-01', ...CONSENT });
    assertError(r, 400, 'guardian_name');
    r = await worker.post(`${base}/volunteers`, { name: '日期错', birth_date: '1990-02-30', ...CONSENT });
    assertError(r, 400, 'birth_date');
    r = await worker.post(`${base}/volunteers`, { name: 'x', birth_date: '1990-01-01', ...CONSENT, colour: 'red' });
    assertError(r, 400, 'colour');
    r = await worker.post(`${base}/volunteers`, { name: '可用', birth_date: '1990-01-01', ...CONSENT, availability: '9 08:00-09:00' });
    assertError(r, 400, 'availability');
    r = await worker.post(`${base}/volunteers`, { name: '电话', birth_date: '1990-01-01', ...CONSENT, phone: '123' });
    assertError(r, 400, 'phone');
    r = await worker.post(`${base}/volunteers`, {
      name: '刘洋', birth_date: '2001-05-01', phone: '13912345678', user_id: volunteer.user.id,
      skills: 'first_aid', ...CONSENT,
    });
    assert.equal(r.status, 201, r.text);
    me = r.json.id;
    r = await worker.post(`${base}/volunteers`, { name: '重复', birth_date: '2001-05-01', user_id: volunteer.user.id, ...CONSENT });
    assertError(r, 409, 'user_id');
    r = await worker.post(`${base}/volunteers`, {
      name: '小志', birth_date: '2011-03-01', guardian_name: '小志妈妈', guardian_relation: '母亲',
      guardian_date: '2026-01-05', guardian_evidence: '纸质同意书', ...CONSENT,
    });
    assert.equal(r.status, 201, r.text);
    ext1 = r.json.id;
    r = await worker.post(`${base}/volunteers`, { name: '老王', birth_date: '1960-01-01', ...CONSENT });
    assert.equal(r.status, 201, r.text);
    ext2 = r.json.id;

    r = await worker.get(`${base}/volunteers/${me}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.phone, '139****5678');
    assert.equal(r.json.young, true);
    r = await worker.get(`${base}/volunteers`);
    const kid = r.json.volunteers.find((v) => v.id === ext1);
    assert.equal(kid.minor, true);
    assert.equal(kid.young, true);
    assert.equal(r.json.volunteers.find((v) => v.id === ext2).young, false);
    // the volunteer reads themself, not the list nor others
    r = await volunteer.get(`${base}/volunteers/${me}`);
    assert.equal(r.status, 200, r.text);
    assertError(await volunteer.get(`${base}/volunteers/${ext1}`), 403);
    assertError(await volunteer.get(`${base}/volunteers`), 403);
    assertError(await volunteer.post(`${base}/volunteers`, { name: '自己', birth_date: '1990-01-01', ...CONSENT }), 403);
    assertError(await grid.post(`${base}/volunteers`, { name: '网格', birth_date: '1990-01-01', ...CONSENT }), 403);
    // another community's volunteer is 404, and ours from there too
    assertError(await worker.get(`/api/communities/${other.community}/volunteers`), 404);
    assertError(await worker.get(`${base}/volunteers/${other.volunteer}`), 404);
  });

  it('signs up: self, for others by a worker, with rule codes', async () => {
    let r = await volunteer.post(`${base}/shifts/${shiftNow}/signups`, {});
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.volunteer_id, me);
    r = await volunteer.post(`${base}/shifts/${shiftNow}/signups`, {});
    assertError(r, 409, 'shift_id', 'already_signed_up');
    // a volunteer does not sign up someone else; a resident is no volunteer
    assertError(await volunteer.post(`${base}/shifts/${shiftFull}/signups`, { volunteer_id: ext1 }), 403, 'volunteer_id');
    assertError(await resident.post(`${base}/shifts/${shiftFull}/signups`, {}), 403, 'volunteer_id');
    // the worker signs others up; the shift fills
    r = await worker.post(`${base}/shifts/${shiftFull}/signups`, { volunteer_id: ext1 });
    assert.equal(r.status, 201, r.text);
    assertError(await worker.post(`${base}/shifts/${shiftFull}/signups`, { volunteer_id: ext2 }), 409, 'shift_id', 'shift_full');
    // 30 days ahead with the default 14
    assertError(await worker.post(`${base}/shifts/${shiftLater}/signups`, { volunteer_id: ext2 }), 409, 'shift_id', 'too_far_ahead');
    r = await worker.req('PUT', `${base}/volunteer-settings`, { ahead_days: 40, rest_hours: 8, cancel_hours: 24, noshow_limit: 2 });
    assert.equal(r.status, 200, r.text);
    assertError(await volunteer.req('PUT', `${base}/volunteer-settings`, { ahead_days: 40, rest_hours: 8, cancel_hours: 24, noshow_limit: 2 }), 403);
    assertError(await worker.req('PUT', `${base}/volunteer-settings`, { ahead_days: 0, rest_hours: 8, cancel_hours: 24, noshow_limit: 2 }), 400, 'ahead_days');
    r = await worker.post(`${base}/shifts/${shiftLater}/signups`, { volunteer_id: ext2 });
    assert.equal(r.status, 201, r.text);
    // the volunteer cancels in time, and signs up again
    r = await volunteer.post(`${base}/shifts/${shiftLater}/signups`, {});
    assert.equal(r.status, 201, r.text);
    const later = r.json.id;
    r = await volunteer.post(`${base}/signups/${later}/cancel`, {});
    assert.equal(r.status, 204, r.text);
    // but not a shift starting in 10 minutes
    r = await worker.get(`${base}/shifts/${shiftNow}/signups`);
    const mine = r.json.signups.find((s) => s.volunteer_id === me);
    assertError(await volunteer.post(`${base}/signups/${mine.id}/cancel`, {}), 409, 'signup_id', 'cancellation_window');
    // ids from elsewhere
    assertError(await worker.post(`${base}/shifts/${other.shift}/signups`, { volunteer_id: ext2 }), 404);
    assertError(await worker.post(`${base}/shifts/${shiftFull}/signups`, { volunteer_id: other.volunteer }), 404);
    assertError(await worker.post(`/api/communities/${other.community}/shifts/${other.shift}/signups`, { volunteer_id: other.volunteer }), 404);
    assertError(await worker.post(`${base}/shifts/${shiftFull}/signups`, { volunteer_id: 'x' }), 400, 'volunteer_id');
    // the volunteer's own view
    r = await volunteer.get(`${base}/my-volunteering`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.upcoming.some((s) => s.shift_id === shiftNow), r.text);
    assert.match(r.json.upcoming[0].local_start, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    assertError(await resident.get(`${base}/my-volunteering`), 404, 'volunteer');
  });

  it('checks in with a one-time nonce at the post, and out; a worker confirms; a certificate', async () => {
    let r = await worker.get(`${base}/posts/${post}/checkin-link`);
    assert.equal(r.status, 200, r.text);
    const { token, url } = r.json;
    assert.match(url, /#\/checkin\/\d+-[A-Za-z0-9_-]{22}$/);
    r = await worker.get(`${base}/posts/${post}/checkin-qr`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /image\/svg\+xml/);
    assert.match(r.text, /^<\?xml|<svg/);
    assertError(await volunteer.get(`${base}/posts/${post}/checkin-link`), 403);
    assertError(await worker.get(`${base}/posts/${other.post}/checkin-link`), 404);
    // a forged token, and a post without a shift of mine now
    assertError(await volunteer.post('/api/checkin/start', { token: `${post}-AAAAAAAAAAAAAAAAAAAAAA` }), 404, 'token');
    r = await worker.get(`${base}/posts/${postB}/checkin-link`);
    assertError(await volunteer.post('/api/checkin/start', { token: r.json.token }), 409, 'token', 'no_shift_now');
    assertError(await resident.post('/api/checkin/start', { token }), 403, 'token');

    r = await volunteer.post('/api/checkin/start', { token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.action, 'in');
    assert.equal(r.json.community_id, demo);
    const signup = r.json.signup_id;
    const nonce = r.json.nonce;
    // not for another sign-up (ext1's, on another shift): 404 for someone
    // else's, and the worker's manual route is not a nonce route
    r = await worker.get(`${base}/shifts/${shiftFull}/signups`);
    const ext1Signup = r.json.signups[0].id;
    assertError(await volunteer.post(`${base}/signups/${ext1Signup}/checkin`, { nonce }), 404);
    r = await volunteer.post(`${base}/signups/${signup}/checkin`, { nonce });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.action, 'in');
    // replayed
    assertError(await volunteer.post(`${base}/signups/${signup}/checkin`, { nonce }), 409, 'nonce', 'replayed');
    assertError(await volunteer.post(`${base}/signups/${signup}/checkin`, {}), 400, 'nonce');
    // out
    r = await volunteer.post('/api/checkin/start', { token });
    assert.equal(r.json.action, 'out');
    r = await volunteer.post(`${base}/signups/${signup}/checkin`, { nonce: r.json.nonce });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.minutes, 0);
    // the worker corrects the times (the volunteer came 90 minutes) and confirms
    r = await worker.get(`${base}/shifts/${shiftNow}/signups`);
    const sh = r.json.shift;
    assertError(await worker.patch(`${base}/signups/${signup}/times`, { checkin_at: sh.starts_at, checkout_at: sh.starts_at + 5400 }), 400, 'reason');
    r = await worker.patch(`${base}/signups/${signup}/times`, { checkin_at: sh.starts_at, checkout_at: sh.starts_at + 5400, reason: '按纸质签到表' });
    assert.equal(r.status, 204, r.text);
    assertError(await volunteer.post(`${base}/signups/${signup}/confirm`, {}), 403);
    r = await worker.post(`${base}/signups/${signup}/confirm`, {});
    assert.equal(r.status, 204, r.text);
    assertError(await worker.post(`${base}/signups/${signup}/confirm`, {}), 409, 'signup_id');
    const year = Number(new Date((sh.starts_at + 8 * 3600) * 1000).toISOString().slice(0, 4));
    r = await volunteer.get(`${base}/volunteers/${me}/hours?year=${year}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.minutes, 90);
    assert.equal(r.json.hours, '1.50');
    assertError(await volunteer.get(`${base}/volunteers/${me}/hours?year=1999`), 400, 'year');
    // certificate
    assertError(await volunteer.post(`${base}/volunteers/${me}/certificates`, { year }), 403);
    r = await worker.post(`${base}/volunteers/${me}/certificates`, { year });
    assert.equal(r.status, 201, r.text);
    const cert = r.json.id;
    r = await volunteer.get(`${base}/certificates/${cert}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.number, /^LL-\d{4}-0001$/);
    assert.equal(r.json.hours, '1.50');
    assert.equal(r.json.name, '刘洋');
    assert.ok(r.json.organisation);
    assertError(await resident.get(`${base}/certificates/${cert}`), 403);
    assertError(await worker.get(`/api/communities/${other.community}/certificates/${cert}`), 404);
    // exports
    r = await worker.get(`${base}/volunteer-hours/export?year=${year}`);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('服务时长(小时)') && r.text.includes('刘洋') && r.text.includes('1.50'), r.text);
    r = await worker.get(`${base}/volunteer-hours/export?year=${year}&format=pdf`);
    assertError(r, 400, 'format');
    r = await worker.get(`${base}/roster/export`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
  });

  it('shows the roster of a week, and refuses a bad week', async () => {
    let r = await volunteer.get(`${base}/roster`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.days.length, 7);
    const row = r.json.posts.find((p) => p.post_id === post);
    assert.ok(row, r.text);
    const names = row.days.flat().flatMap((c) => c.names);
    assert.ok(names.includes('刘洋'), JSON.stringify(row));
    assertError(await worker.get(`${base}/roster?week=2026-02-30`), 400, 'week');
    assertError(await worker.get(`/api/communities/${other.community}/roster`), 404);
  });

  it('records a no-show only after the shift, and a swap hands a place over', async () => {
    let r = await worker.get(`${base}/shifts/${shiftFull}/signups`);
    const s = r.json.signups[0].id;
    assertError(await worker.post(`${base}/signups/${s}/no-show`, {}), 409, 'signup_id');
    assertError(await volunteer.post(`${base}/signups/${s}/no-show`, {}), 403);
    // ext1 has no account: the worker cannot offer for them; the volunteer
    // offers their own sign-up on shiftLater and ext1... takes nothing. Use
    // the volunteer's sign-up: offer, and the worker sees it offered.
    r = await volunteer.post(`${base}/shifts/${shiftLater}/signups`, {});
    assert.equal(r.status, 201, r.text);
    const mine = r.json.id;
    assertError(await worker.post(`${base}/signups/${mine}/offer`, {}), 403);
    r = await volunteer.post(`${base}/signups/${mine}/offer`, { offered: true });
    assert.equal(r.status, 204, r.text);
    assertError(await volunteer.post(`${base}/signups/${mine}/take`, {}), 409, 'signup_id', 'own_signup');
    r = await worker.get(`${base}/shifts/${shiftLater}/signups`);
    assert.equal(r.json.signups.find((x) => x.id === mine).offered, true);
  });
});
