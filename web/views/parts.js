/*
 * parts: pieces shared by the views: count lists, area text, and a small
 * form builder.
 *
 * The form builder exists so that every form behaves the same for keyboard
 * and screen-reader users: real <label>s, hints tied with aria-describedby,
 * its own role=alert line for errors, aria-invalid on the field the server
 * names, and a role=status line for success. Each form sits in a <details>
 * so that a phone shows the structure first and the forms on demand.
 */

import { h, uid } from '../dom.js';
import { t, formatArea } from '../i18n.js';
import { errorText } from '../api.js';

/* A <dl> of [labelKey, value] pairs. */
export function counts(pairs, testid) {
  return h('dl', { class: 'counts', dataset: testid ? { testid } : undefined },
    pairs.map(([key, value]) => h('div', { class: 'count' },
      h('dt', null, t(key)),
      h('dd', null, value))));
}

/* Area in 0.01 m² as "1,234.50 m²". */
export function areaText(area) {
  return `${formatArea(area)} m²`;
}

/*
 * "89.5" -> 8950: exact, no floating point (areas are integer 0.01 m²).
 * Accepts a comma as the decimal mark too. Returns null when not a positive
 * number with at most two decimals.
 */
export function parseArea(text) {
  const m = /^\s*(\d{1,8})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const cents = Number((m[2] || '').padEnd(2, '0'));
  const v = whole * 100 + cents;
  return v > 0 ? v : null;
}

/* "-1" -> -1; null for anything but a whole number. */
export function parseWhole(text) {
  const m = /^\s*(-?\d{1,6})\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/* Thrown by a form's collect step to blame one field before any request. */
export class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

/*
 * formCard({ title, testid, fields, submitLabel, action, emptyText })
 *   fields: [{ name, label, type: 'text'|'select'|'number', required, hint,
 *              options: () => [[value, label], ...], inputmode, value, min, max }]
 *   action(values) -> Promise<string> (the success text). Values are the raw
 *   strings; action converts and may throw FieldError or ApiError.
 *   emptyText: shown, and submit disabled, when a required select has no
 *   options (nothing to act on yet).
 * Returns the <details> element with a refresh() method that rebuilds
 * select options (keeping the selection when it still exists).
 */
export function formCard({ title, testid, fields, submitLabel, action, emptyText, open }) {
  const errorId = uid('form-error');
  const error = h('p', { id: errorId, class: 'error', role: 'alert', dataset: { testid: `${testid}-error` } });
  const status = h('p', { class: 'ok', role: 'status', dataset: { testid: `${testid}-status` } });
  const empty = h('p', { class: 'muted', hidden: true }, emptyText || '');
  const inputs = {};

  const rows = fields.map((f) => {
    const id = uid(`${testid}-${f.name}`);
    const hintId = f.hint ? `${id}-hint` : null;
    let input;
    if (f.type === 'select') {
      input = h('select', { id, name: f.name, required: f.required });
    } else {
      input = h('input', {
        id, name: f.name, type: 'text', required: f.required, value: f.value ?? '',
        inputmode: f.inputmode, autocomplete: 'off', maxlength: f.maxlength || 100,
      });
    }
    if (hintId) input.setAttribute('aria-describedby', hintId);
    input.dataset.testid = `${testid}-${f.name}`;
    inputs[f.name] = { input, field: f, hintId };
    return h('div', { class: 'field' },
      h('label', { for: id }, f.label, !f.required && h('span', { class: 'muted' }, ` (${t('form.optional')})`)),
      input,
      f.hint && h('p', { id: hintId, class: 'hint' }, f.hint));
  });

  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: `${testid}-submit` } }, submitLabel);

  function clearErrors() {
    error.textContent = '';
    for (const { input, hintId } of Object.values(inputs)) {
      input.removeAttribute('aria-invalid');
      if (hintId) input.setAttribute('aria-describedby', hintId);
      else input.removeAttribute('aria-describedby');
    }
  }

  function blame(field, text) {
    error.textContent = text;
    const entry = inputs[field];
    if (entry) {
      entry.input.setAttribute('aria-invalid', 'true');
      entry.input.setAttribute('aria-describedby', [entry.hintId, errorId].filter(Boolean).join(' '));
      entry.input.focus();
    }
  }

  async function onsubmit(ev) {
    ev.preventDefault();
    clearErrors();
    status.textContent = '';
    const values = {};
    for (const [name, { input }] of Object.entries(inputs)) values[name] = input.value;
    submit.disabled = true;
    try {
      status.textContent = await action(values);
      for (const { input, field } of Object.values(inputs)) {
        if (field.type !== 'select' && field.reset !== false) input.value = field.value ?? '';
      }
    } catch (err) {
      blame(err.field, err instanceof FieldError ? err.message : errorText(err));
    } finally {
      submit.disabled = false;
      refresh();
    }
  }

  function refresh() {
    let missing = false;
    for (const { input, field } of Object.values(inputs)) {
      if (field.type !== 'select') continue;
      const keep = input.value;
      const opts = field.options();
      input.replaceChildren(...opts.map(([v, label]) => h('option', { value: String(v) }, label)));
      if (opts.some(([v]) => String(v) === keep)) input.value = keep;
      if (field.required && opts.length === 0) missing = true;
    }
    empty.hidden = !missing;
    submit.disabled = missing;
  }

  const card = h('details', { class: 'form-card', open: !!open, dataset: { testid } },
    h('summary', null, title),
    h('form', { class: 'stack', novalidate: true, onsubmit },
      rows, empty, error, submit, status));
  card.refresh = refresh;
  refresh();
  return card;
}

/* Fields and action of the layout form, shared by community and building pages. */
export function layoutFields() {
  return [
    { name: 'units', label: t('form.units'), required: true, inputmode: 'numeric', value: '1', reset: false },
    { name: 'floors', label: t('form.floors'), required: true, inputmode: 'numeric', value: '6', reset: false },
    { name: 'rooms_per_floor', label: t('form.rooms_per_floor'), required: true, inputmode: 'numeric', value: '2', reset: false },
    { name: 'area', label: t('form.area'), required: true, inputmode: 'decimal', hint: t('form.area_hint'), value: '', reset: false },
    { name: 'first_floor', label: t('form.first_floor'), required: true, inputmode: 'numeric', hint: t('form.first_floor_hint'), value: '1', reset: false },
  ];
}

/* Turn the layout form's strings into the request body, blaming one field. */
export function layoutBody(v) {
  const body = {};
  for (const name of ['units', 'floors', 'rooms_per_floor', 'first_floor']) {
    const n = parseWhole(v[name]);
    if (n === null) throw new FieldError(name, t('form.bad_int', { field: t(`field.${name}`) }));
    body[name] = n;
  }
  const area = parseArea(v.area);
  if (area === null) throw new FieldError('area', t('form.bad_area'));
  body.area = area;
  return body;
}
