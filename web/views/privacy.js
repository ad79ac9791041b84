/*
 * Privacy (PIPL, 个人信息保护): a resident's consents (record, withdraw),
 * the explanation of what is held and why, the export (a JSON download) and
 * erasure (typed confirmation of the name); and, for the community, the
 * notices (隐私告知), purposes and data categories with their lawful basis
 * and retention.
 *
 * renderResidentPrivacy(container, communityId, residentId) fills any
 * element, so the resident page can put it in its <section
 * data-part="consent">; #/communities/{c}/residents/{r}/privacy shows it on
 * its own page until then. The server decides who may do what: buttons
 * shown to a reader who may not act answer with the server's 403 text.
 */

import { h, uid } from '../dom.js';
import { t, lang } from '../i18n.js';
import { get, post, del, request, errorText } from '../api.js';

const METHODS = ['paper', 'in_person', 'online', 'phone'];
const BASES = ['consent', 'legal_duty', 'emergency', 'contract'];
const FROMS = ['moved_out', 'event', 'last_activity'];

function when(unix) {
  if (unix === null || unix === undefined) return '—';
  return new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function field(label, input, hint) {
  const id = uid('pv');
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint && h('p', { class: 'hint' }, hint));
}

function select(name, values, labelOf, testid) {
  return h('select', { name, dataset: { testid } },
    values.map((v) => h('option', { value: v }, labelOf(v))));
}

/* A small form: build(parts) returns the fields; send(form) acts and returns
   the success text. Errors name the field the server blamed. */
function smallForm(title, testid, fields, submitLabel, send) {
  const error = h('p', { class: 'error', role: 'alert', dataset: { testid: `${testid}-error` } });
  const status = h('p', { class: 'ok', role: 'status', dataset: { testid: `${testid}-status` } });
  const button = h('button', { type: 'submit', class: 'primary', dataset: { testid: `${testid}-submit` } }, submitLabel);
  const form = h('form', {
    class: 'stack', novalidate: true,
    onsubmit: async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      status.textContent = '';
      button.disabled = true;
      try {
        status.textContent = await send();
      } catch (err) {
        error.textContent = err.field ? `${err.field}: ${errorText(err)}` : errorText(err);
      } finally {
        button.disabled = false;
      }
    },
  }, fields, error, button, status);
  return h('details', { class: 'form-card no-print', dataset: { testid } }, h('summary', null, title), form);
}

function download(name, data) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/* Withdrawal, as easy as giving (PIPL art. 15): how, and a note. */
function withdrawForm(base, consentId, done) {
  const how = select('method', METHODS, (m) => t(`privacy.method.${m}`), 'withdraw-method');
  how.value = 'in_person';
  const note = h('input', { type: 'text', maxlength: 500, dataset: { testid: 'withdraw-note' } });
  const error = h('p', { class: 'error', role: 'alert' });
  return h('details', { class: 'no-print', dataset: { testid: 'consent-withdraw' } },
    h('summary', null, t('privacy.withdraw')),
    h('form', {
      class: 'stack', novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        error.textContent = '';
        try {
          const body = { method: how.value };
          if (note.value.trim()) body.note = note.value.trim();
          await post(`${base}/consents/${consentId}/withdraw`, body);
          done();
        } catch (err) {
          error.textContent = errorText(err);
        }
      },
    }, field(t('privacy.method'), how), field(t('privacy.withdraw_note'), note), error,
    h('button', { type: 'submit', dataset: { testid: 'withdraw-submit' } }, t('privacy.withdraw_go'))));
}

export async function renderResidentPrivacy(container, communityId, residentId) {
  const base = `/api/communities/${communityId}/residents/${residentId}`;
  const redraw = () => renderResidentPrivacy(container, communityId, residentId);
  let c, x, person;
  try {
    [c, x, person] = await Promise.all([get(`${base}/consents`), get(`${base}/pipl/explain`), get(base)]);
  } catch (err) {
    container.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err)));
    return;
  }
  const zh = lang() === 'zh-CN';
  const purposes = Object.keys(c.state);

  const stateList = h('ul', { class: 'consent-state', dataset: { testid: 'consent-state' } },
    purposes.map((p) => {
      const s = c.state[p];
      return h('li', { dataset: { purpose: p, state: s.state } },
        h('strong', null, s.label), s.sensitive && h('span', { class: 'tag' }, t('privacy.sensitive')),
        ' · ', t(`privacy.state.${s.state}`));
    }));

  const records = h('ul', { class: 'consent-records', dataset: { testid: 'consent-records' } },
    c.consents.length === 0 && h('li', { class: 'muted' }, t('privacy.no_consents')),
    c.consents.map((r) => h('li', { dataset: { testid: 'consent', state: r.state } },
      h('strong', null, c.state[r.purpose]?.label || r.purpose), ' · ',
      t('privacy.given', { when: when(r.given_at), method: t(`privacy.method.${r.method}`), version: r.notice_version }),
      r.guardian && h('span', null, ' · ', t('privacy.guardian'), ': ',
        r.guardian.name ? `${r.guardian.name}（${r.guardian.relation}）` : `#${r.guardian.resident_id}`),
      r.evidence && h('p', { class: 'muted' }, r.evidence),
      r.state === 'withdrawn'
        ? h('p', { class: 'muted' }, t('privacy.withdrawn', { when: when(r.withdrawn_at), method: t(`privacy.method.${r.withdrawn_method}`) }))
        : withdrawForm(base, r.id, redraw))));

  /* record a consent */
  const purpose = select('purpose', purposes, (p) => c.state[p].label, 'consent-purpose');
  const version = select('notice_version', c.notices.map((n) => n.version),
    (v) => t('privacy.notice_version', { version: v }), 'consent-version');
  const method = select('method', METHODS, (m) => t(`privacy.method.${m}`), 'consent-method');
  const evidence = h('input', { type: 'text', maxlength: 500, dataset: { testid: 'consent-evidence' } });
  const sensitive = h('input', { type: 'checkbox', dataset: { testid: 'consent-sensitive' } });
  const gName = h('input', { type: 'text', maxlength: 50, dataset: { testid: 'consent-guardian-name' } });
  const gRel = h('input', { type: 'text', maxlength: 20, dataset: { testid: 'consent-guardian-relation' } });
  const gId = h('input', { type: 'text', inputmode: 'numeric', maxlength: 19, dataset: { testid: 'consent-guardian-id' } });
  const sensId = uid('pv');
  sensitive.id = sensId;
  const recordForm = smallForm(t('privacy.record'), 'consent-form', [
    c.notices.length === 0 && h('p', { class: 'muted' }, t('privacy.no_notice')),
    field(t('privacy.purpose'), purpose),
    field(t('privacy.notice'), version),
    field(t('privacy.method'), method),
    field(t('privacy.evidence'), evidence, t('privacy.evidence_hint')),
    h('div', { class: 'field' }, sensitive, h('label', { for: sensId }, ' ', t('privacy.sensitive_notice'))),
    c.needs_guardian && h('fieldset', null, h('legend', null, t('privacy.guardian_needed')),
      field(t('privacy.guardian_id'), gId), field(t('privacy.guardian_name'), gName),
      field(t('privacy.guardian_relation'), gRel)),
  ], t('privacy.record_go'), async () => {
    const body = { purpose: purpose.value, notice_version: Number(version.value), method: method.value };
    if (evidence.value.trim()) body.evidence = evidence.value.trim();
    if (sensitive.checked) body.sensitive_notice = true;
    if (gId.value.trim()) body.guardian = { resident_id: Number(gId.value.trim()) };
    else if (gName.value.trim() || gRel.value.trim()) body.guardian = { name: gName.value.trim(), relation: gRel.value.trim() };
    await post(`${base}/consents`, body);
    setTimeout(redraw, 0);
    return t('privacy.recorded');
  });

  /* the explanation */
  const explain = h('section', { class: 'explain-pipl', dataset: { testid: 'pipl-explain' } },
    h('h3', null, t('privacy.explain')),
    h('ul', null, x.categories.map((k) => h('li', { dataset: { category: k.category } }, zh ? k.text_zh : k.text_en))),
    h('p', { class: 'muted' }, zh ? x.note_zh : x.note_en),
    h('h4', null, t('privacy.full_reads')),
    x.full_reads.length === 0
      ? h('p', { class: 'muted' }, t('privacy.no_reads'))
      : h('ul', { dataset: { testid: 'pipl-reads' } }, x.full_reads.map((r) => h('li', null,
        `${when(r.at)} · ${r.actor || '—'} · ${t(`privacy.action.${r.action}`)}`))));

  /* export and erase */
  const exportButton = h('button', {
    type: 'button', class: 'no-print', dataset: { testid: 'pipl-export' },
    onclick: async () => {
      try {
        download(`pipl-${communityId}-${residentId}.json`, await get(`${base}/pipl/export`));
      } catch (err) {
        window.alert(errorText(err));
      }
    },
  }, t('privacy.export'));
  const confirmInput = h('input', { type: 'text', maxlength: 50, autocomplete: 'off', dataset: { testid: 'pipl-confirm' } });
  const eraseButton = h('button', {
    type: 'button', class: 'danger', disabled: true, dataset: { testid: 'pipl-delete' },
    onclick: async () => {
      try {
        await del(`${base}/pipl`);
        container.replaceChildren(h('p', { class: 'ok', role: 'status', dataset: { testid: 'pipl-deleted' } }, t('privacy.deleted')));
      } catch (err) {
        window.alert(errorText(err));
      }
    },
  }, t('privacy.delete_go'));
  confirmInput.addEventListener('input', () => { eraseButton.disabled = confirmInput.value.trim() !== person.name; });
  const erase = h('details', { class: 'form-card no-print', dataset: { testid: 'pipl-erase' } },
    h('summary', null, t('privacy.delete')),
    h('p', null, t('privacy.delete_warning', { name: person.name })),
    field(t('privacy.delete_type'), confirmInput), eraseButton);

  container.replaceChildren(h('div', { class: 'privacy-resident stack', dataset: { testid: 'resident-privacy' } },
    h('h2', null, t('privacy.consents')),
    c.needs_guardian && h('p', { class: 'tag' }, t('privacy.under14')),
    stateList, records, recordForm, explain,
    h('p', { class: 'no-print' }, exportButton), erase));
}

/* #/communities/{c}/residents/{r}/privacy */
export async function privacyResidentView(ctx) {
  const [communityId, residentId] = ctx.params;
  const box = h('div', null, h('p', { class: 'muted' }, t('loading')));
  await renderResidentPrivacy(box, communityId, residentId);
  return h('section', { dataset: { testid: 'privacy-resident-page' } },
    h('p', { class: 'no-print' }, h('a', { href: `#/communities/${communityId}/privacy` }, `← ${t('privacy.title')}`)),
    h('h1', null, t('privacy.resident_title')), box);
}

/* #/privacy: straight to the community when the user looks after one. */
export async function privacyIndexView(ctx) {
  const data = await get('/api/communities');
  const list = data.communities || [];
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/privacy`);
    return privacySettingsView({ ...ctx, params: [list[0].id] });
  }
  return h('section', null, h('h1', null, t('privacy.title')),
    h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
      h('h2', null, h('a', { href: `#/communities/${c.id}/privacy` }, c.name))))));
}

/* #/communities/{c}/privacy: notices, purposes, categories. */
export async function privacySettingsView(ctx) {
  const [id] = ctx.params;
  const url = `/api/communities/${id}/privacy`;
  const s = await get(url);
  const zh = lang() === 'zh-CN';

  const text = h('textarea', { rows: 8, maxlength: 20000, dataset: { testid: 'notice-text' } });
  const date = h('input', { type: 'text', maxlength: 10, inputmode: 'numeric', placeholder: 'YYYY-MM-DD', dataset: { testid: 'notice-date' } });
  const noticeForm = smallForm(t('privacy.notice_add'), 'notice-form',
    [field(t('privacy.notice_text'), text), field(t('privacy.effective_date'), date)], t('privacy.publish'),
    async () => {
      const r = await post(`${url}/notices`, { text: text.value, effective_date: date.value.trim() });
      setTimeout(() => ctx.refresh(), 0);
      return t('privacy.published', { version: r.version });
    });

  const code = h('input', { type: 'text', maxlength: 30, dataset: { testid: 'purpose-code' } });
  const label = h('input', { type: 'text', maxlength: 50, dataset: { testid: 'purpose-label' } });
  const sens = h('input', { type: 'checkbox', dataset: { testid: 'purpose-sensitive' } });
  const sensId = uid('pv');
  sens.id = sensId;
  const purposeForm = smallForm(t('privacy.purpose_add'), 'purpose-form', [
    field(t('privacy.purpose_code'), code, t('privacy.purpose_code_hint')), field(t('privacy.purpose_label'), label),
    h('div', { class: 'field' }, sens, h('label', { for: sensId }, ' ', t('privacy.sensitive'))),
  ], t('privacy.add'), async () => {
    await post(`${url}/purposes`, { code: code.value.trim(), label: label.value.trim(), sensitive: sens.checked });
    setTimeout(() => ctx.refresh(), 0);
    return t('privacy.saved');
  });

  const catRows = s.categories.map((k) => {
    const basis = select('lawful_basis', BASES, (b) => t(`privacy.basis.${b}`), `cat-${k.category}-basis`);
    basis.value = k.lawful_basis;
    const days = h('input', { type: 'text', inputmode: 'numeric', maxlength: 5, value: k.retention_days ?? '', dataset: { testid: `cat-${k.category}-days` } });
    const from = select('retention_from', FROMS, (f) => t(`privacy.from.${f}`), `cat-${k.category}-from`);
    from.value = k.retention_from;
    const reason = h('input', { type: 'text', maxlength: 200, value: k.reason ?? '' });
    return smallForm(`${zh ? k.holds_zh : k.holds_en} — ${t(`privacy.basis.${k.lawful_basis}`)}, ${
      k.retention_days === null ? t('privacy.indefinite') : t('privacy.days', { days: k.retention_days })}${k.default ? '' : ' *'}`,
    `cat-${k.category}`, [
      field(t('privacy.lawful_basis'), basis), field(t('privacy.retention_days'), days, t('privacy.retention_hint')),
      field(t('privacy.retention_from'), from), field(t('privacy.reason'), reason),
    ], t('privacy.save'), async () => {
      const body = { category: k.category, lawful_basis: basis.value, retention_from: from.value,
        retention_days: days.value.trim() === '' ? null : Number(days.value.trim()) };
      if (reason.value.trim()) body.reason = reason.value.trim();
      await request('PUT', `${url}/categories`, body);
      setTimeout(() => ctx.refresh(), 0);
      return t('privacy.saved');
    });
  });

  return h('section', { class: 'privacy-page stack', dataset: { testid: 'privacy-page' } },
    h('h1', null, t('privacy.title')),
    h('p', { class: 'muted' }, t('privacy.intro')),
    h('h2', null, t('privacy.notices')),
    s.notices.length === 0 ? h('p', { class: 'muted' }, t('privacy.no_notice'))
      : h('ul', { dataset: { testid: 'notices' } }, s.notices.map((n) => h('li', null,
        h('strong', null, t('privacy.notice_version', { version: n.version })), ` · ${n.effective_date}`,
        h('pre', { class: 'notice-text' }, n.text)))),
    noticeForm,
    h('h2', null, t('privacy.purposes')),
    h('ul', null, s.purposes.map((p) => h('li', null, zh ? p.label : p.label_en, ` (${p.code})`,
      p.sensitive && h('span', { class: 'tag' }, t('privacy.sensitive'))))),
    purposeForm,
    h('h2', null, t('privacy.categories')),
    h('div', { class: 'stack', dataset: { testid: 'categories' } }, catRows),
    h('p', { class: 'hint' }, t('privacy.categories_hint')));
}
