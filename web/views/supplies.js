/*
 * supplies: emergency supplies (应急物资) of a community — alerts first
 * (expired, expiring within 30 days, below the minimum) with a count
 * badge, the list by category, adding an item, and changing a quantity
 * with a reason (the log is shown per item). Printable as a stock list.
 *
 *   #/communities/:id/prep/supplies
 */

import { h, uid } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { crumbTo, supplyAlertText, todayChina } from './prep.js';

export const SUPPLY_CATEGORIES = ['water', 'food', 'medicine', 'tools', 'shelter', 'power', 'communication', 'other'];

function field(label, input) {
  input.id = input.id || uid('sup');
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
}

/* #/communities/:id/prep/supplies */
export async function suppliesView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}/prep/supplies`;
  const error = h('p', { class: 'error no-print', role: 'alert', dataset: { testid: 'supplies-error' } });
  const status = h('p', { class: 'ok no-print', role: 'status' });
  const box = h('div');
  let data = await get(base);

  async function act(fn, done) {
    error.textContent = '';
    status.textContent = '';
    try {
      await fn();
      data = await get(base);
      draw();
      status.textContent = done;
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  function adjustForm(s) {
    const delta = h('input', { type: 'text', inputmode: 'numeric', dataset: { testid: 'supply-delta' }, placeholder: '-5 / 10' });
    const reason = h('input', { type: 'text', maxlength: 200, dataset: { testid: 'supply-reason' } });
    return h('form', { class: 'inline-form no-print', onsubmit: (ev) => {
      ev.preventDefault();
      act(() => post(`${base}/${s.id}/adjust`, { delta: Number(delta.value), reason: reason.value.trim() }), t('prep.saved'));
    } }, field(t('prep.delta'), delta), field(t('prep.reason'), reason),
    h('button', { type: 'submit', class: 'secondary', dataset: { testid: 'supply-adjust' } }, t('prep.adjust')));
  }

  async function showLog(s, holder) {
    try {
      const one = await get(`${base}/${s.id}`);
      holder.replaceChildren(h('ul', { class: 'plain muted' }, one.log.map((l) => h('li', null,
        `${new Date(l.at * 1000).toLocaleString()} · ${l.delta > 0 ? '+' : ''}${l.delta} → ${l.quantity} · ${l.reason} · ${l.by}`))));
    } catch (err) {
      holder.textContent = errorText(err);
    }
  }

  function addForm() {
    const name = h('input', { type: 'text', maxlength: 100, required: true, dataset: { testid: 'supply-name' } });
    const category = h('select', { dataset: { testid: 'supply-category' } },
      SUPPLY_CATEGORIES.map((c) => h('option', { value: c }, t(`prep.cat.${c}`))));
    const quantity = h('input', { type: 'text', inputmode: 'numeric', required: true, dataset: { testid: 'supply-quantity' } });
    const unit = h('input', { type: 'text', maxlength: 10, required: true, dataset: { testid: 'supply-unit' } });
    const location = h('input', { type: 'text', maxlength: 200, dataset: { testid: 'supply-location' } });
    const expiry = h('input', { type: 'date', dataset: { testid: 'supply-expiry' } });
    const minimum = h('input', { type: 'text', inputmode: 'numeric', dataset: { testid: 'supply-minimum' } });
    return h('details', { class: 'form-card no-print' }, h('summary', { dataset: { testid: 'supply-add-open' } }, t('prep.add_supply')),
      h('form', { class: 'stack', onsubmit: (ev) => {
        ev.preventDefault();
        const body = { name: name.value.trim(), category: category.value, quantity: Number(quantity.value), unit: unit.value.trim() };
        if (location.value.trim()) body.location = location.value.trim();
        if (expiry.value) body.expiry = expiry.value;
        if (minimum.value.trim()) body.minimum = Number(minimum.value);
        act(() => post(base, body), t('prep.saved'));
      } },
      field(t('prep.item'), name), field(t('prep.category'), category), field(t('prep.quantity'), quantity),
      field(t('prep.unit'), unit), field(t('prep.location'), location), field(t('prep.expiry'), expiry),
      field(t('prep.minimum'), minimum),
      h('button', { type: 'submit', class: 'primary', dataset: { testid: 'supply-save' } }, t('prep.save'))));
  }

  function row(s) {
    const a = s.alerts;
    const alerting = a.expired || a.expiring || a.low;
    const logBox = h('div');
    return h('li', { class: `card supply-card${alerting ? ' alerting' : ''}`, dataset: { testid: 'supply-card', name: s.name } },
      h('h3', null, s.name, ' ', h('span', { class: 'muted' }, t(`prep.cat.${s.category}`))),
      h('p', null, h('strong', { dataset: { testid: 'supply-qty' } }, `${formatInt(s.quantity)} ${s.unit}`),
        s.minimum ? h('span', { class: 'muted' }, ` · ${t('prep.minimum')} ${formatInt(s.minimum)}`) : '',
        s.location && h('span', { class: 'muted' }, ` · ${s.location}`),
        s.expiry && h('span', { class: 'muted' }, ` · ${t('prep.expiry')} ${s.expiry}`)),
      alerting && h('p', { class: 'prep-alert', dataset: { testid: 'supply-alert' } }, supplyAlertText(s)),
      data.can_edit && adjustForm(s),
      h('details', { class: 'no-print', ontoggle: (ev) => { if (ev.target.open) showLog(s, logBox); } },
        h('summary', null, t('prep.log')), logBox));
  }

  function draw() {
    const al = data.alerts;
    const alerting = data.supplies.filter((s) => s.alerts.expired || s.alerts.expiring || s.alerts.low);
    const rest = data.supplies.filter((s) => !alerting.includes(s));
    box.replaceChildren(h('div', null,
      h('p', null, h('span', { class: `badge ${al.total ? 'badge-alert' : 'badge-closed'}`, dataset: { testid: 'supplies-badge' } }, formatInt(al.total)),
        ` ${t('prep.supply_summary', { expired: al.expired, expiring: al.expiring, low: al.low })}`),
      data.can_edit && addForm(),
      alerting.length > 0 && [h('h2', null, t('prep.alerts')), h('ul', { class: 'cards', dataset: { testid: 'supplies-alerts' } }, alerting.map(row))],
      h('h2', { class: 'no-print' }, t('prep.all_supplies')),
      data.supplies.length === 0 ? h('p', { class: 'muted' }, t('prep.no_supplies'))
        : h('ul', { class: 'cards no-print', dataset: { testid: 'supplies-list' } }, rest.map(row)),
      h('table', { class: 'prep-table print-only' },
        h('thead', null, h('tr', null, [t('prep.item'), t('prep.category'), t('prep.quantity'), t('prep.location'), t('prep.expiry'), t('prep.minimum'), t('prep.alerts')]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, data.supplies.map((s) => h('tr', null,
          h('td', null, s.name), h('td', null, t(`prep.cat.${s.category}`)), h('td', null, `${s.quantity} ${s.unit}`),
          h('td', null, s.location), h('td', null, s.expiry || ''), h('td', null, String(s.minimum)),
          h('td', null, supplyAlertText(s)))))),
      h('p', { class: 'muted print-only' }, t('prep.printed', { date: todayChina() }))));
  }

  draw();
  return h('section', { class: 'prep-page', dataset: { testid: 'supplies-page' } },
    crumbTo(id),
    h('h1', null, t('prep.supplies')),
    h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, t('prep.print')),
    error, status, box);
}
