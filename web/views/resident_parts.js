/*
 * The parts other modules draw on a resident's page (resident.js leaves a
 * <section data-part> for each): care needs and caretakers (care.js),
 * what the resident owns (the ownership register), consents and the PIPL
 * rights (privacy.js), and the resident's account and invitations. Each part
 * loads on its own: one that fails (a role that may not read it) shows
 * nothing rather than breaking the page.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { renderResidentCare } from './care.js';
import { renderResidentPrivacy } from './privacy.js';

async function owners(el, cid, rid) {
  const r = await get(`/api/communities/${cid}/residents/${rid}/owned`);
  if (!r.owned || r.owned.length === 0) {
    el.replaceChildren(h('h2', null, t('rparts.owned')), h('p', { class: 'muted' }, t('rparts.owned_none')));
    return;
  }
  el.replaceChildren(h('h2', null, t('rparts.owned')),
    h('ul', { class: 'plain', dataset: { testid: 'resident-owned' } }, r.owned.map((o) => h('li', null,
      h('a', { href: `#/communities/${cid}/buildings/${o.building_id}/owners` }, `${o.building} ${o.unit} ${o.room}`),
      o.effective_area ? ` · ${o.effective_area} ㎡` : '',
      o.voter ? ` · ${t('owners.voter')}` : '',
      o.share ? ` · ${o.share}` : ''))));
}

async function account(el, cid, rid) {
  const r = await get(`/api/communities/${cid}/residents/${rid}/invitations`);
  const pending = (r.invitations || []).find((i) => i.status === 'pending');
  el.replaceChildren(h('h2', null, t('rparts.account')),
    h('p', { dataset: { testid: 'resident-account' } },
      r.account ? t('rparts.account_yes') : pending ? t('rparts.account_pending') : t('rparts.account_no'), ' ',
      !r.account && h('a', { href: `#/communities/${cid}/invites` }, t('rparts.account_issue'))));
}

const DRAW = {
  care: (el, cid, rid) => renderResidentCare(el, cid, rid),
  owners,
  consent: (el, cid, rid) => renderResidentPrivacy(el, cid, rid),
  account,
};

/* Draws every part found in section; change: the caller may change the
 * community (only then the account part, which needs that right). */
export function drawResidentParts(section, cid, rid, change) {
  for (const el of section.querySelectorAll('section[data-part]')) {
    const part = el.dataset.part;
    if (!DRAW[part] || (part === 'account' && !change)) continue;
    DRAW[part](el, cid, rid).catch(() => el.replaceChildren());
  }
}
