/*
 * Claim an invitation: #/claim/CODE (from the QR code on the slip) or
 * #/claim (typing the code). Public: no session needed. POST /api/claim
 * creates the account, signs in, and we go to "我的家".
 *
 * For a phone held in one hand: one column, big inputs (style.css .claim),
 * the code shown grouped as on paper, autocomplete hints so the phone offers
 * to save the new password.
 */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { post, errorText } from '../api.js';

const ALPHABET = /[^23456789ABCDEFGHJKLMNPQRSTUVWXYZ]/g;

/* "abcd efgh jk" -> "ABCD-EFGH-JK" (what the slip shows). */
export function groupCode(s) {
  const bare = String(s || '').toUpperCase().replace(ALPHABET, '').slice(0, 10);
  return [bare.slice(0, 4), bare.slice(4, 8), bare.slice(8)].filter(Boolean).join('-');
}

export async function claimView(ctx) {
  const fromUrl = decodeURIComponent((location.hash.match(/^#\/claim\/([^/?#]+)/) || [])[1] || '');
  const ids = { code: uid('claim-code'), user: uid('claim-user'), pass: uid('claim-pass'), pass2: uid('claim-pass2'), err: uid('claim-err') };
  const error = h('p', { id: ids.err, class: 'error', role: 'alert', dataset: { testid: 'claim-error' } });
  const code = h('input', {
    id: ids.code, type: 'text', autocomplete: 'one-time-code', autocapitalize: 'characters',
    spellcheck: 'false', required: true, maxlength: 14, value: groupCode(fromUrl), inputmode: 'text',
    dataset: { testid: 'claim-code' },
  });
  const username = h('input', {
    id: ids.user, type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
    required: true, maxlength: 32, dataset: { testid: 'claim-username' }, 'data-autofocus': fromUrl ? true : false,
  });
  if (!fromUrl) code.setAttribute('data-autofocus', '');
  const password = h('input', {
    id: ids.pass, type: 'password', autocomplete: 'new-password', required: true, minlength: 8,
    maxlength: 128, dataset: { testid: 'claim-password' },
  });
  const password2 = h('input', {
    id: ids.pass2, type: 'password', autocomplete: 'new-password', required: true, maxlength: 128,
    dataset: { testid: 'claim-password2' },
  });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'claim-submit' } }, t('claim.submit'));
  code.addEventListener('blur', () => { code.value = groupCode(code.value); });

  function fail(text, input) {
    error.textContent = text;
    if (input) {
      input.setAttribute('aria-describedby', ids.err);
      input.focus();
    }
  }

  async function onsubmit(ev) {
    ev.preventDefault();
    error.textContent = '';
    const c = groupCode(code.value);
    if (c.replaceAll('-', '').length !== 10) return fail(t('claim.bad_code'), code);
    if (!/^[a-z][a-z0-9_.-]{1,31}$/.test(username.value.trim())) return fail(t('claim.bad_username'), username);
    if ([...password.value].length < 8) return fail(t('claim.short_password'), password);
    if (password.value !== password2.value) return fail(t('claim.mismatch'), password2);
    submit.disabled = true;
    submit.textContent = t('claim.busy');
    try {
      const session = await post('/api/claim', { code: c, username: username.value.trim(), password: password.value }, { quiet401: true });
      ctx.onLogin(session);
      ctx.navigate('/me');
    } catch (err) {
      const input = { code, username, password }[err.field];
      let text = errorText(err);
      if (err.field === 'code' && err.status === 404) text = t('claim.code_invalid');
      if (err.status === 429) text = t('claim.throttled');
      fail(text, input);
    } finally {
      submit.disabled = false;
      submit.textContent = t('claim.submit');
    }
  }

  return h('section', { class: 'claim', dataset: { testid: 'claim-page' } },
    h('h1', null, t('claim.title')),
    h('p', { class: 'muted' }, t('claim.intro')),
    h('form', { class: 'stack', novalidate: true, onsubmit },
      h('div', { class: 'field' }, h('label', { for: ids.code }, t('claim.code')), code),
      h('div', { class: 'field' }, h('label', { for: ids.user }, t('claim.username')), username,
        h('p', { class: 'hint' }, t('claim.username.hint'))),
      h('div', { class: 'field' }, h('label', { for: ids.pass }, t('claim.password')), password,
        h('p', { class: 'hint' }, t('claim.password.hint'))),
      h('div', { class: 'field' }, h('label', { for: ids.pass2 }, t('claim.password2')), password2),
      error,
      submit),
    h('p', { class: 'muted' }, t('claim.help')));
}
