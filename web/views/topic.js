/*
 * One topic (议题): GET /api/communities/{id}/topics/{topic}.
 *
 * Top to bottom, the way a resident reads it: what is asked and where, the
 * stage it is in (as steps) and the timeline of every move with its note,
 * the support (附议) button, the discussion as a thread (replies up to 3
 * deep, the author's edit within 15 minutes, hidden comments shown as
 * "已隐藏：reason"), the decision, who does what by when with progress (late
 * items flagged), and the meetings with their minutes. Workers get the
 * controls in place: move the stage with a note, hide with a reason,
 * record the decision, add items, hold a meeting from a template, write and
 * publish minutes. Every change reloads the topic from the server and
 * redraws, so what is shown is what is stored.
 *
 * Printing: the page prints as a record of the topic; a meeting's "print
 * minutes" prints only that meeting as 会议纪要 with signature lines (the
 * body gets a class for the print rules in style.css, removed afterwards).
 */

import { h } from '../dom.js';
import { t, lang, formatInt } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { FieldError } from './parts.js';
import { crumb, form, formCardOf } from './rounds.js';
import { stageBadge, categoryName, scopeText } from './topics.js';
import { dateOf } from './conversations.js';

const FLOW = ['proposal', 'discussion', 'decision', 'follow_up', 'closed'];
const NEXT = {
  proposal: ['discussion', 'rejected'],
  discussion: ['decision', 'rejected'],
  decision: ['follow_up', 'closed'],
  follow_up: ['closed'],
};
const DEPTH_MAX = 3;
const COMMENT_MAX = 1000;
const DECIDED_BY = ['meeting', 'owner_vote', 'committee', 'consensus'];
const ACTION_STATUSES = ['open', 'in_progress', 'done', 'dropped'];

const timeOf = (s) => (s ? new Date(Number(s) * 1000).toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short' }) : '');
const bi = (o) => (lang() === 'zh-CN' ? o.zh : o.en);
const open = (stage) => stage !== 'closed' && stage !== 'rejected';

export async function topicView(ctx) {
  const [cid, tid] = ctx.params;
  const base = `/api/communities/${cid}/topics/${tid}`;
  const [first, settings] = await Promise.all([get(base), get(`/api/communities/${cid}/topic-settings`)]);
  let tp = first;

  const pageStatus = h('p', { class: 'ok', role: 'status', tabindex: -1, dataset: { testid: 'topic-page-status' } });
  const body = h('div');

  async function reload(message) {
    tp = await get(base);
    draw();
    if (message) {
      pageStatus.textContent = message;
      pageStatus.focus();
    }
  }

  function draw() {
    body.replaceChildren(...[
      head(),
      steps(),
      supportBox(),
      tp.can_manage && NEXT[tp.stage] && moveControl(),
      timeline(),
      discussion(),
      decision(),
      actions(),
      meetings(),
      h('p', { class: 'no-print' },
        h('button', { type: 'button', class: 'secondary', dataset: { testid: 'topic-print' }, onclick: () => window.print() }, t('topic.print'))),
    ].filter(Boolean));
  }

  /* ---- what is asked -------------------------------------------------------- */

  function head() {
    return h('div', { class: 'topic-head' },
      h('p', { class: 'print-only notice-kind' }, t('topic.print_head')),
      h('h1', { dataset: { testid: 'topic-title' } }, tp.title),
      h('p', { class: 'round-meta' }, stageBadge(tp.stage), ' ',
        h('span', { class: 'badge badge-category' }, categoryName(settings, tp.category)), ' ',
        h('span', { class: 'muted', dataset: { testid: 'topic-scope' } }, scopeText(tp.scope))),
      h('p', { class: 'muted' }, t('topics.card_meta', { who: tp.raiser_name, date: dateOf(tp.created_at) }),
        tp.raiser_kind === 'worker' && h('span', { class: 'badge badge-category' }, ` ${t('topic.raiser.worker')}`)),
      h('div', { class: 'topic-body', dataset: { testid: 'topic-body' } }, tp.body.split('\n').map((line) => h('p', null, line))));
  }

  function steps() {
    const at = FLOW.indexOf(tp.stage);
    return h('ol', { class: 'steps topic-steps', 'aria-label': t('topic.stages') },
      FLOW.map((s, i) => h('li', {
        class: i < at ? 'done' : i === at ? 'current' : '',
        'aria-current': i === at ? 'step' : false,
      }, t(`topic.stage.${s}`))),
      tp.stage === 'rejected' && h('li', { class: 'current', 'aria-current': 'step' }, t('topic.stage.rejected')));
  }

  /* ---- 附议 ------------------------------------------------------------------- */

  function supportBox() {
    const err = h('p', { class: 'error', role: 'alert' });
    const can = tp.stage === 'proposal' || tp.stage === 'discussion';
    const count = h('p', { dataset: { testid: 'topic-support' } },
      t('topic.support_count', { n: formatInt(tp.support) }),
      tp.stage === 'proposal' && h('span', { class: 'muted' }, ` ${t('topic.support_needed', { n: formatInt(tp.support_threshold) })}`));
    const btn = can && !tp.supported && h('button', {
      type: 'button', class: 'primary', dataset: { testid: 'topic-support-button' },
      onclick: async () => {
        btn.disabled = true;
        try {
          const r = await request('PUT', `${base}/support`);
          await reload(r.stage !== tp.stage ? t('topic.supported_moved') : t('topic.supported'));
        } catch (e) {
          err.textContent = errorText(e);
          btn.disabled = false;
        }
      },
    }, t('topic.support_button'));
    return h('section', { class: 'support-box', dataset: { testid: 'topic-support-box' } },
      h('h2', null, t('topic.support')),
      count,
      tp.supported && h('p', { class: 'ok', dataset: { testid: 'topic-supported' } }, t('topic.you_supported')),
      btn, err);
  }

  /* ---- stages ----------------------------------------------------------------- */

  function moveControl() {
    const f = form({
      testid: 'topic-move',
      submitLabel: t('topic.move.submit'),
      fields: [
        { name: 'stage', label: t('topic.move.to'), type: 'select', required: true, reset: false,
          options: NEXT[tp.stage].map((s) => [s, t(`topic.stage.${s}`)]) },
        { name: 'note', label: t('topic.move.note'), type: 'textarea', required: true, maxlength: 500, hint: t('topic.move.note_hint') },
      ],
      action: async (v) => {
        const note = v.note.trim();
        if (!note) throw new FieldError('note', t('topic.move.need_note'));
        await request('PATCH', base, { stage: v.stage, note });
        await reload(t('topic.moved', { stage: t(`topic.stage.${v.stage}`) }));
        return '';
      },
    });
    return h('section', { class: 'manage no-print', dataset: { testid: 'topic-manage' } },
      h('h2', null, t('topic.move')), f);
  }

  function timeline() {
    return h('section', { class: 'topic-timeline' },
      h('h2', null, t('topic.timeline')),
      h('ol', { class: 'timeline', dataset: { testid: 'topic-timeline' } }, (tp.timeline || []).map((ev) =>
        h('li', { dataset: { testid: 'timeline-event', to: ev.to } },
          h('p', null, h('strong', null, ev.from ? `${t(`topic.stage.${ev.from}`)} → ${t(`topic.stage.${ev.to}`)}` : t('topic.raised_event')),
            ' ', h('span', { class: 'muted' }, `${timeOf(ev.at)} · ${ev.actor_id ? ev.actor : t('topic.system')}`)),
          h('p', { class: 'event-note' }, ev.note)))));
  }

  /* ---- discussion --------------------------------------------------------------- */

  function discussion() {
    const list = tp.comments || [];
    const kids = new Map();
    for (const c of list) {
      const k = c.parent_id || 0;
      if (!kids.has(k)) kids.set(k, []);
      kids.get(k).push(c);
    }
    const tree = (parent) => {
      const cs = kids.get(parent) || [];
      if (cs.length === 0) return null;
      return h('ul', { class: 'comment-thread' }, cs.map((c) => h('li', null, comment(c), tree(c.id))));
    };
    return h('section', { class: 'discussion', dataset: { testid: 'topic-discussion' } },
      h('h2', null, t('topic.discussion', { n: formatInt(list.length) })),
      list.length === 0 && h('p', { class: 'muted' }, t('topic.no_comments')),
      tree(0),
      open(tp.stage)
        ? commentForm(0, t('topic.comment.new'), 'new-comment')
        : h('p', { class: 'note' }, t('topic.comment.closed')));
  }

  function commentForm(parentId, title, testid) {
    const f = form({
      testid,
      submitLabel: t('topic.comment.submit'),
      fields: [{ name: 'body', label: t('topic.comment.body'), type: 'textarea', required: true, maxlength: COMMENT_MAX * 2,
        hint: t('topic.comment.hint', { max: formatInt(COMMENT_MAX) }) }],
      action: async (v) => {
        const text = v.body.trim();
        if (!text) throw new FieldError('body', t('topic.comment.empty'));
        if ([...text].length > COMMENT_MAX) throw new FieldError('body', t('topics.err.too_long', { max: COMMENT_MAX }));
        const req = { body: text };
        if (parentId) req.parent_id = parentId;
        await post(`${base}/comments`, req);
        await reload(t('topic.comment.done'));
        return '';
      },
    });
    return parentId ? f : formCardOf(title, `${testid}-card`, f, true);
  }

  function comment(c) {
    const box = h('div', { class: `comment${c.hidden ? ' comment-hidden' : ''}`, dataset: { testid: 'comment', comment: c.id, depth: c.depth } });
    const meta = h('p', { class: 'comment-meta muted' }, `${c.author} · ${timeOf(c.created_at)}`,
      c.edited_at ? ` · ${t('topic.comment.edited')}` : '');
    box.append(meta);
    if (c.hidden) {
      box.append(h('p', { class: 'hidden-note', dataset: { testid: 'comment-hidden' } }, t('topic.comment.hidden', { reason: c.reason })));
      if (c.body !== undefined) box.append(h('p', { class: 'comment-body muted' }, c.body), h('p', { class: 'hint' }, t('topic.comment.hidden_you')));
    } else {
      box.append(h('p', { class: 'comment-body', dataset: { testid: 'comment-body' } }, c.body));
    }
    const tools = h('div', { class: 'comment-tools no-print' });
    const slot = h('div');
    if (open(tp.stage) && c.depth < DEPTH_MAX && !c.hidden) {
      tools.append(h('button', { type: 'button', class: 'topic-tool', dataset: { testid: 'comment-reply' },
        onclick: () => {
          if (slot.firstChild) { slot.replaceChildren(); return; }
          slot.replaceChildren(commentForm(c.id, '', 'reply'));
          const ta = slot.querySelector('textarea');
          if (ta) ta.focus();
        } }, t('topic.comment.reply')));
    }
    if (c.can_edit) {
      tools.append(h('button', { type: 'button', class: 'topic-tool', dataset: { testid: 'comment-edit' },
        onclick: () => {
          const f = form({
            testid: 'edit-comment', submitLabel: t('topic.comment.save'),
            fields: [{ name: 'body', label: t('topic.comment.body'), type: 'textarea', required: true, value: c.body, maxlength: COMMENT_MAX * 2 }],
            action: async (v) => {
              const text = v.body.trim();
              if (!text) throw new FieldError('body', t('topic.comment.empty'));
              await request('PATCH', `${base}/comments/${c.id}`, { body: text });
              await reload(t('topic.comment.saved'));
              return '';
            },
          });
          slot.replaceChildren(f);
        } }, t('topic.comment.edit')));
    }
    if (tp.can_manage) tools.append(hideControl(c, slot));
    box.append(tools, slot);
    return box;
  }

  function hideControl(c, slot) {
    if (c.hidden) {
      return h('button', { type: 'button', class: 'topic-tool', dataset: { testid: 'comment-show' },
        onclick: async () => {
          try {
            await request('PUT', `${base}/comments/${c.id}/hidden`, { hidden: false });
            await reload(t('topic.mod.shown'));
          } catch (e) {
            slot.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
          }
        } }, t('topic.mod.show'));
    }
    return h('button', { type: 'button', class: 'topic-tool', dataset: { testid: 'comment-hide' },
      onclick: () => {
        slot.replaceChildren(form({
          testid: 'hide-comment', submitLabel: t('topic.mod.hide'),
          fields: [{ name: 'reason', label: t('topic.mod.reason'), required: true, maxlength: 200, hint: t('topic.mod.reason_hint') }],
          action: async (v) => {
            const reason = v.reason.trim();
            if (!reason) throw new FieldError('reason', t('topic.mod.need_reason'));
            await request('PUT', `${base}/comments/${c.id}/hidden`, { hidden: true, reason });
            await reload(t('topic.mod.hidden'));
            return '';
          },
        }));
        const input = slot.querySelector('input');
        if (input) input.focus();
      } }, t('topic.mod.hide'));
  }

  /* ---- decision ------------------------------------------------------------------- */

  function decision() {
    const d = tp.decision;
    const sec = h('section', { class: 'topic-decision', dataset: { testid: 'topic-decision' } }, h('h2', null, t('topic.decision')));
    if (d) {
      sec.append(h('p', { class: 'decision-outcome', dataset: { testid: 'decision-outcome' } }, d.outcome),
        h('p', { class: 'muted' }, t('topic.decided_by', { how: t(`topic.decided_by.${d.decided_by}`), who: d.actor, date: dateOf(d.decided_at) }),
          d.vote_id ? ` · ${t('topic.vote_link', { id: d.vote_id })}` : ''));
    } else {
      sec.append(h('p', { class: 'muted' }, t('topic.no_decision')));
    }
    if (tp.can_manage && tp.stage === 'decision') {
      sec.append(formCardOf(d ? t('topic.decide.again') : t('topic.decide'), 'decide-card', form({
        testid: 'decide',
        submitLabel: t('topic.decide.submit'),
        fields: [
          { name: 'outcome', label: t('topic.decide.outcome'), type: 'textarea', required: true, maxlength: 2000, value: d ? d.outcome : '' },
          { name: 'decided_by', label: t('topic.decide.how'), type: 'select', required: true, reset: false,
            options: DECIDED_BY.map((x) => [x, t(`topic.decided_by.${x}`)]) },
          { name: 'vote_id', label: t('topic.decide.vote_id'), inputmode: 'numeric', hint: t('topic.decide.vote_hint'),
            showIf: (v) => v.decided_by === 'owner_vote' },
        ],
        action: async (v) => {
          const outcome = v.outcome.trim();
          if (!outcome) throw new FieldError('outcome', t('topic.decide.need_outcome'));
          const req = { outcome, decided_by: v.decided_by };
          if (v.decided_by === 'owner_vote' && v.vote_id.trim()) {
            if (!/^[1-9]\d*$/.test(v.vote_id.trim())) throw new FieldError('vote_id', t('topic.decide.bad_vote'));
            req.vote_id = Number(v.vote_id.trim());
          }
          await request('PUT', `${base}/decision`, req);
          await reload(t('topic.decide.done'));
          return '';
        },
      }), !d));
    }
    return sec;
  }

  /* ---- accountability --------------------------------------------------------------- */

  function actions() {
    const list = tp.actions || [];
    const active = tp.stage === 'decision' || tp.stage === 'follow_up';
    const sec = h('section', { class: 'topic-actions', dataset: { testid: 'topic-actions' } },
      h('h2', null, t('topic.actions')),
      tp.overdue > 0 && h('p', { class: 'error', dataset: { testid: 'topic-overdue' } }, t('topic.overdue_count', { n: formatInt(tp.overdue) })));
    if (list.length === 0) sec.append(h('p', { class: 'muted' }, t('topic.no_actions')));
    else {
      sec.append(h('ul', { class: 'action-list' }, list.map((a) => h('li', {
        class: `action-item${a.overdue ? ' overdue' : ''}`, dataset: { testid: 'action', action: a.id, overdue: String(a.overdue) },
      },
      h('p', { class: 'action-task' }, h('strong', null, a.task)),
      h('p', null, t('topic.action.who_when', { who: a.owner_name, due: a.due }), ' ',
        h('span', { class: `badge badge-action-${a.status}` }, t(`topic.action.status.${a.status}`)),
        a.overdue && h('span', { class: 'badge badge-overdue', dataset: { testid: 'action-overdue' } }, t('topic.action.overdue'))),
      h('p', { class: 'action-progress' },
        h('progress', { max: 100, value: a.percent, 'aria-label': t('topic.action.percent') }),
        ` ${formatInt(a.percent)}%`),
      (a.progress || []).length > 0 && h('ul', { class: 'progress-log' }, a.progress.map((p) => h('li', null,
        h('span', { class: 'muted' }, `${timeOf(p.at)} · ${p.actor}`), ' ', p.text,
        p.percent !== null && p.percent !== undefined ? ` (${formatInt(p.percent)}%)` : '',
        p.status ? ` · ${t(`topic.action.status.${p.status}`)}` : ''))),
      active && (tp.can_manage || (a.owner_user_id && ctx.user && Number(a.owner_user_id) === Number(ctx.user.id))) && progressForm(a)))));
    }
    if (tp.can_manage && active) {
      sec.append(formCardOf(t('topic.action.add'), 'add-action-card', form({
        testid: 'add-action',
        submitLabel: t('topic.action.add_submit'),
        fields: [
          { name: 'task', label: t('topic.action.task'), required: true, maxlength: 200 },
          { name: 'owner_name', label: t('topic.action.owner'), required: true, maxlength: 100, hint: t('topic.action.owner_hint') },
          { name: 'due', label: t('topic.action.due'), required: true, maxlength: 10, hint: t('topic.date_hint') },
        ],
        action: async (v) => {
          const task = v.task.trim();
          const owner = v.owner_name.trim();
          if (!task) throw new FieldError('task', t('topic.action.need_task'));
          if (!owner) throw new FieldError('owner_name', t('topic.action.need_owner'));
          if (!/^\d{4}-\d{2}-\d{2}$/.test(v.due.trim())) throw new FieldError('due', t('topic.bad_date'));
          await post(`${base}/actions`, { task, owner_name: owner, due: v.due.trim() });
          await reload(t('topic.action.added'));
          return '';
        },
      }), list.length === 0));
    }
    return sec;
  }

  function progressForm(a) {
    return formCardOf(t('topic.progress.add'), 'progress-card', form({
      testid: 'progress',
      submitLabel: t('topic.progress.submit'),
      fields: [
        { name: 'text', label: t('topic.progress.text'), type: 'textarea', required: true, maxlength: 1000 },
        { name: 'percent', label: t('topic.action.percent'), inputmode: 'numeric', maxlength: 3 },
        { name: 'status', label: t('topic.progress.status'), type: 'select', reset: false, value: a.status,
          options: ACTION_STATUSES.map((s) => [s, t(`topic.action.status.${s}`)]) },
      ],
      action: async (v) => {
        const text = v.text.trim();
        if (!text) throw new FieldError('text', t('topic.progress.need_text'));
        const req = { text };
        if (v.percent.trim()) {
          const n = Number(v.percent.trim());
          if (!/^\d{1,3}$/.test(v.percent.trim()) || n > 100) throw new FieldError('percent', t('topic.progress.bad_percent'));
          req.percent = n;
        }
        if (v.status !== a.status) req.status = v.status;
        await post(`${base}/actions/${a.id}/progress`, req);
        await reload(t('topic.progress.done'));
        return '';
      },
    }), false);
  }

  /* ---- meetings and minutes ------------------------------------------------------------ */

  function meetings() {
    const list = tp.meetings || [];
    const templates = settings.meeting_templates || [];
    const sec = h('section', { class: 'meetings-section', dataset: { testid: 'topic-meetings' } },
      h('h2', { class: 'no-print-minutes' }, t('topic.meetings')));
    if (list.length === 0) sec.append(h('p', { class: 'muted' }, t('topic.no_meetings')));
    for (const m of list) sec.append(meeting(m, templates.find((x) => x.kind === m.kind)));
    if (tp.can_manage && open(tp.stage)) {
      sec.append(formCardOf(t('topic.meeting.add'), 'add-meeting-card', form({
        testid: 'add-meeting',
        submitLabel: t('topic.meeting.add_submit'),
        fields: [
          { name: 'kind', label: t('topic.meeting.kind'), type: 'select', required: true, reset: false,
            options: templates.map((x) => [x.kind, `${bi(x)} — ${lang() === 'zh-CN' ? x.purpose_zh : x.purpose_en}`]) },
          { name: 'date', label: t('topic.meeting.date'), required: true, maxlength: 10, hint: t('topic.date_hint') },
          { name: 'time', label: t('topic.meeting.time'), maxlength: 5, hint: t('topic.time_hint') },
          { name: 'place', label: t('topic.meeting.place'), required: true, maxlength: 100 },
          { name: 'chair', label: t('topic.meeting.chair'), maxlength: 100 },
          { name: 'recorder', label: t('topic.meeting.recorder'), maxlength: 100 },
          { name: 'participants', label: t('topic.meeting.participants'), type: 'textarea', maxlength: 2000, hint: t('topic.meeting.participants_hint') },
          { name: 'attendees', label: t('topic.meeting.attendees'), inputmode: 'numeric', maxlength: 6 },
        ],
        action: async (v) => {
          const req = { kind: v.kind, date: v.date.trim(), place: v.place.trim() };
          if (!/^\d{4}-\d{2}-\d{2}$/.test(req.date)) throw new FieldError('date', t('topic.bad_date'));
          if (!req.place) throw new FieldError('place', t('topic.meeting.need_place'));
          if (v.time.trim()) {
            if (!/^\d{2}:\d{2}$/.test(v.time.trim())) throw new FieldError('time', t('topic.bad_time'));
            req.time = v.time.trim();
          }
          for (const k of ['chair', 'recorder', 'participants']) if (v[k].trim()) req[k] = v[k].trim();
          if (v.attendees.trim()) {
            if (!/^\d{1,6}$/.test(v.attendees.trim())) throw new FieldError('attendees', t('topic.meeting.bad_attendees'));
            req.attendees = Number(v.attendees.trim());
          }
          await post(`${base}/meetings`, req);
          await reload(t('topic.meeting.added'));
          return '';
        },
      }), false));
    }
    return sec;
  }

  function meeting(m, tpl) {
    const el = h('article', { class: 'meeting card', dataset: { testid: 'meeting', meeting: m.id, status: m.status } });
    const people = (m.participants || '').split('\n').map((x) => x.trim()).filter(Boolean);
    el.append(
      h('p', { class: 'print-only notice-kind' }, t('topic.minutes.print_head')),
      h('h3', null, `${bi(m)} · ${tp.title}`),
      h('p', null, h('span', { class: `badge badge-meeting-${m.status}` }, t(`topic.meeting.status.${m.status}`))),
      h('dl', { class: 'meeting-facts' },
        h('dt', null, t('topic.meeting.when')), h('dd', null, `${m.date}${m.time ? ` ${m.time}` : ''}`),
        h('dt', null, t('topic.meeting.place')), h('dd', null, m.place),
        m.chair && [h('dt', null, t('topic.meeting.chair')), h('dd', null, m.chair)],
        m.recorder && [h('dt', null, t('topic.meeting.recorder')), h('dd', null, m.recorder)],
        h('dt', null, t('topic.meeting.attendees')), h('dd', null, formatInt(m.attendees)),
        people.length > 0 && [h('dt', null, t('topic.meeting.participants')), h('dd', null, people.join('、'))]),
      (m.roles || []).length > 0 && h('p', { class: 'muted no-print' }, t('topic.meeting.roles', { roles: m.roles.map(bi).join(lang() === 'zh-CN' ? '、' : ', ') })));
    if (!m.items) {
      el.append(h('p', { class: 'muted', dataset: { testid: 'minutes-pending' } }, t('topic.minutes.not_yet')));
      return el;
    }
    const editable = tp.can_manage && m.status === 'draft';
    el.append(h('h4', null, t('topic.minutes')),
      h('ol', { class: 'minutes', dataset: { testid: 'minutes' } }, m.items.map((it) => h('li', { dataset: { testid: 'minutes-item' } },
        h('h5', null, bi(it)),
        editable ? minutesEditor(m, it) : h('p', { class: 'minutes-text' }, it.minutes || t('topic.minutes.empty'))))));
    el.append(h('div', { class: 'signatures print-only' },
      [t('topic.sign.chair'), t('topic.sign.recorder'), t('topic.sign.parties')].map((x) => h('p', null, `${x}：`, h('span', { class: 'sign-line' }))),
      h('p', null, `${t('topic.sign.date')}：`, h('span', { class: 'sign-line' }))));
    const tools = h('p', { class: 'no-print buttons' });
    if (editable) {
      const err = h('span', { class: 'error', role: 'alert' });
      const pub = h('button', { type: 'button', class: 'primary', dataset: { testid: 'minutes-publish' },
        onclick: async () => {
          pub.disabled = true;
          try {
            await request('PATCH', `${base}/meetings/${m.id}`, { status: 'published' });
            await reload(t('topic.minutes.published'));
          } catch (e) {
            err.textContent = errorText(e);
            pub.disabled = false;
          }
        } }, t('topic.minutes.publish'));
      tools.append(pub, err);
    }
    tools.append(h('button', { type: 'button', class: 'secondary', dataset: { testid: 'minutes-print' },
      onclick: () => printMinutes(el) }, t('topic.minutes.print')));
    el.append(tools);
    if (tpl && tp.can_manage) el.dataset.kind = tpl.kind;
    return el;
  }

  function minutesEditor(m, it) {
    const id = `minutes-${it.id}`;
    const ta = h('textarea', { id, rows: 3, maxlength: 5000, dataset: { testid: 'minutes-text' } });
    ta.value = it.minutes || '';
    const msg = h('span', { role: 'status', class: 'hint' });
    const save = h('button', { type: 'button', class: 'secondary', dataset: { testid: 'minutes-save' },
      onclick: async () => {
        save.disabled = true;
        msg.textContent = '';
        try {
          await request('PUT', `${base}/meetings/${m.id}/items/${it.id}`, { minutes: ta.value.trim() });
          it.minutes = ta.value.trim();
          msg.textContent = t('topic.minutes.saved');
        } catch (e) {
          msg.textContent = errorText(e);
        }
        save.disabled = false;
      } }, t('topic.minutes.save'));
    return h('div', { class: 'field' }, h('label', { for: id, class: 'visually-hidden' }, bi(it)), ta, h('p', null, save, ' ', msg));
  }

  draw();
  return h('section', { class: 'topic-page', dataset: { testid: 'topic-page' } },
    crumb(`#/communities/${cid}/topics`, t('topic.back'), 'back-to-topics'),
    pageStatus,
    body);
}

/* Prints one meeting's minutes: the body's class hides everything else
   (style.css), and is removed once the print dialog closes. */
function printMinutes(el) {
  document.body.classList.add('print-minutes');
  el.classList.add('print-this');
  const done = () => {
    document.body.classList.remove('print-minutes');
    el.classList.remove('print-this');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}
