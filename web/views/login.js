/*
 * Login: username and password, POST /api/session.
 *
 * The error is shown next to the form in a role=alert paragraph so a screen
 * reader announces it, and the password is cleared and focused for the retry.
 * The server answers an unknown user and a wrong password alike (401); we do
 * the same.
 */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { post, errorText } from '../api.js';

export async function loginView(ctx) {
  const userId = uid('login-user');
  const passId = uid('login-pass');
  const errorId = uid('login-error');

  const error = h('p', { id: errorId, class: 'error', role: 'alert', dataset: { testid: 'login-error' } });
  const username = h('input', {
    id: userId, name: 'username', type: 'text', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 64,
    'data-autofocus': true, dataset: { testid: 'login-username' },
  });
  const password = h('input', {
    id: passId, name: 'password', type: 'password', autocomplete: 'current-password',
    required: true, maxlength: 256, dataset: { testid: 'login-password' },
  });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'login-submit' } }, t('login.submit'));

  function fail(text) {
    error.textContent = text;
    username.setAttribute('aria-describedby', errorId);
    password.setAttribute('aria-describedby', errorId);
  }

  async function onsubmit(ev) {
    ev.preventDefault();
    error.textContent = '';
    if (!username.value.trim() || !password.value) {
      fail(t('login.failed'));
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.busy');
    try {
      const session = await post('/api/session',
        { username: username.value.trim(), password: password.value },
        { quiet401: true });
      ctx.onLogin(session);
    } catch (err) {
      fail(err.status === 401 ? t('login.failed') : errorText(err));
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  }

  return h('section', { class: 'login', dataset: { testid: 'login-page' } },
    h('h1', null, t('login.title')),
    h('p', { class: 'muted' }, t('login.intro')),
    h('form', { class: 'stack', novalidate: true, onsubmit, dataset: { testid: 'login-form' } },
      h('div', { class: 'field' }, h('label', { for: userId }, t('login.username')), username),
      h('div', { class: 'field' }, h('label', { for: passId }, t('login.password')), password),
      error,
      submit));
}
