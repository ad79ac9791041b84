/*
 * A volunteer's own view on the phone: my upcoming shifts (cancel while the
 * window is open, offer for a swap), open shifts that match my skills and
 * availability (sign up; a rule that would refuse is shown beforehand),
 * sign-ups others offer (take), and my hours this year.
 *
 * And the check-in page the post's QR code opens, #/checkin/<post token>:
 * it asks the server for this volunteer's shift at that post now, which
 * hands out a one-time nonce for that sign-up; the button spends it. A
 * reload asks for a new nonce, so a copied link or a replayed request
 * checks nobody in twice.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { communityPicker } from './volunteers.js';

export const myShiftsIndexView = communityPicker('my.title', 'my-shifts', 'my-index');

function shiftLine(s) {
  return [h('strong', null, `${s.scene}·${s.post}`), h('br'), `${s.local_start} – ${s.local_end.slice(11)}`];
}

/* #/communities/:id/my-shifts */
export async function myShiftsView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}`;
  const data = await get(`${base}/my-volunteering`);
  const act = (fn) => async () => {
    try {
      await fn();
      ctx.refresh();
    } catch (err) { ctx.showError(err); }
  };
  return h('section', { class: 'vol-page my-shifts', dataset: { testid: 'my-shifts' } },
    h('h1', null, t('my.title')),
    h('p', { dataset: { testid: 'my-hours' } }, t('my.hours', { hours: data.hours.hours, year: data.hours.year }),
      data.hours.unconfirmed_minutes > 0 ? ` ${t('vol.unconfirmed', { minutes: data.hours.unconfirmed_minutes })}` : ''),
    data.hours.certificates.length > 0 && h('p', null, data.hours.certificates.map((c) =>
      h('a', { href: `#/communities/${id}/certificates/${c.id}` }, `${t('vol.cert_title')} ${c.number} `))),
    h('h2', null, t('my.upcoming')),
    data.upcoming.length === 0 ? h('p', { class: 'muted' }, t('my.none'))
      : h('ul', { class: 'cards' }, data.upcoming.map((s) => h('li', { class: 'card', dataset: { testid: 'my-upcoming' } },
        h('p', null, shiftLine(s)),
        s.checkin_at && h('p', { class: 'ok' }, t('my.checked_in', { at: s.checkin_at })),
        h('div', { class: 'buttons' },
          s.can_cancel && h('button', { type: 'button', dataset: { testid: 'my-cancel' },
            onclick: act(() => post(`${base}/signups/${s.id}/cancel`, {})) }, t('my.cancel')),
          !s.checkin_at && h('button', { type: 'button', class: 'link-button',
            onclick: act(() => post(`${base}/signups/${s.id}/offer`, { offered: !s.offered })) },
          s.offered ? t('my.unoffer') : t('my.offer')))))),
    h('h2', null, t('my.open')),
    h('p', { class: 'hint' }, t('my.open_hint', { days: data.settings.ahead_days })),
    data.open.length === 0 ? h('p', { class: 'muted' }, t('my.none_open'))
      : h('ul', { class: 'cards' }, data.open.map((s) => h('li', { class: 'card', dataset: { testid: 'my-open' } },
        h('p', null, shiftLine(s), h('br'), h('span', { class: 'muted' }, t('my.places', { taken: s.taken, headcount: s.headcount }))),
        s.blocked_by
          ? h('p', { class: 'muted' }, t(`rule.${s.blocked_by}`))
          : h('button', { type: 'button', dataset: { testid: 'my-signup' },
            onclick: act(() => post(`${base}/shifts/${s.shift_id}/signups`, {})) }, t('my.signup'))))),
    data.offers.length > 0 && [h('h2', null, t('my.offers')),
      h('ul', { class: 'cards' }, data.offers.map((s) => h('li', { class: 'card' },
        h('p', null, shiftLine(s), h('br'), h('span', { class: 'muted' }, t('my.offered_by', { name: s.by }))),
        h('button', { type: 'button', onclick: act(() => post(`${base}/signups/${s.id}/take`, {})) }, t('my.take')))))]);
}

/* #/checkin/<token>: the token is read from the address as text. */
export async function checkinView(ctx) {
  const m = /^#\/checkin\/([0-9]+-[A-Za-z0-9_-]{22})$/.exec(location.hash);
  const section = h('section', { class: 'vol-page checkin', dataset: { testid: 'checkin' } }, h('h1', null, t('checkin.title')));
  if (!m) {
    section.append(h('p', { class: 'error' }, t('checkin.bad_code')));
    return section;
  }
  let offer;
  try {
    offer = await post('/api/checkin/start', { token: m[1] });
  } catch (err) {
    section.append(h('p', { class: 'error', dataset: { testid: 'checkin-error' } },
      err.code === 'conflict' ? t('checkin.no_shift') : t('checkin.refused')));
    ctx.showError(err);
    return section;
  }
  const result = h('p', { 'aria-live': 'polite', dataset: { testid: 'checkin-result' } });
  const button = h('button', { type: 'button', class: 'checkin-button', dataset: { testid: 'checkin-confirm' }, 'data-autofocus': true,
    onclick: async () => {
      button.disabled = true;
      try {
        const r = await post(`/api/communities/${offer.community_id}/signups/${offer.signup_id}/checkin`, { nonce: offer.nonce });
        result.className = 'ok';
        result.textContent = r.action === 'in'
          ? t('checkin.done_in', { at: r.at })
          : t('checkin.done_out', { at: r.at, minutes: r.minutes });
        button.hidden = true;
      } catch (err) {
        button.disabled = false;
        ctx.showError(err);
      }
    } }, offer.action === 'in' ? t('checkin.in') : t('checkin.out'));
  section.append(
    h('p', null, h('strong', null, `${offer.scene}·${offer.post}`), h('br'), `${offer.local_start} – ${offer.local_end.slice(11)}`),
    offer.checkin_at && h('p', null, t('my.checked_in', { at: offer.checkin_at })),
    button, result,
    h('p', null, h('a', { href: `#/communities/${offer.community_id}/my-shifts` }, t('my.title'))));
  return section;
}
