/*
 * The public check-in (报平安): #/safe/<token>, opened by scanning the QR
 * code of a door card.  No login.  Two big buttons - 我家平安 and 我需要帮助
 * - and, for help, the kinds of help and a note; 不在家 as a small third
 * choice.  The token goes to the server in the query (GET) and the body
 * (POST), never in a path, and the page shows only the room and the
 * emergency's title: nothing personal is sent back.
 */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { request, errorText } from '../api.js';

export const NEEDS = ['medical', 'medicine', 'food', 'water', 'mobility', 'shelter', 'other'];

function tokenFromHash() {
  return decodeURIComponent((location.hash.match(/^#\/safe\/([A-Za-z0-9_-]+)/) || [])[1] || '');
}

function problem(err) {
  if (err && err.status === 404) return t('safe.none');
  if (err && err.status === 429) return t('safe.slow');
  return errorText(err);
}

export async function checkinPublicView() {
  const token = tokenFromHash();
  const section = h('section', { class: 'safe-page', dataset: { testid: 'safe-page' } });
  let cover;
  try {
    cover = await request('GET', `/api/safe?token=${encodeURIComponent(token)}`, undefined, { quiet401: true });
  } catch (err) {
    section.append(
      h('h1', { tabindex: -1 }, t('safe.title')),
      h('p', { class: 'error', role: 'alert', dataset: { testid: 'safe-error' } }, problem(err)),
      h('p', null, t('safe.call')));
    return section;
  }

  const status = h('p', { class: 'safe-status', role: 'status', dataset: { testid: 'safe-status' } });
  const errBox = h('p', { class: 'error', role: 'alert' });
  const noteId = uid('safe-note');
  const note = h('textarea', { id: noteId, maxlength: 200, rows: 3, dataset: { testid: 'safe-note' } });
  const boxes = NEEDS.map((k) => {
    const id = uid('need');
    return h('label', { class: 'safe-need', for: id },
      h('input', { id, type: 'checkbox', value: k, dataset: { testid: `need-${k}` } }), ` ${t(`em.need.${k}`)}`);
  });
  const helpForm = h('form', {
    class: 'stack safe-help', hidden: true,
    onsubmit: async (ev) => {
      ev.preventDefault();
      const needs = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
      if (needs.length === 0) {
        errBox.textContent = t('safe.choose_need');
        return;
      }
      await send({ status: 'needs_help', needs, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
    },
  },
  h('fieldset', null, h('legend', null, t('safe.what_help')), h('div', { class: 'safe-needs' }, boxes)),
  h('div', { class: 'field' }, h('label', { for: noteId }, t('safe.note')), note),
  h('button', { type: 'submit', class: 'primary safe-big', dataset: { testid: 'safe-send-help' } }, t('safe.send_help')));

  function showStatus(s) {
    status.className = `safe-status em-${s}`;
    status.textContent = s === 'unknown' ? t('safe.not_yet') : t('safe.recorded', { status: t(`em.status.${s}`) });
  }

  async function send(body) {
    errBox.textContent = '';
    for (const b of section.querySelectorAll('button')) b.disabled = true;
    try {
      const r = await request('POST', '/api/safe', { token, ...body }, { quiet401: true });
      showStatus(r.status);
      helpForm.hidden = true;
      status.focus();
    } catch (err) {
      errBox.textContent = problem(err);
    } finally {
      for (const b of section.querySelectorAll('button')) b.disabled = false;
    }
  }

  showStatus(cover.status);
  status.setAttribute('tabindex', '-1');
  section.append(
    h('h1', { tabindex: -1 }, cover.title),
    h('p', { class: 'safe-room', dataset: { testid: 'safe-room' } }, t('safe.room', { room: cover.room })),
    status,
    h('div', { class: 'safe-buttons' },
      h('button', { type: 'button', class: 'safe-big em-safe', dataset: { testid: 'safe-ok' }, onclick: () => send({ status: 'safe' }) },
        t('safe.ok')),
      h('button', {
        type: 'button', class: 'safe-big em-needs_help', dataset: { testid: 'safe-help' },
        onclick: () => { helpForm.hidden = false; helpForm.querySelector('input').focus(); },
      }, t('safe.help'))),
    helpForm,
    errBox,
    h('p', null, h('button', { type: 'button', class: 'secondary', dataset: { testid: 'safe-away' }, onclick: () => send({ status: 'away' }) },
      t('safe.away'))),
    h('p', { class: 'muted' }, t('safe.call')));
  return section;
}
