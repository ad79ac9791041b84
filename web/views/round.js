/*
 * One micro-fund round: GET /api/communities/{id}/rounds/{round}.
 *
 * What a person sees follows the round's phase:
 *   proposal  the projects so far and a form to propose one;
 *   voting    the ballot (checkboxes, or points per project), filled from
 *             the saved ballot, and a clear confirmation once saved;
 *   closed    the result, funded projects first, each with a sentence in
 *             the UI language built from the structured fields, and a print
 *             button for the public notice (公示) on A4.
 * Those who manage the round also get the button that moves it on (with a
 * second, confirming press) and a preview of the result while it is open.
 *
 * The page redraws its parts in place after each action, so a status line
 * stays where the person's eyes and the screen reader are.
 */

import { h } from '../dom.js';
import { t, lang, formatInt } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { FieldError } from './parts.js';
import {
  STATUSES, statusBadge, yuan, yuanCents, parseYuan, tn, crumb, s, form, formCardOf, needText,
  isResidentVoter, communityInfo,
} from './rounds.js';

export async function roundView(ctx) {
  const [cid, rid] = ctx.params;
  const base = `/api/communities/${cid}/rounds/${rid}`;
  const [first, community] = await Promise.all([get(base), communityInfo(ctx.user, cid)]);
  let round = first;
  let result = await loadResult(round);

  async function loadResult(r) {
    if (r.status === 'proposal' || (r.status !== 'closed' && !r.can_manage)) return null;
    return get(`${base}/result`);
  }
  async function reload() {
    round = await get(base);
    result = await loadResult(round);
  }

  /* Persistent parts: the page status line survives every redraw. */
  const heading = h('h1', { dataset: { testid: 'round-title' } });
  const pageStatus = h('p', { class: 'ok', role: 'status', tabindex: -1, dataset: { testid: 'round-page-status' } });
  const body = h('div');

  function draw() {
    heading.textContent = round.title;
    body.replaceChildren(...[
      h('div', { class: 'round-head' }, statusBadge(round.status), ' ', steps(round.status)),
      facts(round),
      round.description && h('p', { class: 'round-description', dataset: { testid: 'round-description' } }, round.description),
      ruleExplained(round),
      round.can_manage && round.status !== 'closed' && manage(),
      phase(),
    ].flat(2).filter(Boolean));
  }

  function phase() {
    if (round.status === 'proposal') {
      return [projectList(round, { supporters: false }), proposeForm()];
    }
    if (round.status === 'voting') {
      const parts = [];
      const eligible = round.eligible !== 'residents' || isResidentVoter(ctx.user);
      if (eligible) parts.push(ballot());
      else parts.push(h('p', { class: 'note', dataset: { testid: 'ballot-not-eligible' } }, t('ballot.not_eligible')), projectList(round, { supporters: false }));
      if (round.can_manage) parts.push(preview());
      return parts;
    }
    return resultSection(round, result, community, { final: true });
  }

  /* ---- manage: move the round on, pressed twice ---------------------------- */

  function manage() {
    const next = round.status === 'proposal' ? 'voting' : 'closed';
    const key = next === 'voting' ? 'manage.start' : 'manage.close';
    const box = h('div', { class: 'confirm-row', hidden: true });
    const err = h('p', { class: 'error', role: 'alert', dataset: { testid: 'manage-error' } });
    const go = h('button', { type: 'button', class: 'primary', dataset: { testid: 'manage-next' } }, t(key));
    const yes = h('button', { type: 'button', class: 'primary', dataset: { testid: 'manage-confirm' } }, t(`${key}.yes`));
    const no = h('button', { type: 'button', class: 'secondary', dataset: { testid: 'manage-cancel' } }, t('manage.cancel'));
    go.addEventListener('click', () => {
      box.hidden = false;
      go.hidden = true;
      yes.focus();
    });
    no.addEventListener('click', () => {
      box.hidden = true;
      go.hidden = false;
      go.focus();
    });
    yes.addEventListener('click', async () => {
      err.textContent = '';
      yes.disabled = true;
      try {
        await request('PATCH', base, { status: next });
        await reload();
        draw();
        pageStatus.textContent = t(`${key}.done`);
        pageStatus.focus();
      } catch (e) {
        err.textContent = e.status === 409 ? t('round.moved_on') : errorText(e);
        yes.disabled = false;
      }
    });
    box.append(h('p', { id: `confirm-${rid}` }, t(`${key}.confirm`)), h('div', { class: 'buttons' }, yes, no));
    yes.setAttribute('aria-describedby', `confirm-${rid}`);
    return h('section', { class: 'manage no-print', dataset: { testid: 'round-manage' } },
      h('h2', null, t('manage.title')),
      h('p', { class: 'muted' }, t(`${key}.hint`)),
      go, box, err);
  }

  /* ---- proposal ---------------------------------------------------------------- */

  function proposeForm() {
    const f = form({
      testid: 'propose',
      submitLabel: t('propose.submit'),
      fields: [
        { name: 'title', label: t('propose.f.title'), required: true, maxlength: 100 },
        { name: 'description', label: t('propose.f.description'), type: 'textarea', maxlength: 2000, hint: t('propose.f.description_hint') },
        { name: 'cost', label: t('propose.f.cost'), required: true, inputmode: 'decimal', hint: t('propose.f.cost_hint', { budget: yuan(round.budget) }) },
        {
          name: 'proposer_kind', label: t('propose.f.kind'), type: 'select', required: true, value: 'resident', reset: false,
          options: ['resident', 'organisation', 'social_enterprise'].map((k) => [k, t(`kindopt.${k}`)]),
        },
      ],
      action: async (v) => {
        const title = needText(v, 'title');
        const cost = parseYuan(v.cost);
        if (cost === null) throw new FieldError('cost', t('rounds.bad_yuan'));
        if (cost > round.budget) throw new FieldError('cost', t('propose.over_budget', { budget: yuan(round.budget) }));
        const b = { title, cost, proposer_kind: v.proposer_kind };
        if (v.description.trim()) b.description = v.description.trim();
        try {
          await post(`${base}/projects`, b);
        } catch (e) {
          if (e.status === 409) throw new FieldError('', t('round.moved_on'));
          throw e;
        }
        await reload();
        /* Redraw the list only: the form keeps its status line. */
        const list = body.querySelector('[data-testid="projects"]');
        if (list) list.replaceWith(projectList(round, { supporters: false }));
        return t('propose.done', { title });
      },
    });
    return formCardOf(t('propose.title'), 'propose-card', f, true);
  }

  /* ---- voting -------------------------------------------------------------------- */

  function ballot() {
    const points = round.ballot === 'points';
    const mine = new Map((round.my_ballot || []).map((b) => [b.project, b.points]));
    const max = round.max_choices || 0;
    const projects = round.projects || [];
    const status = h('p', { class: 'ok', role: 'status', tabindex: -1, dataset: { testid: 'ballot-status' } });
    const err = h('p', { class: 'error', role: 'alert', id: `ballot-error-${rid}`, dataset: { testid: 'ballot-error' } });
    const tally = h('p', { class: 'tally', 'aria-live': 'polite', dataset: { testid: 'ballot-tally' } });
    const saved = h('p', { class: 'saved-note', dataset: { testid: 'ballot-saved' } });

    const items = projects.map((p) => {
      const inputId = `ballot-${rid}-${p.id}`;
      const descId = `${inputId}-desc`;
      const input = points
        ? h('input', {
          id: inputId, type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: 4,
          value: String(mine.get(p.id) ?? 0), 'aria-describedby': descId, class: 'points-input',
          dataset: { testid: 'ballot-points', project: p.id },
        })
        : h('input', {
          id: inputId, type: 'checkbox', checked: mine.has(p.id), 'aria-describedby': descId,
          dataset: { testid: 'ballot-choice', project: p.id },
        });
      const text = h('span', { class: 'ballot-text' },
        h('span', { class: 'ballot-title' }, p.title),
        h('span', { class: 'ballot-cost' }, yuan(p.cost)));
      const detail = h('span', { class: 'ballot-detail', id: descId },
        p.description && h('span', { class: 'ballot-desc' }, p.description),
        h('span', { class: 'muted' }, t(`kind.${p.proposer_kind}`)));
      const li = points
        ? h('li', { class: 'ballot-item points' },
          h('label', { for: inputId }, text), detail, h('span', { class: 'points-box' }, input, h('span', { 'aria-hidden': 'true' }, t('ballot.points_unit'))))
        : h('li', { class: 'ballot-item' }, h('label', { for: inputId }, input, text), detail);
      return { p, input, li };
    });

    /* The choices as they stand: [{project, points}], or a text blaming them. */
    function choices() {
      if (!points) return { list: items.filter((i) => i.input.checked).map((i) => ({ project: i.p.id, points: 1 })) };
      const list = [];
      for (const i of items) {
        const m = /^\s*(\d{1,4})\s*$/.exec(i.input.value);
        if (!m) return { list, bad: i, text: t('ballot.bad_points') };
        if (Number(m[1]) > 0) list.push({ project: i.p.id, points: Number(m[1]) });
      }
      return { list };
    }

    function updateTally() {
      const c = choices();
      const cost = c.list.reduce((n, x) => n + (projects.find((p) => p.id === x.project)?.cost || 0), 0);
      let text;
      let over = false;
      if (points) {
        const used = c.list.reduce((n, x) => n + x.points, 0);
        over = used > round.points || (max > 0 && c.list.length > max);
        text = t('ballot.tally_points', { used: formatInt(used), total: formatInt(round.points), n: formatInt(c.list.length) });
      } else {
        over = max > 0 && c.list.length > max;
        text = t('ballot.tally', { n: formatInt(c.list.length), cost: yuan(cost) });
      }
      if (max > 0) text += t('ballot.tally_max', { max: formatInt(max) });
      tally.textContent = text;
      tally.classList.toggle('over', over);
    }

    function drawSaved() {
      saved.textContent = mine.size > 0 ? tn('ballot.saved_note', mine.size) : t('ballot.none_yet');
      saved.classList.toggle('has-ballot', mine.size > 0);
      withdraw.hidden = mine.size === 0;
      submit.textContent = mine.size > 0 ? t('ballot.update') : t('ballot.submit');
    }

    async function send(list) {
      err.textContent = '';
      status.textContent = '';
      const b = { projects: list.map((x) => x.project) };
      if (points) b.points = list.map((x) => x.points);
      submit.disabled = true;
      withdraw.disabled = true;
      try {
        await request('PUT', `${base}/ballot`, b);
        mine.clear();
        for (const x of list) mine.set(x.project, x.points);
        round.my_ballot = list;
        drawSaved();
        status.textContent = list.length === 0
          ? t('ballot.withdrawn')
          : tn('ballot.done', list.length, { titles: list.map((x) => projects.find((p) => p.id === x.project)?.title).join(t('list.sep')) });
        status.focus();
      } catch (e) {
        err.textContent = e.status === 409 ? t('round.moved_on') : errorText(e);
      } finally {
        submit.disabled = false;
        withdraw.disabled = false;
      }
    }

    const submit = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'ballot-submit' } });
    const withdraw = h('button', { type: 'button', class: 'secondary', dataset: { testid: 'ballot-withdraw' } }, t('ballot.withdraw'));
    withdraw.addEventListener('click', () => {
      for (const i of items) {
        if (points) i.input.value = '0';
        else i.input.checked = false;
      }
      updateTally();
      send([]);
    });

    async function onsubmit(ev) {
      ev.preventDefault();
      err.textContent = '';
      for (const i of items) i.input.removeAttribute('aria-invalid');
      const c = choices();
      if (c.bad) {
        err.textContent = c.text;
        c.bad.input.setAttribute('aria-invalid', 'true');
        c.bad.input.focus();
        return;
      }
      if (c.list.length === 0) {
        err.textContent = t('ballot.empty');
        return;
      }
      if (max > 0 && c.list.length > max) {
        err.textContent = t('ballot.too_many', { max: formatInt(max) });
        return;
      }
      if (points && c.list.reduce((n, x) => n + x.points, 0) > round.points) {
        err.textContent = t('ballot.too_many_points', { total: formatInt(round.points) });
        return;
      }
      await send(c.list);
    }

    const legendKey = points ? 'ballot.legend_points' : 'ballot.legend';
    const hint = points
      ? t('ballot.hint_points', { total: formatInt(round.points) })
      : max > 0 ? t('ballot.hint_max', { max: formatInt(max) }) : t('ballot.hint_any');
    const f = h('form', { class: 'ballot no-print', novalidate: true, onsubmit, oninput: updateTally, onchange: updateTally, dataset: { testid: 'ballot' } },
      h('fieldset', null,
        h('legend', null, t(legendKey)),
        h('p', { class: 'hint' }, hint),
        projects.length === 0
          ? h('p', { class: 'muted' }, t('projects.none'))
          : h('ul', { class: 'ballot-list' }, items.map((i) => i.li))),
      tally, err,
      h('div', { class: 'buttons' }, submit, withdraw),
      status, saved);
    updateTally();
    drawSaved();
    return h('section', { class: 'ballot-section', 'aria-labelledby': `ballot-h-${rid}` },
      h('h2', { id: `ballot-h-${rid}` }, t('ballot.title')),
      f);
  }

  function preview() {
    return h('details', { class: 'preview no-print', dataset: { testid: 'result-preview' } },
      h('summary', null, t('result.preview_open')),
      resultSection(round, result, community, { final: false }));
  }

  draw();
  return h('section', { class: 'round-page', dataset: { testid: 'round-page', status: round.status } },
    crumb(`#/communities/${cid}/rounds`, t('round.back'), 'back-to-rounds'),
    noticeHead(community, round),
    heading,
    pageStatus,
    body);
}

/* ---- pieces -------------------------------------------------------------------- */

/* 征集中 → 投票中 → 已结束, the current one marked for screen readers. */
function steps(status) {
  const at = STATUSES.indexOf(status);
  return h('ol', { class: 'steps no-print', 'aria-label': t('round.steps') }, STATUSES.map((st, i) =>
    h('li', { class: i < at ? 'done' : i === at ? 'current' : '', 'aria-current': i === at ? 'step' : false },
      t(`round.step.${st}`))));
}

function facts(round) {
  const rows = [
    ['round.budget', yuan(round.budget), 'round-budget'],
    ['round.rule', t(`rule.${round.rule}.name`)],
    ['round.ballot', round.ballot === 'points'
      ? t('ballot.points.short', { n: formatInt(round.points) })
      : round.max_choices > 0 ? t('ballot.approval.max', { n: formatInt(round.max_choices) }) : t('ballot.approval.short')],
    ['round.eligible', t(`eligible.${round.eligible}`)],
  ];
  return h('dl', { class: 'facts', dataset: { testid: 'round-facts' } }, rows.map(([k, v, id]) =>
    h('div', null, h('dt', null, t(k)), h('dd', { dataset: id ? { testid: id } : undefined }, v))));
}

function ruleExplained(round) {
  return h('div', { class: 'rule-box', dataset: { testid: 'rule-explained' } },
    h('h2', null, t('rule.how')),
    h('p', null, t(`rule.${round.rule}.plain`)),
    round.ballot === 'points' && h('p', null, t('rule.points.plain')));
}

/* Projects as cards: title, cost, who proposed, description. */
function projectList(round, { supporters }) {
  const projects = round.projects || [];
  return h('section', { class: 'projects', dataset: { testid: 'projects' } },
    h('h2', null, t('projects.title', { n: formatInt(projects.length) })),
    projects.length === 0
      ? h('p', { class: 'muted' }, t('projects.none'))
      : h('ul', { class: 'project-list' }, projects.map((p) =>
        h('li', { class: 'project', dataset: { testid: 'project', project: p.id } },
          h('h3', null, p.title),
          h('p', { class: 'project-meta' },
            h('span', { class: 'cost' }, yuan(p.cost)),
            h('span', { class: 'muted' }, t(`kind.${p.proposer_kind}`)),
            supporters && h('span', { class: 'muted' }, tn('projects.supporters', p.supporters))),
          p.description && h('p', { class: 'project-desc' }, p.description)))));
}

/* The print-only head of the public notice. */
function noticeHead(community, round) {
  const where = community.name ? `${community.street_name} · ${community.name}` : '';
  return h('div', { class: 'print-only notice-head' },
    h('p', { class: 'notice-kind' }, t('notice.kind')),
    where && h('p', null, where));
}

/*
 * The result: summary, the budget bar, funded projects in the order funded,
 * then the others by votes, each with its sentence.
 */
function resultSection(round, result, community, { final }) {
  const sec = h('section', { class: `result${final ? '' : ' is-preview'}`, dataset: { testid: final ? 'result' : 'result-preview-body' } },
    h('h2', null, final ? t('result.title') : t('result.preview_title')));
  if (!final) sec.append(h('p', { class: 'note preview-note', dataset: { testid: 'preview-note' } }, t('result.preview_note')));
  if (!result) return sec;

  const byId = new Map((result.projects || []).map((p) => [p.id, p]));
  const funded = (result.funded || []).map((id) => byId.get(id)).filter(Boolean);
  const others = (result.projects || []).filter((p) => !p.funded)
    .sort((a, b) => (b.votes - a.votes) || (a.cost - b.cost));
  const unit = round.ballot === 'points' ? 'points' : 'votes';

  if (!result.voters) {
    sec.append(h('p', { class: 'muted', dataset: { testid: 'result-no-votes' } }, t('result.no_votes')));
    return sec;
  }

  const left = result.budget - result.cost;
  sec.append(
    h('p', { class: 'result-summary', dataset: { testid: 'result-summary' } }, t('result.summary', {
      voters: formatInt(result.voters), n: formatInt(funded.length), cost: yuan(result.cost),
      budget: yuan(result.budget), left: yuan(left),
    })),
    budgetBar(result.budget, funded));

  sec.append(h('h3', null, t('result.funded', { n: formatInt(funded.length) })));
  sec.append(funded.length === 0
    ? h('p', { class: 'muted' }, t('result.none_funded'))
    : h('ol', { class: 'result-list funded', dataset: { testid: 'result-funded' } }, funded.map((p, i) =>
      resultItem(p, result.budget, unit, i))));

  if (others.length > 0) {
    sec.append(h('h3', null, t('result.not_funded', { n: formatInt(others.length) })),
      h('ul', { class: 'result-list not-funded', dataset: { testid: 'result-not-funded' } }, others.map((p) =>
        resultItem(p, result.budget, unit, -1))));
  }

  if (final) {
    sec.append(
      h('p', { class: 'no-print' },
        h('button', { type: 'button', class: 'secondary', dataset: { testid: 'print-notice' }, onclick: () => window.print() },
          t('result.print'))),
      h('div', { class: 'print-only notice-foot' },
        h('p', null, t('notice.objection')),
        h('p', null, t('notice.period')),
        h('p', { class: 'notice-sign' }, t('notice.sign', { community: community.name || '' })),
        h('p', { class: 'notice-sign' }, t('notice.printed', { date: new Date().toLocaleDateString(lang()) }))));
  }
  sec.append(h('details', { class: 'explain no-print' },
    h('summary', null, t('result.explain')),
    h('ul', { lang: 'en' }, (result.projects || []).map((p) => h('li', null, `${p.title}: ${p.explain}`)))));
  return sec;
}

/* One stacked bar: each funded project's share of the budget, the rest
   left empty. The text next to it says the same for screen readers. */
function budgetBar(budget, funded) {
  const W = 1000;
  let x = 0;
  const rects = funded.map((p, i) => {
    const w = budget > 0 ? Math.round((p.cost * W) / budget) : 0;
    const r = s('rect', { x, y: 0, width: Math.max(0, Math.min(w, W - x)), height: 24, class: `seg seg-${i % 6}` },
      s('title', { text: `${p.title}: ${yuan(p.cost)}` }));
    x += w;
    return r;
  });
  return h('div', { class: 'budget-bar', dataset: { testid: 'budget-bar' } },
    s('svg', { viewBox: `0 0 ${W} 24`, preserveAspectRatio: 'none', role: 'img', 'aria-hidden': 'true', focusable: 'false' },
      s('rect', { x: 0, y: 0, width: W, height: 24, class: 'seg-rest' }),
      rects));
}

function resultItem(p, budget, unit, index) {
  const W = 1000;
  const w = budget > 0 ? Math.max(4, Math.round((p.cost * W) / budget)) : 0;
  return h('li', { class: `result-item${p.funded ? ' is-funded' : ''}`, dataset: { testid: 'result-project', project: p.id, funded: p.funded ? 'yes' : 'no' } },
    h('div', { class: 'result-line' },
      h('span', { class: 'result-title' }, index >= 0 && h('span', { class: 'result-rank', 'aria-hidden': 'true' }, `${index + 1}`), p.title),
      h('span', { class: p.funded ? 'tag tag-funded' : 'tag tag-not' }, p.funded ? t('result.tag_funded') : t('result.tag_not'))),
    h('div', { class: 'cost-bar' },
      s('svg', { viewBox: `0 0 ${W} 10`, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
        s('rect', { x: 0, y: 0, width: W, height: 10, class: 'seg-rest' }),
        s('rect', { x: 0, y: 0, width: Math.min(w, W), height: 10, class: p.funded ? 'seg-funded' : 'seg-not' })),
      h('span', { class: 'cost-text' }, t('result.cost_of_budget', { cost: yuan(p.cost), pct: percent(p.cost, budget) }))),
    h('p', { class: 'result-why', dataset: { testid: 'result-why' } }, sentence(p, unit)));
}

/* Share of the budget as "24%" (whole percent, integer arithmetic; "<1%"). */
function percent(part, whole) {
  if (!whole) return '0%';
  const pct = Math.floor((part * 100) / whole);
  return part > 0 && pct === 0 ? '<1%' : `${pct}%`;
}

/*
 * Why a project was or was not funded, in the UI language, from the result's
 * structured fields (docs/api.md); `explain` (English) stays as the detail.
 */
function sentence(p, unit) {
  const votes = tn(`why.${unit}`, p.votes);
  const cost = yuan(p.cost);
  switch (p.reason) {
    case 'fits':
      return t('why.fits', { votes, rank: formatInt(p.rank), left: yuan(p.left), cost });
    case 'no_fit':
      return t('why.no_fit', { votes, rank: formatInt(p.rank), left: yuan(p.left), cost });
    case 'bought': {
      if (p.votes === 1 && !p.paid_all) return t('why.bought_alone', { cost, round: formatInt(p.rank) });
      let text = t('why.bought', {
        supporters: tn('why.supporters', p.votes), round: formatInt(p.rank), cost,
        paid: tn('why.paid_price', p.paid_price, { price: yuanCents(p.price) }),
      });
      if (p.paid_all > 0) text += t('why.paid_all', { n: formatInt(p.paid_all) });
      return text + t('why.end');
    }
    case 'unaffordable':
      return t('why.unaffordable', { supporters: tn('why.supporters', p.votes), money: yuanCents(p.money), cost });
    case 'no_support':
      return t('why.no_support');
    case 'free':
      return t('why.free', { votes });
    default:
      return p.explain || '';
  }
}
