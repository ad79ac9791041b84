/*
 * Door cards (应急门卡) of a building: #/communities/{id}/buildings/{b}/door-cards
 *
 * One card per dwelling, to post on the door before anything happens: the
 * room, the QR code that opens #/safe/<token> (报平安 / 求助, no login),
 * what to do in an emergency, the emergency numbers and a short checklist.
 * Four cards print to an A4 page (two columns, two rows) with dashed cut
 * lines (style.css, .em-cards).  The QR image is the server's qr.svg (same
 * origin, so the strict CSP allows it).  A lost card is reissued here: the
 * old one stops working at once.  For workers (the server decides).
 */

import { h } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, errorText } from '../api.js';

function card(cid, c, community, onReissue) {
  return h('article', { class: 'em-card', dataset: { testid: 'em-card', dwelling: c.dwelling_id } },
    h('header', null,
      h('p', { class: 'em-card-kicker' }, t('cards.kicker', { community })),
      h('h2', null, c.label)),
    h('div', { class: 'em-card-body' },
      c.token
        ? h('img', {
          class: 'em-card-qr', width: 150, height: 150, alt: t('cards.qr_alt', { room: c.room }),
          src: `/api/communities/${cid}/dwellings/${c.dwelling_id}/door-card/qr.svg?v=${encodeURIComponent(String(c.issued_at))}`,
        })
        : h('p', { class: 'muted' }, t('cards.no_card')),
      h('div', null,
        h('p', { class: 'em-card-do' }, t('cards.do')),
        h('ol', { class: 'em-card-steps' },
          h('li', null, t('cards.step.scan')),
          h('li', null, t('cards.step.safe')),
          h('li', null, t('cards.step.help'))))),
    h('p', { class: 'em-card-phones' }, t('cards.phones')),
    h('p', { class: 'em-card-check' }, t('cards.checklist')),
    h('button', { type: 'button', class: 'secondary no-print', dataset: { testid: 'em-reissue' }, onclick: () => onReissue(c) },
      t('cards.reissue')));
}

export async function doorCardsView(ctx) {
  const [cid, bid] = ctx.params;
  const path = `/api/communities/${cid}/buildings/${bid}/door-cards`;
  const sheet = await get(path);
  const missing = sheet.cards.filter((c) => !c.token).length;
  const errBox = h('p', { class: 'error', role: 'alert' });

  async function reissue(c) {
    if (!window.confirm(t('cards.reissue.confirm', { room: c.label }))) return;
    try {
      await post(`/api/communities/${cid}/dwellings/${c.dwelling_id}/door-card`, {});
      ctx.showNotice(t('cards.reissued', { room: c.label }));
      ctx.refresh();
    } catch (err) {
      errBox.textContent = errorText(err);
    }
  }

  return h('section', { class: 'em-cards-page', dataset: { testid: 'em-cards' } },
    h('h1', { tabindex: -1 }, t('cards.title', { building: `${sheet.building.compound} ${sheet.building.name}` })),
    h('p', { class: 'muted no-print' }, t('cards.intro')),
    h('div', { class: 'buttons no-print' },
      missing > 0 ? h('button', { type: 'button', class: 'primary', dataset: { testid: 'em-issue' }, onclick: async () => {
        try {
          const r = await post(path, {});
          ctx.showNotice(t('cards.issued', { n: formatInt(r.issued) }));
          ctx.refresh();
        } catch (err) { errBox.textContent = errorText(err); }
      } }, t('cards.issue', { n: formatInt(missing) })) : null,
      h('button', { type: 'button', class: 'secondary', dataset: { testid: 'print' }, onclick: () => window.print() }, t('cards.print')),
      h('a', { href: `#/communities/${cid}/emergency` }, t('cards.back'))),
    errBox,
    h('div', { class: 'em-cards' }, sheet.cards.map((c) => card(cid, c, sheet.community, reissue))));
}
