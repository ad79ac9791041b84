/*
 * Rosters (排班表): a week as posts × days with the names on each shift,
 * printable on one A4 sheet (landscape) and downloadable as XLSX; and one
 * shift for staff: who is on it, checking in and out by hand, no-shows,
 * confirming hours, signing someone up; and a post's check-in QR code to
 * print and put up at the post.
 *
 * The week is named by its Monday as YYYYMMDD in the address
 * (#/communities/1/roster/20260302), in Asia/Shanghai like every time here.
 */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, errorText } from '../api.js';
import { communityPicker, shanghaiToday } from './volunteers.js';
import { isStaff } from './rounds.js';

export const rosterIndexView = communityPicker('roster.title', 'roster', 'roster-index');

const compact = (d) => d.replaceAll('-', '');
function addDays(date, n) {
  const x = new Date(`${date}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
}

/* #/communities/:id/roster[/YYYYMMDD] */
export async function rosterView(ctx) {
  const [id, week] = ctx.params;
  const base = `/api/communities/${id}`;
  const s = week ? String(week) : compact(shanghaiToday());
  const date = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  const r = await get(`${base}/roster?week=${date}`);
  const staff = isStaff(ctx.user);
  const weekday = (i) => t(`roster.wd.${i}`);
  return h('section', { class: 'roster-page', dataset: { testid: 'roster' } },
    h('h1', null, t('roster.heading', { community: r.community, from: r.days[0], to: r.days[6] })),
    h('p', { class: 'no-print' },
      h('a', { href: `#/communities/${id}/roster/${compact(addDays(r.week_start, -7))}` }, t('roster.prev')), ' · ',
      h('a', { href: `#/communities/${id}/roster/${compact(addDays(r.week_start, 7))}` }, t('roster.next')), ' · ',
      h('button', { type: 'button', onclick: () => window.print() }, t('vol.print')),
      staff && [' · ', h('a', { href: `${base}/roster/export?week=${r.week_start}`, download: `roster-${r.week_start}.xlsx` }, t('roster.xlsx'))]),
    r.posts.length === 0 ? h('p', { class: 'muted' }, t('roster.empty'))
      : h('div', { class: 'scroll-x' }, h('table', { class: 'roster-table', dataset: { testid: 'roster-table' } },
        h('thead', null, h('tr', null, h('th', null, t('roster.post')),
          r.days.map((d, i) => h('th', null, weekday(i), h('br'), d.slice(5))))),
        h('tbody', null, r.posts.map((p) => h('tr', null,
          h('th', { scope: 'row' }, p.post, h('br'), h('span', { class: 'muted' }, p.scene),
            staff && [h('br'), h('a', { class: 'no-print', href: `#/communities/${id}/posts/${p.post_id}/qr` }, t('roster.qr'))]),
          p.days.map((cells) => h('td', null, cells.map((c) => h('div', { class: 'roster-shift', dataset: { testid: 'roster-shift' } },
            staff ? h('a', { href: `#/communities/${id}/shifts/${c.shift_id}` }, `${c.start}–${c.end}`) : `${c.start}–${c.end}`,
            h('span', { class: 'muted' }, ` (${c.names.length}/${c.headcount})`),
            h('br'), c.names.join('、')))))))))));
}

/* #/communities/:id/shifts/:shift */
export async function shiftView(ctx) {
  const [id, sid] = ctx.params;
  const base = `/api/communities/${id}`;
  const data = await get(`${base}/shifts/${sid}/signups`);
  const sh = data.shift;
  const act = (fn) => async () => {
    try {
      await fn();
      ctx.refresh();
    } catch (err) { ctx.showError(err); }
  };
  let adder = null;
  if (data.can_manage) {
    const vols = (await get(`${base}/volunteers?status=active`)).volunteers || [];
    const sel = h('select', { id: uid('shift-vol'), dataset: { testid: 'shift-add-volunteer' } },
      vols.map((v) => h('option', { value: String(v.id) }, v.name)));
    adder = h('form', { class: 'form-card' },
      h('label', { for: sel.id }, t('shift.add')), sel,
      h('button', { type: 'submit' }, t('my.signup')));
    adder.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(() => post(`${base}/shifts/${sid}/signups`, { volunteer_id: Number(sel.value) }))();
    });
  }
  const signed = data.signups.filter((x) => x.status === 'signed');
  return h('section', { class: 'roster-page', dataset: { testid: 'shift' } },
    h('p', { class: 'crumbs no-print' }, h('a', { href: `#/communities/${id}/roster/${compact(sh.local_start.slice(0, 10))}` }, t('roster.title'))),
    h('h1', null, `${sh.scene}·${sh.post}`),
    h('p', null, `${sh.local_start} – ${sh.local_end.slice(11)} · ${t('my.places', { taken: signed.length, headcount: sh.headcount })}`,
      sh.skills && ` · ${t('vol.col.skills')}: ${sh.skills}`),
    h('ul', { class: 'cards' }, data.signups.map((x) => h('li', { class: 'card', dataset: { testid: 'shift-signup' } },
      h('p', null, h('a', { href: `#/communities/${id}/volunteers/${x.volunteer_id}` }, x.name), ' · ', t(`signup.${x.status}`),
        x.offered && ` · ${t('my.offered')}`, x.no_show && ` · ${t('shift.no_show')}`),
      (x.checkin_at || x.checkout_at) && h('p', { class: 'muted' },
        t('shift.times', { in: x.checkin_at || '—', out: x.checkout_at || '—' }),
        x.minutes !== null && ` · ${t('shift.minutes', { n: x.minutes })}`,
        x.confirmed && ` · ${t('shift.confirmed')}`),
      x.status === 'signed' && h('div', { class: 'buttons' },
        !x.checkin_at && h('button', { type: 'button', dataset: { testid: 'shift-in' },
          onclick: act(() => post(`${base}/signups/${x.id}/attendance`, { action: 'in' })) }, t('checkin.in')),
        x.checkin_at && !x.checkout_at && h('button', { type: 'button', dataset: { testid: 'shift-out' },
          onclick: act(() => post(`${base}/signups/${x.id}/attendance`, { action: 'out' })) }, t('checkin.out')),
        x.checkout_at && !x.confirmed && h('button', { type: 'button', dataset: { testid: 'shift-confirm' },
          onclick: act(() => post(`${base}/signups/${x.id}/confirm`, {})) }, t('shift.confirm')),
        data.can_manage && !x.checkin_at && !x.no_show && h('button', { type: 'button', class: 'link-button',
          onclick: act(() => post(`${base}/signups/${x.id}/no-show`, {})) }, t('shift.mark_no_show')),
        data.can_manage && !x.checkin_at && h('button', { type: 'button', class: 'link-button',
          onclick: act(() => post(`${base}/signups/${x.id}/cancel`, {})) }, t('my.cancel')))))),
    adder);
}

/* #/communities/:id/posts/:post/qr - the code to print for the post */
export async function postQrView(ctx) {
  const [id, pid] = ctx.params;
  const base = `/api/communities/${id}/posts/${pid}`;
  const link = await get(`${base}/checkin-link`);
  return h('section', { class: 'vol-qr', dataset: { testid: 'post-qr' } },
    h('h1', null, t('qr.title')),
    h('img', { src: `${base}/checkin-qr`, alt: t('qr.alt'), class: 'vol-qr-img' }),
    h('ol', { class: 'slip-steps' }, h('li', null, t('qr.step1')), h('li', null, t('qr.step2')), h('li', null, t('qr.step3'))),
    h('p', { class: 'slip-url', dataset: { testid: 'post-qr-url' } }, link.url),
    h('p', { class: 'no-print' }, h('button', { type: 'button', onclick: () => window.print() }, t('vol.print'))));
}
