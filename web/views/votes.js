/*
 * Owners' votes (业主表决): GET /api/communities/{id}/votes and one vote.
 *
 * A vote shows what the law asks of it: the rule and its four thresholds
 * (participation and approval, by area and by headcount), the frozen
 * electorate, and, once closed, each figure against its threshold with
 * pass or fail and the reason, printable as the public notice (公示).
 *
 * An owner votes with three buttons. The reply is a receipt, shown once in
 * large type to write down or print, and kept in this browser's
 * localStorage so that the owner can change the ballot until the vote
 * closes; after the close, the published check list shows their check code
 * with their choice. Staff enter paper and proxy ballots with an evidence
 * note (the receipt is printed for the owner).
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { FieldError } from './parts.js';
import { memberCommunities, crumb, form, formCardOf, needText } from './rounds.js';

const RULES = ['art278-general', 'art278-major', 'majority', 'custom'];
const CHOICES = ['yes', 'no', 'abstain'];

function badge(status) {
  return h('span', { class: `badge badge-${status === 'open' ? 'voting' : status}`, dataset: { testid: 'vote-status', status } },
    t(`vote.status.${status}`));
}

export async function votesIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/votes`);
    return votesView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'votes-index' } },
    h('h1', null, t('votes.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('rounds.no_community'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/votes` }, c.name || t('rounds.community_n', { id: c.id })))))));
}

export async function votesView(ctx) {
  const [cid] = ctx.params;
  const base = `/api/communities/${cid}/votes`;
  let data = await get(base);
  const list = h('div');
  function draw() {
    const votes = data.votes || [];
    list.replaceChildren(votes.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'votes-empty' } }, t('votes.empty'))
      : h('ul', { class: 'cards', dataset: { testid: 'votes-list' } }, votes.map((v) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${cid}/votes/${v.id}`, dataset: { testid: 'vote-link' } }, v.title)),
        h('p', null, badge(v.status), ' ', t(`vote.rule.${v.rule}`), ' · ', t(v.secret ? 'vote.secret' : 'vote.named')),
        v.status !== 'draft' && h('p', { class: 'muted' }, t('vote.turnout', { voted: v.voted, electors: v.electors }))))));
  }
  draw();
  const parts = [h('h1', null, t('votes.title')), h('p', { class: 'muted' }, t('votes.intro')), list];
  if (data.can_manage) {
    const f = form({
      testid: 'vote-new',
      submitLabel: t('vote.new.submit'),
      fields: [
        { name: 'title', label: t('vote.f.title'), required: true, maxlength: 100 },
        { name: 'body', label: t('vote.f.body'), type: 'textarea', maxlength: 4000 },
        { name: 'scope', label: t('vote.f.scope'), type: 'select', required: true, value: 'building',
          options: ['community', 'compound', 'building', 'unit'].map((s) => [s, t(`vote.scope.${s}`)]) },
        { name: 'scope_id', label: t('vote.f.scope_id'), inputmode: 'numeric', hint: t('vote.f.scope_id_hint'),
          showIf: (v) => v.scope !== 'community' },
        { name: 'rule', label: t('vote.f.rule'), type: 'select', required: true, value: 'art278-general',
          options: RULES.map((r) => [r, t(`vote.rule.${r}`)]) },
        { name: 'participation', label: t('vote.f.participation'), hint: t('vote.f.fraction_hint'), showIf: (v) => v.rule === 'custom' },
        { name: 'approval', label: t('vote.f.approval'), hint: t('vote.f.fraction_hint'), showIf: (v) => v.rule === 'custom' },
        { name: 'abstain', label: t('vote.f.abstain'), type: 'select', required: true, value: 'participates',
          options: ['participates', 'absent'].map((a) => [a, t(`vote.abstain.${a}`)]) },
        { name: 'secret', label: t('vote.f.secret'), type: 'select', required: true, value: 'false',
          options: [['false', t('vote.named')], ['true', t('vote.secret')]] },
      ],
      action: async (v) => {
        const b = { title: needText(v, 'title'), scope: v.scope, rule: v.rule, abstain: v.abstain, secret: v.secret === 'true' };
        if (v.body.trim()) b.body = v.body.trim();
        if (v.scope !== 'community') {
          if (!/^\d+$/.test(v.scope_id.trim())) throw new FieldError('scope_id', t('vote.f.scope_id_hint'));
          b.scope_id = Number(v.scope_id.trim());
        }
        if (v.rule === 'custom') {
          Object.assign(b, { participation: v.participation.trim(), approval: v.approval.trim(),
            participation_inclusive: true, approval_inclusive: false, by_area: true });
        }
        const r = await post(base, b);
        data = await get(base);
        draw();
        return t('vote.new.done', { title: r.title });
      },
    });
    parts.push(formCardOf(t('vote.new.title'), 'vote-new-card', f, false));
  }
  return h('section', { dataset: { testid: 'votes' } }, parts);
}

/* "1234.56" m² and a count against a threshold, as one table row. */
function testRow(test) {
  const isArea = test.test.endsWith('area');
  const unit = (x) => (isArea ? t('vote.m2', { a: x }) : t('vote.owners_n', { n: x }));
  return h('tr', { dataset: { testid: 'vote-test', test: test.test, passed: String(test.passed) } },
    h('th', { scope: 'row' }, t(`vote.test.${test.test}`)),
    h('td', null, `${unit(test.part)} / ${unit(test.whole)}`),
    h('td', null, t(test.inclusive ? 'vote.at_least' : 'vote.more_than', { f: test.threshold })),
    h('td', { class: test.passed ? 'ok' : 'error' }, test.applies ? (test.passed ? '✓' : '✗') : '—'));
}

function resultSection(vote) {
  const r = vote.result;
  if (!r) return null;
  return h('section', { class: 'vote-result', dataset: { testid: 'vote-result', passed: String(r.passed) } },
    h('h2', null, vote.status === 'closed' ? t('vote.result') : t('vote.preview')),
    h('p', { class: r.passed ? 'ok big' : 'error big', dataset: { testid: 'vote-outcome' } },
      r.passed ? t('vote.passed') : t('vote.failed')),
    h('p', null, r.reason ? (document.documentElement.lang === 'en' ? r.reason.en : r.reason.zh) : ''),
    h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', null, t('vote.th.test')), h('th', null, t('vote.th.figure')),
        h('th', null, t('vote.th.need')), h('th', null, t('vote.th.ok')))),
      h('tbody', null, (r.tests || []).filter((x) => x.applies).map(testRow))),
    h('p', { class: 'muted' }, t(r.abstain_participates ? 'vote.abstain.participates' : 'vote.abstain.absent')),
    h('p', { class: 'muted' }, t('vote.counts', {
      yes: r.yes_owners, no: r.no_owners, abstain: r.abstain_owners, yesA: r.yes_area, noA: r.no_area, abstainA: r.abstain_area,
    })));
}

function receiptKey(vid, elector) {
  return `linli.receipt.${vid}.${elector}`;
}

function receiptCard(receipt, check) {
  return h('div', { class: 'receipt card', dataset: { testid: 'vote-receipt' } },
    h('p', null, t('vote.receipt.intro')),
    h('p', { class: 'big mono', dataset: { testid: 'vote-receipt-code' } }, receipt),
    h('p', null, t('vote.receipt.check', { check })),
    h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, t('vote.print')));
}

export async function voteView(ctx) {
  const [cid, vid] = ctx.params;
  const base = `/api/communities/${cid}/votes/${vid}`;
  let vote = await get(base);
  let electors = null;
  let checklist = null;
  const body = h('div');
  const status = h('p', { class: 'ok', role: 'status', tabindex: -1, dataset: { testid: 'vote-page-status' } });

  async function reload() {
    vote = await get(base);
    electors = vote.can_manage && vote.status !== 'draft' ? (await get(`${base}/electors`)).electors : null;
    checklist = vote.status === 'closed' ? await get(`${base}/checklist`) : null;
  }
  await reload();

  function manage() {
    if (!vote.can_manage || vote.status === 'closed') return null;
    const next = vote.status === 'draft' ? 'open' : 'closed';
    const err = h('p', { class: 'error', role: 'alert' });
    const btn = h('button', { type: 'button', class: 'primary', dataset: { testid: 'vote-next' } }, t(`vote.to.${next}`));
    btn.addEventListener('click', async () => {
      if (btn.dataset.armed !== '1') {
        btn.dataset.armed = '1';
        btn.textContent = t(`vote.to.${next}.confirm`);
        return;
      }
      btn.disabled = true;
      try {
        await request('PATCH', base, { status: next });
        await reload();
        draw();
        status.textContent = t(`vote.to.${next}.done`);
        status.focus();
      } catch (e) {
        err.textContent = errorText(e);
        btn.disabled = false;
      }
    });
    return h('section', { class: 'manage no-print' }, h('h2', null, t('manage.title')), btn, err);
  }

  function castSection() {
    if (vote.status !== 'open') return null;
    const mine = vote.mine || [];
    if (mine.length === 0) {
      return h('p', { class: 'note', dataset: { testid: 'vote-not-elector' } }, t('vote.not_elector'));
    }
    const me = mine[0];
    const out = h('div');
    const err = h('p', { class: 'error', role: 'alert', dataset: { testid: 'vote-cast-error' } });
    const stored = localStorage.getItem(receiptKey(vid, me.elector));
    const typed = h('input', { type: 'text', autocomplete: 'off', maxlength: 40, class: 'mono', 'aria-label': t('vote.receipt.label'),
      value: stored || '', dataset: { testid: 'vote-receipt-input' } });
    const buttons = CHOICES.map((c) => h('button', {
      type: 'button', class: c === 'yes' ? 'primary' : 'secondary', dataset: { testid: `vote-cast-${c}` },
      onclick: async () => {
        err.textContent = '';
        const b = { choice: c };
        if (me.voted) {
          if (!typed.value.trim()) { err.textContent = t('vote.receipt.needed'); typed.focus(); return; }
          b.receipt = typed.value.trim();
        }
        try {
          const r = await request('PUT', `${base}/ballot`, b);
          localStorage.setItem(receiptKey(vid, me.elector), r.receipt);
          me.voted = true;
          out.replaceChildren(h('p', { class: 'ok', dataset: { testid: 'vote-cast-done' } },
            t(r.changed ? 'vote.changed' : 'vote.cast', { choice: t(`vote.choice.${c}`) })), receiptCard(r.receipt, r.check));
        } catch (e) {
          err.textContent = errorText(e);
        }
      },
    }, t(`vote.choice.${c}`)));
    return h('section', { class: 'card', dataset: { testid: 'vote-cast' } },
      h('h2', null, t('vote.your_ballot')),
      h('p', null, t('vote.you_hold', { area: me.area, n: me.dwellings })),
      me.voted && h('p', { class: 'muted' }, t('vote.change_hint')),
      me.voted && h('label', null, t('vote.receipt.label'), ' ', typed),
      h('div', { class: 'buttons' }, buttons), err, out);
  }

  function paperSection() {
    if (!vote.can_manage || vote.status !== 'open' || !electors) return null;
    const out = h('div');
    const f = form({
      testid: 'vote-paper',
      submitLabel: t('vote.paper.submit'),
      fields: [
        { name: 'elector', label: t('vote.paper.elector'), type: 'select', required: true,
          options: electors.map((x) => [x.elector, `${x.name} · ${t('vote.m2', { a: x.area })}${x.voted ? ` · ${t('vote.voted')}` : ''}`]) },
        { name: 'choice', label: t('vote.paper.choice'), type: 'select', required: true, options: CHOICES.map((c) => [c, t(`vote.choice.${c}`)]) },
        { name: 'channel', label: t('vote.paper.channel'), type: 'select', required: true, options: [['paper', t('vote.channel.paper')], ['proxy', t('vote.channel.proxy')]] },
        { name: 'evidence', label: t('vote.paper.evidence'), required: true, maxlength: 200, hint: t('vote.paper.evidence_hint') },
        { name: 'receipt', label: t('vote.receipt.label'), hint: t('vote.paper.receipt_hint') },
      ],
      action: async (v) => {
        const b = { elector: Number(v.elector), choice: v.choice, channel: v.channel, evidence: needText(v, 'evidence') };
        if (v.receipt.trim()) b.receipt = v.receipt.trim();
        const r = await post(`${base}/paper`, b);
        out.replaceChildren(receiptCard(r.receipt, r.check));
        await reload();
        return t(r.changed ? 'vote.paper.changed' : 'vote.paper.done');
      },
    });
    return h('div', null, formCardOf(t('vote.paper.title'), 'vote-paper-card', f, false), out);
  }

  function electorTable() {
    if (!electors) return null;
    return h('section', { class: 'print-page' },
      h('h2', null, t('vote.electors.title', { n: electors.length })),
      h('table', { class: 'table', dataset: { testid: 'vote-electors' } },
        h('thead', null, h('tr', null, h('th', null, t('vote.th.owner')), h('th', null, t('vote.th.homes')),
          h('th', null, t('vote.th.area')), h('th', null, t('vote.th.voted')))),
        h('tbody', null, electors.map((x) => h('tr', null,
          h('td', null, x.name),
          h('td', null, (x.homes || []).map((d) => d.label).join('、')),
          h('td', null, x.area),
          h('td', null, x.voted ? (x.choice ? t(`vote.choice.${x.choice}`) : t(`vote.channel.${x.channel}`)) : '—'))))));
  }

  function checkSection() {
    if (!checklist) return null;
    const find = h('input', { type: 'text', maxlength: 16, class: 'mono', 'aria-label': t('vote.check.find'), dataset: { testid: 'vote-check-find' } });
    const found = h('p', { role: 'status', dataset: { testid: 'vote-check-found' } });
    find.addEventListener('input', () => {
      const q = find.value.trim().toLowerCase();
      const hit = q.length >= 6 && checklist.entries.find((x) => x.check.startsWith(q));
      found.textContent = q.length < 6 ? '' : hit ? t('vote.check.hit', { choice: t(`vote.choice.${hit.choice}`) }) : t('vote.check.miss');
    });
    return h('section', null, h('h2', null, t('vote.check.title')),
      h('p', { class: 'muted' }, t('vote.check.intro', { n: checklist.entries.length })),
      h('p', { class: 'mono small', dataset: { testid: 'vote-chain-head' } }, `${t('vote.check.head')} ${checklist.head}`),
      h('label', { class: 'no-print' }, t('vote.check.find'), ' ', find), found);
  }

  function draw() {
    const th = vote.thresholds || {};
    body.replaceChildren(...[
      h('p', null, badge(vote.status), ' ', t(vote.secret ? 'vote.secret' : 'vote.named')),
      vote.body && h('p', null, vote.body),
      h('p', { dataset: { testid: 'vote-rule' } }, t(`vote.rule.${vote.rule}`), ' · ',
        t('vote.rule.explain', {
          p: th.participation, pi: t(th.participation_inclusive ? 'vote.incl' : 'vote.excl'),
          a: th.approval, ai: t(th.approval_inclusive ? 'vote.incl' : 'vote.excl'),
          by: t(th.by_area ? 'vote.by_both' : 'vote.by_heads'),
        })),
      vote.electorate && h('p', { dataset: { testid: 'vote-electorate' } },
        t('vote.electorate', { n: vote.electorate.owners, area: vote.electorate.area, voted: vote.voted })),
      manage(),
      castSection(),
      paperSection(),
      resultSection(vote),
      vote.status === 'closed' && h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, t('vote.print_notice')),
      electorTable(),
      checkSection(),
    ].filter(Boolean));
  }
  draw();
  return h('section', { dataset: { testid: 'vote' } },
    crumb(`#/communities/${cid}/votes`, t('votes.title'), 'vote-back'),
    h('h1', { dataset: { testid: 'vote-title' } }, vote.title), status, body);
}
