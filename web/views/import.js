/*
 * Residents import and export (居民导入导出) of one community.
 *
 * Import: the committee's CSV (UTF-8 or GB18030, its own headings) is
 * uploaded as it is; the server checks and writes it as a job, and this page
 * polls the job for its progress (a bar) and, at the end, the report: every
 * bad row as "line N: field: reason", or the counts added / updated /
 * unchanged. A dry run (the default) only checks. Export: CSV (UTF-8 for
 * Excel, or GB18030) or XLSX, masked; those who change the community may ask
 * for full ID numbers and phones, which the server records in the audit log.
 */

import { h, uid } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, upload, download, errorText } from '../api.js';
import { canManage } from './rounds.js';

/* #/residents-io: straight to the community when the user looks after one. */
export async function residentsIoIndexView(ctx) {
  const data = await get('/api/communities');
  const list = data.communities || [];
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/residents-io`);
    return importView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'residents-io-index' } },
    h('h1', null, t('rio.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('communities.empty'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/residents-io` }, c.name))))));
}

/* "户主姓名=name" lines into the map object the server takes. */
function parseMap(text) {
  const map = {};
  for (const line of text.split(/[\n,，]/)) {
    const s = line.trim();
    if (!s) continue;
    const i = s.indexOf('=');
    if (i <= 0) throw new Error(s);
    map[s.slice(0, i).trim()] = s.slice(i + 1).trim();
  }
  return map;
}

function field(label, input, hint) {
  const id = uid('rio');
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint && h('p', { class: 'hint' }, hint));
}

export async function importView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}`;
  const community = await get(base);
  const changer = canManage(ctx.user, community.id, community.street_id);

  /* ---- import ---- */
  const file = h('input', { type: 'file', accept: '.csv,text/csv', required: true, dataset: { testid: 'rio-file' } });
  const encoding = h('select', { dataset: { testid: 'rio-encoding' } },
    ['auto', 'utf-8', 'gb18030'].map((v) => h('option', { value: v }, t(`rio.enc.${v}`))));
  const map = h('textarea', { rows: 2, maxlength: 2000, dataset: { testid: 'rio-map' }, placeholder: '户主姓名=name' });
  const dry = h('input', { type: 'checkbox', checked: true, dataset: { testid: 'rio-dry' } });
  const dryId = uid('rio-dry');
  dry.id = dryId;
  const error = h('p', { class: 'error', role: 'alert', dataset: { testid: 'rio-error' } });
  const bar = h('progress', { class: 'rio-progress', max: 1, value: 0, hidden: true, dataset: { testid: 'rio-progress' } });
  const status = h('p', { role: 'status', 'aria-live': 'polite', dataset: { testid: 'rio-status' } });
  const report = h('div', { dataset: { testid: 'rio-report' } });
  const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'rio-submit' } }, t('rio.upload'));

  function show(job) {
    bar.hidden = false;
    bar.max = Math.max(job.rows_total, 1);
    bar.value = Math.min(job.rows_done, bar.max);
    status.textContent = t(`rio.state.${job.state}`, {
      done: formatInt(job.rows_done), total: formatInt(job.rows_total),
    });
    if (job.state !== 'done' && job.state !== 'failed') return;
    bar.value = bar.max;
    const parts = [];
    if (job.state === 'failed') {
      parts.push(h('p', { class: 'error' }, t('rio.failed'), ' ', job.error.message,
        job.error.field ? ` (${job.error.field})` : ''));
    } else if (job.bad > 0) {
      parts.push(h('p', { class: 'error' }, t('rio.bad', { bad: formatInt(job.bad), rows: formatInt(job.rows) })));
      parts.push(h('ol', { class: 'rio-errors', dataset: { testid: 'rio-errors' } },
        job.errors.map((line) => h('li', null, line))));
      if (job.errors.length < job.bad) parts.push(h('p', { class: 'muted' }, t('rio.more', { n: formatInt(job.bad - job.errors.length) })));
    } else if (job.dry_run) {
      parts.push(h('p', { class: 'ok' }, t('rio.clean', { rows: formatInt(job.rows) })));
    } else {
      parts.push(h('p', { class: 'ok' }, t('rio.written', {
        rows: formatInt(job.rows), added: formatInt(job.added),
        updated: formatInt(job.updated), unchanged: formatInt(job.unchanged),
      })));
    }
    if (job.unknown_columns && job.unknown_columns.length) {
      parts.push(h('p', { class: 'muted' }, t('rio.unknown', { cols: job.unknown_columns.join('、') })));
    }
    report.replaceChildren(...parts);
  }

  async function poll(jobId, form) {
    for (;;) {
      if (!form.isConnected) return;
      const job = await get(`${base}/residents/imports/${jobId}`);
      show(job);
      if (job.state === 'done' || job.state === 'failed') return;
      await new Promise((r) => setTimeout(r, 400));
    }
  }

  async function onsubmit(ev) {
    ev.preventDefault();
    error.textContent = '';
    report.replaceChildren();
    const f = file.files && file.files[0];
    if (!f) { error.textContent = t('rio.nofile'); return; }
    if (f.size > 20 * 1024 * 1024) { error.textContent = t('rio.toobig'); return; }
    const q = new URLSearchParams();
    q.set('dry_run', dry.checked ? '1' : '0');
    q.set('encoding', encoding.value);
    try {
      if (map.value.trim()) q.set('map', JSON.stringify(parseMap(map.value)));
    } catch (e) {
      error.textContent = t('rio.badmap', { line: e.message });
      return;
    }
    submit.disabled = true;
    try {
      const job = await upload(`${base}/residents/imports?${q}`, f, 'text/csv');
      show({ ...job, rows_done: 0, rows_total: 0 });
      await poll(job.id, ev.target);
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  }

  const importCard = h('form', { class: 'card rio', onsubmit, dataset: { testid: 'rio-import' } },
    h('h2', null, t('rio.import')),
    h('p', { class: 'muted' }, t('rio.import.intro')),
    field(t('rio.file'), file, t('rio.file.hint')),
    field(t('rio.encoding'), encoding),
    field(t('rio.map'), map, t('rio.map.hint')),
    h('div', { class: 'field rio-check' }, dry, h('label', { for: dryId }, t('rio.dry'))),
    error, submit, bar, status, report);

  /* ---- export ---- */
  const format = h('select', { dataset: { testid: 'rio-format' } },
    h('option', { value: 'xlsx' }, 'Excel (XLSX)'),
    h('option', { value: 'csv' }, t('rio.csv.utf8')),
    h('option', { value: 'csv-gb' }, t('rio.csv.gb')));
  const unmask = h('input', { type: 'checkbox', dataset: { testid: 'rio-unmask' } });
  const unmaskId = uid('rio-unmask');
  unmask.id = unmaskId;
  const exError = h('p', { class: 'error', role: 'alert', dataset: { testid: 'rio-export-error' } });
  async function onexport(ev) {
    ev.preventDefault();
    exError.textContent = '';
    const v = format.value;
    const q = new URLSearchParams({ format: v === 'xlsx' ? 'xlsx' : 'csv' });
    if (v === 'csv-gb') q.set('encoding', 'gb18030');
    if (unmask.checked) q.set('unmask', '1');
    try {
      const blob = await download(`${base}/residents/export?${q}`);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `${community.name}-居民.${v === 'xlsx' ? 'xlsx' : 'csv'}` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      exError.textContent = errorText(err);
    }
  }
  const exportCard = h('form', { class: 'card rio', onsubmit: onexport, dataset: { testid: 'rio-export' } },
    h('h2', null, t('rio.export')),
    h('p', { class: 'muted' }, t('rio.export.intro')),
    field(t('rio.format'), format),
    changer && h('div', { class: 'field rio-check' }, unmask, h('label', { for: unmaskId }, t('rio.unmask'))),
    exError,
    h('button', { type: 'submit', dataset: { testid: 'rio-export-submit' } }, t('rio.download')));

  return h('section', { dataset: { testid: 'residents-io' } },
    h('p', null, h('a', { href: `#/communities/${id}` }, community.name)),
    h('h1', null, t('rio.title')),
    changer ? importCard : null,
    exportCard);
}
