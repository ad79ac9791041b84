/*
 * api: the one way the app talks to the server (docs/api.md).
 *
 * Why a wrapper: every state-changing request must carry the session's CSRF
 * token in X-CSRF-Token, and every error arrives as
 * {"error": {"code", "message", "field"}}; doing both here means no view can
 * forget either. Cookies stay same-origin (the session cookie is HttpOnly, so
 * the token from the session response is the only thing we hold).
 */

import { t, has } from './i18n.js';

let csrfToken = '';

export function setCsrf(token) {
  csrfToken = token || '';
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.serverMessage = message || '';
    this.field = field || '';
  }
}

/* Listeners for 401 on an authenticated call: the session has ended. */
const unauthorizedListeners = new Set();
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
}

/*
 * request(method, path, body?) -> parsed JSON, or null for 204.
 * Throws ApiError (status 0, code "network" when the server cannot be reached).
 * opts.quiet401: do not broadcast a 401 (login and session probe use it).
 */
export async function request(method, path, body, opts = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    init.headers['X-CSRF-Token'] = csrfToken;
  }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', '', '');
  }

  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null; /* a proxy's HTML error page, say; the status still tells */
    }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message, e.field);
    if (res.status === 401 && !opts.quiet401) {
      for (const fn of unauthorizedListeners) fn(err);
    }
    throw err;
  }
  return data;
}

export const get = (path, opts) => request('GET', path, undefined, opts);
export const post = (path, body, opts) => request('POST', path, body, opts);
export const del = (path, opts) => request('DELETE', path, undefined, opts);

/*
 * Text for a person: our own wording for the code (translated), the field
 * it names, and the server's message as detail, since it says exactly what
 * was wrong ("must be 1-99").
 */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('err.unknown', { status: err && err.message });
  let code = err.code;
  /* A failed CSRF check is a 403 whose field names the token (the server
     says "X-CSRF-Token"); it means "reload", not "you may not". */
  const csrf = code === 'forbidden' && /csrf/i.test(err.field);
  if (csrf) code = 'csrf';
  let s = has(`err.${code}`) ? t(`err.${code}`) : t('err.unknown', { status: err.status });
  if (err.field && !csrf) {
    const name = has(`field.${err.field}`) ? t(`field.${err.field}`) : err.field;
    s += t('err.field', { field: name });
  }
  if (err.serverMessage && code !== 'network') s += ` — ${err.serverMessage}`;
  return s;
}

/*
 * upload(path, file, type) -> parsed JSON: a file as the body (the residents
 * import), not JSON, with the CSRF token like every state-changing call.
 * download(path) -> Blob (an export). Both throw ApiError like request().
 */
async function fileFetch(method, path, body, type) {
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = type;
    init.body = body;
    if (csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', '', '');
  }
  if (!res.ok) {
    let e = {};
    try { e = (await res.json()).error || {}; } catch { e = {}; }
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message, e.field);
    if (res.status === 401) for (const fn of unauthorizedListeners) fn(err);
    throw err;
  }
  return res;
}

export async function upload(path, file, type) {
  const res = await fileFetch('POST', path, file, type || 'text/csv');
  return res.json();
}

export async function download(path) {
  const res = await fileFetch('GET', path);
  return res.blob();
}
