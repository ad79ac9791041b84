/*
 * drills: emergency drills (应急演练) — history per hazard, recording a
 * drill with its timed milestones (planned against actual minutes), and
 * the after-action review (复盘) with actions, owners, due dates and a
 * done flag. Printable.
 *
 *   #/communities/:id/prep/drills
 *   #/communities/:id/prep/drills/:drill
 */

import { h, uid } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { HAZARD_CODES, hazardName, crumbTo, todayChina } from './prep.js';

const DEFAULT_MILESTONES = [['alarm', 0], ['informed', 10], ['gathered', 20], ['counted', 25]];

function field(label, input) {
  input.id = input.id || uid('drill');
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
}

/* "+4" late, "−2" early, "0" on time; '' when not timed. */
export function deltaText(d) {
  if (d === null || d === undefined) return '';
  if (d === 0) return t('prep.on_time');
  return d > 0 ? t('prep.late_by', { n: d }) : t('prep.early_by', { n: -d });
}

function minutes(v) {
  const s = String(v).trim();
  return s === '' ? null : Number(s);
}

/* #/communities/:id/prep/drills */
export async function drillsView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}/prep`;
  const error = h('p', { class: 'error no-print', role: 'alert', dataset: { testid: 'drills-error' } });
  const listBox = h('div');
  const [plans, first] = await Promise.all([get(`${base}/plans`), get(`${base}/drills`)]);
  const filter = h('select', { dataset: { testid: 'drills-filter' }, onchange: () => load() },
    h('option', { value: '' }, t('prep.all_hazards')),
    HAZARD_CODES.map((hz) => h('option', { value: hz }, hazardName(hz))));

  function drawList(data) {
    listBox.replaceChildren(data.drills.length === 0
      ? h('p', { class: 'muted' }, t('prep.no_drills'))
      : h('ul', { class: 'cards', dataset: { testid: 'drills-list' } }, data.drills.map((d) => h('li', { class: 'card', dataset: { testid: 'drill-card' } },
        h('h3', null, h('a', { href: `#/communities/${id}/prep/drills/${d.id}` }, `${d.date} · ${hazardName(d.hazard)}`)),
        h('p', null, d.scenario),
        h('p', { class: 'muted' }, t('prep.drill_meta', { people: formatInt(d.participants_count), milestones: d.milestones, late: d.late }),
          d.reviewed ? ` · ${t('prep.reviewed')}` : ` · ${t('prep.not_reviewed')}`,
          d.actions_open ? ` · ${t('prep.actions_open', { n: d.actions_open })}` : '')))));
  }

  async function load() {
    try {
      drawList(await get(`${base}/drills${filter.value ? `?hazard=${filter.value}` : ''}`));
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  function newForm() {
    const withPlans = plans.plans;
    const plan = h('select', { dataset: { testid: 'drill-plan' } }, withPlans.map((p) => h('option', { value: String(p.id) }, hazardName(p.hazard))));
    const date = h('input', { type: 'date', value: todayChina(), dataset: { testid: 'drill-date' } });
    const scenario = h('textarea', { rows: 2, maxlength: 1000, dataset: { testid: 'drill-scenario' } });
    const count = h('input', { type: 'text', inputmode: 'numeric', dataset: { testid: 'drill-count' } });
    const people = h('textarea', { rows: 2, maxlength: 2000, dataset: { testid: 'drill-people' } });
    const rows = DEFAULT_MILESTONES.map(([k, planned]) => ({
      name: h('input', { type: 'text', value: t(`prep.ms.${k}`), maxlength: 50, 'aria-label': t('prep.milestone') }),
      planned: h('input', { type: 'text', inputmode: 'numeric', value: String(planned), 'aria-label': t('prep.planned'), dataset: { testid: `drill-planned-${k}` } }),
      actual: h('input', { type: 'text', inputmode: 'numeric', 'aria-label': t('prep.actual'), dataset: { testid: `drill-actual-${k}` } }),
    }));
    const table = h('table', { class: 'prep-table' },
      h('thead', null, h('tr', null, [t('prep.milestone'), t('prep.planned'), t('prep.actual')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map((r) => h('tr', null, h('td', null, r.name), h('td', null, r.planned), h('td', null, r.actual)))));
    if (withPlans.length === 0) return h('p', { class: 'muted' }, t('prep.drill_needs_plan'));
    return h('details', { class: 'form-card no-print' }, h('summary', { dataset: { testid: 'drill-new-open' } }, t('prep.new_drill')),
      h('form', { class: 'stack', onsubmit: async (ev) => {
        ev.preventDefault();
        error.textContent = '';
        const body = {
          plan_id: Number(plan.value), date: date.value, scenario: scenario.value.trim(),
          participants_count: Number(count.value || 0), participants: people.value.trim(),
          milestones: rows.filter((r) => r.name.value.trim()).map((r) => ({ name: r.name.value.trim(), planned: minutes(r.planned.value), actual: minutes(r.actual.value) })),
        };
        try {
          const r = await post(`${base}/drills`, body);
          ctx.navigate(`/communities/${id}/prep/drills/${r.id}`);
        } catch (err) {
          error.textContent = errorText(err);
        }
      } },
      field(t('prep.plan'), plan), field(t('prep.date'), date), field(t('prep.scenario'), scenario),
      field(t('prep.participants_count'), count), field(t('prep.participants'), people),
      h('p', { class: 'hint' }, t('prep.minutes_hint')), table,
      h('button', { type: 'submit', class: 'primary', dataset: { testid: 'drill-save' } }, t('prep.save'))));
  }

  drawList(first);
  return h('section', { class: 'prep-page', dataset: { testid: 'drills-page' } },
    crumbTo(id),
    h('h1', null, t('prep.drills')),
    error,
    first.can_edit && newForm(),
    h('div', { class: 'no-print' }, field(t('prep.hazard'), filter)),
    listBox);
}

/* #/communities/:id/prep/drills/:drill */
export async function drillView(ctx) {
  const [id, did] = ctx.params;
  const url = `/api/communities/${id}/prep/drills/${did}`;
  const error = h('p', { class: 'error no-print', role: 'alert', dataset: { testid: 'drill-error' } });
  const status = h('p', { class: 'ok no-print', role: 'status', dataset: { testid: 'drill-status' } });
  const box = h('div');
  let d = await get(url);

  async function act(fn, done) {
    error.textContent = '';
    status.textContent = '';
    try {
      await fn();
      d = await get(url);
      draw();
      status.textContent = done;
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  function reviewForm() {
    const good = h('textarea', { rows: 3, maxlength: 4000, dataset: { testid: 'review-good' } }, d.review.went_well);
    const improve = h('textarea', { rows: 3, maxlength: 4000, dataset: { testid: 'review-improve' } }, d.review.to_improve);
    return h('form', { class: 'form-card no-print stack', onsubmit: (ev) => {
      ev.preventDefault();
      act(() => request('PUT', `${url}/review`, { went_well: good.value, to_improve: improve.value }), t('prep.saved'));
    } }, h('h2', null, t('prep.review')),
    field(t('prep.went_well'), good), field(t('prep.to_improve'), improve),
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'review-save' } }, t('prep.save')));
  }

  function actionForm() {
    const task = h('input', { type: 'text', maxlength: 200, dataset: { testid: 'action-task' } });
    const owner = h('input', { type: 'text', maxlength: 50, dataset: { testid: 'action-owner' } });
    const due = h('input', { type: 'date', dataset: { testid: 'action-due' } });
    return h('form', { class: 'inline-form no-print', onsubmit: (ev) => {
      ev.preventDefault();
      act(() => post(`${url}/actions`, { task: task.value.trim(), owner: owner.value.trim(), due: due.value }), t('prep.saved'));
    } }, field(t('prep.task'), task), field(t('prep.owner'), owner), field(t('prep.due'), due),
    h('button', { type: 'submit', class: 'secondary', dataset: { testid: 'action-add' } }, t('prep.add_action')));
  }

  function draw() {
    const late = (m) => m.delta !== null && m.delta > 0;
    box.replaceChildren(h('div', null,
      h('p', null, `${d.community.name} · ${hazardName(d.hazard)} · ${d.date}`),
      h('p', null, d.scenario),
      h('p', { class: 'muted' }, t('prep.people_n', { n: formatInt(d.participants_count) }), d.participants && ` · ${d.participants}`),
      h('h2', null, t('prep.timings')),
      h('table', { class: 'prep-table', dataset: { testid: 'drill-timings' } },
        h('thead', null, h('tr', null, [t('prep.milestone'), t('prep.planned'), t('prep.actual'), t('prep.delta_col')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, d.milestones.map((m) => h('tr', { class: late(m) ? 'prep-row-gap' : '' },
          h('td', null, m.name), h('td', null, t('prep.min_n', { n: m.planned })),
          h('td', null, m.actual === null ? t('prep.not_timed') : t('prep.min_n', { n: m.actual })),
          h('td', { dataset: { testid: 'drill-delta' } }, deltaText(m.delta)))))),
      h('h2', null, t('prep.review')),
      d.review.reviewed_at
        ? h('div', { dataset: { testid: 'review-text' } },
          h('h3', null, t('prep.went_well')), h('p', { class: 'pre' }, d.review.went_well),
          h('h3', null, t('prep.to_improve')), h('p', { class: 'pre' }, d.review.to_improve))
        : h('p', { class: 'muted' }, t('prep.not_reviewed')),
      h('h3', null, t('prep.actions')),
      d.actions.length === 0 ? h('p', { class: 'muted' }, t('prep.no_actions'))
        : h('ul', { class: 'plain', dataset: { testid: 'drill-actions' } }, d.actions.map((a) => h('li', { class: 'kit-item', dataset: { testid: 'drill-action' } },
          d.can_edit
            ? h('input', { type: 'checkbox', id: `act-${a.id}`, checked: a.done, dataset: { testid: 'action-done' },
              onchange: (ev) => act(() => request('PATCH', `${url}/actions/${a.id}`, { done: ev.target.checked }), t('prep.saved')) })
            : (a.done ? '☑ ' : '☐ '),
          h('label', { for: `act-${a.id}` }, ` ${a.task} · ${a.owner} · ${t('prep.due')} ${a.due}`,
            !a.done && a.due < todayChina() ? h('span', { class: 'prep-alert' }, ` ${t('prep.overdue')}`) : '')))),
      d.can_edit && actionForm(),
      d.can_edit && reviewForm()));
  }

  draw();
  return h('section', { class: 'prep-page', dataset: { testid: 'drill-page' } },
    h('p', { class: 'crumbs no-print' }, h('a', { href: `#/communities/${id}/prep/drills` }, `← ${t('prep.drills')}`)),
    h('h1', null, t('prep.drill_title')),
    h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, t('prep.print')),
    error, status, box);
}
