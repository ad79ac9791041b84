/*
 * One conversation (议事): GET /api/communities/{id}/conversations/{conv}.
 *
 * - One statement at a time (GET .../next): agree, disagree or pass, then
 *   the next one, with focus moved to it so a screen reader reads it.
 * - A form to write a statement (140 characters), and the caller's own
 *   statements with their moderation state and reason.
 * - For workers: the statements waiting for moderation (accept or reject,
 *   each with a reason, which the server audits) and closing.
 * - The opinion map (GET .../map): an SVG of the participants, each group
 *   with its own colour and shape (so it reads in black and white and for
 *   colour-blind eyes), the groups' representative statements beside it,
 *   and the statements the groups agree on. The map is decoration for
 *   screen readers: the same facts are in the lists next to it.
 */

import { h } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { FieldError } from './parts.js';
import { crumb, s, form, formCardOf, tn } from './rounds.js';
import { convStatusBadge } from './conversations.js';

const GROUP_LETTERS = 'ABCDEFGHIJ';
export const groupName = (i) => t('map.group', { g: GROUP_LETTERS[i] || String(i + 1) });
const VOTE_KEY = { 1: 'agree', '-1': 'disagree', 0: 'pass' };
const STATEMENT_MAX = 140;

export async function conversationView(ctx) {
  const [cid, vid] = ctx.params;
  const base = `/api/communities/${cid}/conversations/${vid}`;
  let conv;
  let next = null;
  let map = null;

  async function load() {
    conv = await get(base);
    [next, map] = await Promise.all([
      conv.status === 'open' ? get(`${base}/next`) : Promise.resolve(null),
      get(`${base}/map`),
    ]);
  }
  await load();

  const heading = h('h1', { dataset: { testid: 'conversation-title' } });
  const pageStatus = h('p', { class: 'ok', role: 'status', tabindex: -1, dataset: { testid: 'conversation-page-status' } });
  const voteBox = h('div');
  const body = h('div');

  function drawAll() {
    heading.textContent = conv.title;
    drawVote();
    body.replaceChildren(...[
      conv.status === 'open' && writeForm(),
      mine(),
      conv.can_moderate && moderation(),
      mapSection(map),
      allStatements(),
    ].filter(Boolean));
  }

  async function reloadAll() {
    await load();
    drawAll();
  }

  /* ---- one statement at a time --------------------------------------------- */

  function drawVote() {
    if (conv.status !== 'open') {
      voteBox.replaceChildren(h('p', { class: 'note', dataset: { testid: 'conversation-closed' } }, t('conv.closed_note')));
      return;
    }
    const st = next && next.statement;
    const err = h('p', { class: 'error', role: 'alert', dataset: { testid: 'vote-error' } });
    if (!st) {
      voteBox.replaceChildren(h('section', { class: 'vote-card done', dataset: { testid: 'vote-card' } },
        h('h2', null, t('vote.title')),
        h('p', { tabindex: -1, dataset: { testid: 'vote-done' } },
          (conv.statements || []).some((x) => x.status === 'accepted') ? t('vote.done') : t('vote.none'))));
      return;
    }
    const textId = `statement-${st.id}`;
    const buttons = [1, -1, 0].map((v) => h('button', {
      type: 'button',
      class: `vote-button vote-${VOTE_KEY[v]}`,
      'aria-describedby': textId,
      dataset: { testid: `vote-${VOTE_KEY[v]}` },
      onclick: () => cast(st, v, buttons, err),
    }, t(`vote.${VOTE_KEY[v]}`)));
    voteBox.replaceChildren(h('section', { class: 'vote-card', 'aria-labelledby': `vote-h-${vid}`, dataset: { testid: 'vote-card', statement: st.id } },
      h('h2', { id: `vote-h-${vid}` }, t('vote.title')),
      h('p', { class: 'muted' }, tn('vote.remaining', next.remaining)),
      h('blockquote', { id: textId, class: 'statement-text', tabindex: -1, dataset: { testid: 'vote-statement' } }, st.text),
      h('div', { class: 'vote-buttons' }, buttons),
      err));
  }

  async function cast(st, v, buttons, err) {
    for (const b of buttons) b.disabled = true;
    err.textContent = '';
    try {
      await request('PUT', `${base}/statements/${st.id}/vote`, { vote: v });
      await reloadAll();
      pageStatus.textContent = t('vote.saved', { vote: t(`vote.${VOTE_KEY[v]}`) });
      const focus = voteBox.querySelector('[data-testid="vote-statement"], [data-testid="vote-done"]');
      if (focus) focus.focus();
    } catch (e) {
      err.textContent = e.status === 409 ? t('conv.moved_on') : errorText(e);
      for (const b of buttons) b.disabled = false;
    }
  }

  /* ---- writing a statement --------------------------------------------------- */

  function writeForm() {
    const count = h('p', { class: 'hint char-count', 'aria-live': 'polite', dataset: { testid: 'statement-count' } });
    const f = form({
      testid: 'statement',
      submitLabel: t('statement.submit'),
      fields: [{
        name: 'text', label: t('statement.f.text'), type: 'textarea', required: true,
        maxlength: STATEMENT_MAX * 2, hint: t('statement.f.hint', { max: formatInt(STATEMENT_MAX) }),
      }],
      onChange: (v) => {
        const n = [...v.text].length;
        count.textContent = t('statement.count', { n: formatInt(n), max: formatInt(STATEMENT_MAX) });
        count.classList.toggle('over', n > STATEMENT_MAX);
      },
      action: async (v) => {
        const text = v.text.trim();
        if (!text) throw new FieldError('text', t('statement.empty'));
        if ([...text].length > STATEMENT_MAX) throw new FieldError('text', t('statement.too_long', { max: formatInt(STATEMENT_MAX) }));
        let r;
        try {
          r = await post(`${base}/statements`, { text });
        } catch (e) {
          if (e.status === 409) throw new FieldError('', t('conv.moved_on'));
          throw e;
        }
        await load();
        drawVote();
        const old = body.querySelector('[data-testid="my-statements"]');
        if (old) old.replaceWith(mine());
        else body.insertBefore(mine(), body.children[1] || null);
        return r.status === 'pending' ? t('statement.pending') : t('statement.accepted');
      },
    });
    /* The live count sits right under the text box. */
    const textarea = f.querySelector('textarea');
    textarea.closest('.field').append(count);
    count.textContent = t('statement.count', { n: 0, max: formatInt(STATEMENT_MAX) });
    return formCardOf(t('statement.title'), 'statement-card', f, false);
  }

  function mine() {
    const list = (conv.statements || []).filter((x) => x.mine);
    if (list.length === 0) return h('div', { dataset: { testid: 'my-statements' } });
    return h('section', { class: 'no-print', dataset: { testid: 'my-statements' } },
      h('h2', null, t('statement.mine', { n: formatInt(list.length) })),
      h('ul', { class: 'statement-list' }, list.map((x) => h('li', { class: 'statement-item', dataset: { testid: 'my-statement', status: x.status } },
        h('p', { class: 'statement-line' }, x.text),
        h('p', { class: 'statement-meta' },
          h('span', { class: `badge badge-st-${x.status}` }, t(`statement.status.${x.status}`)),
          x.reason && x.status !== 'accepted' && h('span', { class: 'muted' }, t('statement.reason', { reason: x.reason })))))));
  }

  /* ---- moderation ---------------------------------------------------------------- */

  function moderation() {
    const pending = (conv.statements || []).filter((x) => x.status === 'pending');
    const sec = h('section', { class: 'manage no-print', dataset: { testid: 'moderation' } },
      h('h2', null, t('mod.title')),
      h('p', { class: 'muted' }, t(`moderation.${conv.moderation}.plain`)));
    if (pending.length === 0) sec.append(h('p', { class: 'muted', dataset: { testid: 'mod-empty' } }, t('mod.none')));
    else {
      sec.append(h('ul', { class: 'statement-list' }, pending.map((x) => {
        const reasonId = `reason-${x.id}`;
        const err = h('p', { class: 'error', role: 'alert' });
        const reason = h('input', {
          id: reasonId, type: 'text', maxlength: 200, autocomplete: 'off',
          dataset: { testid: 'mod-reason' },
        });
        const act = async (status, btns) => {
          const why = reason.value.trim() || (status === 'accepted' ? t('mod.default_accept') : '');
          err.textContent = '';
          reason.removeAttribute('aria-invalid');
          if (!why) {
            err.textContent = t('mod.need_reason');
            reason.setAttribute('aria-invalid', 'true');
            reason.focus();
            return;
          }
          for (const b of btns) b.disabled = true;
          try {
            await request('PATCH', `${base}/statements/${x.id}`, { status, reason: why });
            await reloadAll();
            pageStatus.textContent = t(`mod.done.${status}`, { text: x.text });
            pageStatus.focus();
          } catch (e) {
            err.textContent = errorText(e);
            for (const b of btns) b.disabled = false;
          }
        };
        const accept = h('button', { type: 'button', class: 'primary', dataset: { testid: 'mod-accept' } }, t('mod.accept'));
        const reject = h('button', { type: 'button', class: 'secondary', dataset: { testid: 'mod-reject' } }, t('mod.reject'));
        accept.addEventListener('click', () => act('accepted', [accept, reject]));
        reject.addEventListener('click', () => act('rejected', [accept, reject]));
        return h('li', { class: 'statement-item', dataset: { testid: 'pending-statement', statement: x.id } },
          h('p', { class: 'statement-line' }, x.text),
          h('div', { class: 'field' },
            h('label', { for: reasonId }, t('mod.reason')),
            reason,
            h('p', { class: 'hint' }, t('mod.reason_hint'))),
          h('div', { class: 'buttons' }, accept, reject),
          err);
      })));
    }
    if (conv.status === 'open') sec.append(closeControl());
    return sec;
  }

  function closeControl() {
    const box = h('div', { class: 'confirm-row', hidden: true });
    const err = h('p', { class: 'error', role: 'alert' });
    const go = h('button', { type: 'button', class: 'secondary', dataset: { testid: 'conv-close' } }, t('conv.close'));
    const yes = h('button', { type: 'button', class: 'primary', dataset: { testid: 'conv-close-confirm' } }, t('conv.close.yes'));
    const no = h('button', { type: 'button', class: 'secondary' }, t('manage.cancel'));
    go.addEventListener('click', () => { box.hidden = false; go.hidden = true; yes.focus(); });
    no.addEventListener('click', () => { box.hidden = true; go.hidden = false; go.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await request('PATCH', base, { status: 'closed' });
        await reloadAll();
        pageStatus.textContent = t('conv.close.done');
        pageStatus.focus();
      } catch (e) {
        err.textContent = e.status === 409 ? t('conv.moved_on') : errorText(e);
        yes.disabled = false;
      }
    });
    box.append(h('p', null, t('conv.close.confirm')), h('div', { class: 'buttons' }, yes, no));
    return h('div', { class: 'conv-close' }, h('h3', null, t('conv.close.title')), go, box, err);
  }

  /* ---- every accepted statement, with its counts ----------------------------------- */

  function allStatements() {
    const list = (conv.statements || []).filter((x) => x.status === 'accepted');
    return h('details', { class: 'explain all-statements', dataset: { testid: 'all-statements' } },
      h('summary', null, t('statements.all', { n: formatInt(list.length) })),
      list.length === 0
        ? h('p', { class: 'muted' }, t('statements.none'))
        : h('ul', { class: 'statement-list' }, list.map((x) => h('li', { class: 'statement-item' },
          h('p', { class: 'statement-line' }, x.text),
          opinionBar(x.agree, x.disagree, x.pass),
          x.my_vote !== null && x.my_vote !== undefined &&
            h('p', { class: 'muted' }, t('statements.my_vote', { vote: t(`vote.${VOTE_KEY[x.my_vote]}`) }))))));
  }

  drawAll();
  return h('section', { class: 'conversation-page', dataset: { testid: 'conversation-page', status: conv.status } },
    crumb(`#/communities/${cid}/conversations`, t('conv.back'), 'back-to-conversations'),
    h('p', { class: 'print-only notice-kind' }, t('map.print_head')),
    heading,
    h('p', { class: 'round-head' }, convStatusBadge(conv.status), ' ',
      h('span', { class: 'muted' }, t(`moderation.${conv.moderation}.name`))),
    conv.description && h('p', { class: 'round-description' }, conv.description),
    h('div', { class: 'rule-box no-print' }, h('h2', null, t('conv.how')), h('p', null, t('conv.how.plain'))),
    pageStatus,
    voteBox,
    body);
}

/* agree / disagree / pass as one bar and as words. */
function opinionBar(agree, disagree, pass) {
  const total = (agree || 0) + (disagree || 0) + (pass || 0);
  const W = 1000;
  const wa = total ? Math.round((agree * W) / total) : 0;
  const wd = total ? Math.round((disagree * W) / total) : 0;
  return h('div', { class: 'opinion' },
    s('svg', { viewBox: `0 0 ${W} 10`, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
      s('rect', { x: 0, y: 0, width: W, height: 10, class: 'op-pass' }),
      s('rect', { x: 0, y: 0, width: wa, height: 10, class: 'op-agree' }),
      s('rect', { x: wa, y: 0, width: wd, height: 10, class: 'op-disagree' })),
    h('span', { class: 'opinion-text' }, t('statements.counts', {
      agree: formatInt(agree || 0), disagree: formatInt(disagree || 0), pass: formatInt(pass || 0),
    })));
}

/* Which way most people lean on a consensus statement: the server's
   direction where it gives one, else the larger count. */
function consensusDir(c) {
  if (c.direction === 'agree' || c.direction === 'disagree') return c.direction;
  if (c.agree === c.disagree) return '';
  return c.agree > c.disagree ? 'agree' : 'disagree';
}

/* ---- the opinion map ---------------------------------------------------------------- */

const SIZE = 300;
const PAD = 18;

/* A marker per group: circle, square, triangle, diamond, pentagon; the
   ungrouped are small hollow circles. */
function marker(x, y, group, r, cls) {
  if (group === null || group === undefined) return s('circle', { cx: x, cy: y, r: r * 0.7, class: `pt pt-none ${cls}` });
  const g = group % 5;
  const c = `pt g-${g} ${cls}`;
  const poly = (pts) => s('polygon', { points: pts.map(([a, b]) => `${(x + a * r).toFixed(1)},${(y + b * r).toFixed(1)}`).join(' '), class: c });
  switch (g) {
    case 0: return s('circle', { cx: x, cy: y, r, class: c });
    case 1: return s('rect', { x: x - r * 0.9, y: y - r * 0.9, width: r * 1.8, height: r * 1.8, class: c });
    case 2: return poly([[0, -1.2], [1.1, 0.8], [-1.1, 0.8]]);
    case 3: return poly([[0, -1.25], [1.25, 0], [0, 1.25], [-1.25, 0]]);
    default: return poly([[0, -1.2], [1.14, -0.37], [0.7, 1], [-0.7, 1], [-1.14, -0.37]]);
  }
}

/* A small swatch with the group's marker, for the group cards. */
function swatch(group) {
  return s('svg', { viewBox: '0 0 20 20', width: 20, height: 20, class: 'swatch', 'aria-hidden': 'true', focusable: 'false' },
    marker(10, 10, group, 7, ''));
}

function mapSection(map) {
  const sec = h('section', { class: 'opinion-map', dataset: { testid: 'opinion-map' } },
    h('h2', null, t('map.title')));
  if (!map || !map.k || !(map.points || []).length) {
    sec.append(h('p', { class: 'muted', dataset: { testid: 'map-empty' } }, t('map.empty')));
    return sec;
  }
  const pts = map.points;
  const xs = pts.map((p) => Number(p.x));
  const ys = pts.map((p) => Number(p.y));
  const span = (a) => Math.max(...a) - Math.min(...a) || 1;
  const scale = (SIZE - 2 * PAD) / Math.max(span(xs), span(ys));
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const X = (v) => SIZE / 2 + (Number(v) - cx) * scale;
  const Y = (v) => SIZE / 2 - (Number(v) - cy) * scale;
  const me = pts.find((p) => p.me);
  const groups = map.groups || [];

  const summary = t('map.summary', {
    participants: formatInt(map.participants), clustered: formatInt(map.clustered), k: formatInt(map.k),
  });
  const svg = s('svg', {
    viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'map-svg', role: 'img', 'aria-labelledby': 'map-summary', focusable: 'false',
  },
  s('rect', { x: 0, y: 0, width: SIZE, height: SIZE, class: 'map-bg' }),
  s('line', { x1: SIZE / 2, y1: PAD / 2, x2: SIZE / 2, y2: SIZE - PAD / 2, class: 'map-axis' }),
  s('line', { x1: PAD / 2, y1: SIZE / 2, x2: SIZE - PAD / 2, y2: SIZE / 2, class: 'map-axis' }),
  pts.filter((p) => !p.me).map((p) => marker(X(p.x), Y(p.y), p.group, 5, '')),
  me && [
    s('circle', { cx: X(me.x), cy: Y(me.y), r: 11, class: 'pt-me-ring' }),
    marker(X(me.x), Y(me.y), me.group, 6, 'pt-me'),
    /* The label goes on the side with room. */
    X(me.x) > SIZE / 2
      ? s('text', { x: X(me.x) - 14, y: Y(me.y) + 4, 'text-anchor': 'end', class: 'pt-me-label', text: t('map.me') })
      : s('text', { x: X(me.x) + 14, y: Y(me.y) + 4, class: 'pt-me-label', text: t('map.me') }),
  ]);

  const cards = groups.map((g, i) => h('li', { class: `group-card g-border-${i % 5}`, dataset: { testid: 'map-group', group: i } },
    h('h3', null, swatch(i), ' ', groupName(i), h('span', { class: 'muted' }, ` · ${tn('map.people', g.size)}`),
      me && me.group === i && h('span', { class: 'you-tag' }, t('map.you_here'))),
    (g.representative || []).length === 0
      ? h('p', { class: 'muted' }, t('map.no_rep'))
      : h('ul', { class: 'rep-list' }, g.representative.map((r) => h('li', { dataset: { testid: 'map-rep' } },
        h('span', { class: `dir dir-${r.direction}` }, t(`map.dir.${r.direction}`)),
        h('span', { class: 'rep-text' }, r.text),
        h('span', { class: 'muted rep-counts' }, t('map.rep_counts', {
          agree: formatInt(r.agree), disagree: formatInt(r.disagree), votes: formatInt(r.votes),
        })))))));

  sec.append(
    h('p', { id: 'map-summary', dataset: { testid: 'map-summary' } }, summary,
      me && me.group !== null && me.group !== undefined ? t('map.you_in', { g: GROUP_LETTERS[me.group] || String(me.group + 1) }) : '',
      me && (me.group === null || me.group === undefined) ? t('map.you_unplaced') : ''),
    h('div', { class: 'map-layout' },
      h('figure', { class: 'map-figure' }, svg,
        h('figcaption', { class: 'hint' }, t('map.caption'))),
      h('ul', { class: 'group-cards', dataset: { testid: 'map-groups' } }, cards)));

  const consensus = map.consensus || [];
  sec.append(h('h3', null, t('map.consensus')),
    consensus.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'map-no-consensus' } }, t('map.no_consensus'))
      : h('ul', { class: 'statement-list', dataset: { testid: 'map-consensus' } }, consensus.map((c) =>
        h('li', { class: 'statement-item consensus' },
          consensusDir(c) && h('span', { class: `dir dir-${consensusDir(c)}` }, t(`map.dir.${consensusDir(c)}`)),
          h('p', { class: 'statement-line' }, c.text),
          opinionBar(c.agree, c.disagree, (c.votes || 0) - (c.agree || 0) - (c.disagree || 0))))));

  /* Only statements with people on both sides: the server's list can hold
     a one-sided statement whose groups merely agree by different margins. */
  const divisive = (map.divisive || []).filter((c) => c.agree > 0 && c.disagree > 0);
  if (divisive.length > 0) {
    sec.append(h('h3', null, t('map.divisive')),
      h('ul', { class: 'statement-list', dataset: { testid: 'map-divisive' } }, divisive.map((c) =>
        h('li', { class: 'statement-item' },
          h('p', { class: 'statement-line' }, c.text),
          opinionBar(c.agree, c.disagree, (c.votes || 0) - (c.agree || 0) - (c.disagree || 0))))));
  }
  sec.append(h('p', { class: 'no-print' },
    h('button', { type: 'button', class: 'secondary', dataset: { testid: 'print-map' }, onclick: () => window.print() }, t('map.print'))));
  return sec;
}
