/*
 * One survey (问卷): GET /api/communities/{id}/surveys/{survey}.
 *
 * Members answer while it is open (and may change their answer until it
 * closes); workers open and close it, export the results as CSV and hide a
 * text answer with a reason. The results are drawn as plain SVG bars built
 * with the DOM (a <rect width> is an attribute, so the CSP's ban on inline
 * styles holds) and print on A4 as a result sheet.
 *
 * Anonymous surveys: the first answer's change token is kept in this
 * browser's localStorage; without it an answer cannot be changed (the
 * server cannot tell whose answer is whose).
 */

import { h, uid } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, request, errorText } from '../api.js';
import { crumb, s } from './rounds.js';
import { surveyBadge } from './surveys.js';

const tokenKey = (id) => `linli.survey.${id}.token`;

export async function surveyView(ctx) {
  const [cid, sid] = ctx.params;
  const base = `/api/communities/${cid}/surveys/${sid}`;
  const data = await get(base);
  const section = h('section', { class: 'survey-page', dataset: { testid: 'survey-page' } });

  async function redraw() {
    const d = await get(base);
    section.replaceChildren(...(await parts(d)));
  }

  async function parts(d) {
    const out = [
      crumb(`#/communities/${cid}/surveys`, t('surveys.title'), 'survey-back'),
      h('h1', null, d.title),
      h('p', null, surveyBadge(d.status), ' ', d.anonymous && h('span', { class: 'badge', dataset: { testid: 'survey-anonymous' } }, t('survey.anonymous'))),
      d.intro && h('p', { class: 'survey-intro' }, d.intro),
    ];
    if (d.can_manage) out.push(manage(d));
    if (d.status === 'open') out.push(answerForm(d));
    if (d.status === 'closed' || d.can_manage) {
      try {
        out.push(results(await get(`${base}/results`), d.can_manage));
      } catch (err) {
        out.push(h('p', { class: 'error', role: 'alert' }, errorText(err)));
      }
    }
    return out;
  }

  /* ---- workers: open, close, export ---- */
  function manage(d) {
    const msg = h('p', { class: 'error', role: 'alert' });
    const step = d.status === 'draft' ? 'open' : d.status === 'open' ? 'closed' : null;
    return h('section', { class: 'manage no-print', dataset: { testid: 'survey-manage' } },
      h('h2', null, t('rounds.manage')),
      step && h('button', {
        type: 'button', class: 'primary', dataset: { testid: `survey-${step}` },
        onclick: async () => {
          try {
            await request('PATCH', base, { status: step });
            await redraw();
          } catch (err) {
            msg.textContent = errorText(err);
          }
        },
      }, t(`survey.to.${step}`)),
      ' ',
      h('a', { href: `${base}/results.csv`, download: `survey-${sid}.csv`, class: 'button secondary', dataset: { testid: 'survey-csv' } }, t('survey.csv')),
      msg);
  }

  /* ---- answering ---- */
  function answerForm(d) {
    const token = d.anonymous ? localStorage.getItem(tokenKey(sid)) : null;
    if (d.anonymous && d.answered && !token) {
      return h('p', { class: 'muted', dataset: { testid: 'survey-answered-elsewhere' } }, t('survey.anon_no_token'));
    }
    const mine = new Map((d.my_answers || []).map((a) => [a.question, a]));
    let answered = d.answered;
    const readers = [];
    const blocks = d.questions.map((q, i) => {
      const prev = mine.get(q.id) || {};
      const name = uid(`q${q.id}`);
      const legend = h('legend', null, `${i + 1}. ${q.text}`, q.required && h('span', { class: 'required' }, ` *`));
      let body;
      if (q.kind === 'single' || q.kind === 'multiple') {
        const type = q.kind === 'single' ? 'radio' : 'checkbox';
        const chosen = new Set(prev.choices || []);
        const inputs = q.options.map((o) => h('input', { type, name, value: String(o.id), checked: chosen.has(o.id), dataset: { testid: 'answer-option' } }));
        body = h('div', { class: 'choices' }, q.options.map((o, k) => h('label', { class: 'choice' }, inputs[k], ' ', o.text)),
          q.kind === 'multiple' && h('p', { class: 'hint' }, t('survey.picks', { min: q.min_picks, max: q.max_picks })));
        readers.push(() => {
          const choices = inputs.filter((x) => x.checked).map((x) => Number(x.value));
          return choices.length ? { question: q.id, choices } : null;
        });
      } else if (q.kind === 'scale') {
        const inputs = [];
        for (let v = 1; v <= q.scale_max; v++) inputs.push(h('input', { type: 'radio', name, value: String(v), checked: prev.value === v, dataset: { testid: 'answer-scale' } }));
        body = h('div', { class: 'scale' },
          q.min_label && h('span', { class: 'muted' }, q.min_label),
          inputs.map((x, k) => h('label', { class: 'choice' }, x, ' ', String(k + 1))),
          q.max_label && h('span', { class: 'muted' }, q.max_label));
        readers.push(() => {
          const x = inputs.find((y) => y.checked);
          return x ? { question: q.id, value: Number(x.value) } : null;
        });
      } else {
        const ta = h('textarea', { rows: 3, maxlength: q.max_length, dataset: { testid: 'answer-text' } });
        ta.value = prev.text || '';
        body = ta;
        readers.push(() => (ta.value.trim() ? { question: q.id, text: ta.value.trim() } : null));
      }
      return h('fieldset', { class: 'survey-question', dataset: { testid: 'survey-question' } }, legend, body);
    });
    const error = h('p', { class: 'error', role: 'alert', dataset: { testid: 'answer-error' } });
    const status = h('p', { class: 'ok', role: 'status', dataset: { testid: 'answer-status' } });
    async function onsubmit(ev) {
      ev.preventDefault();
      error.textContent = '';
      status.textContent = '';
      const body = { answers: readers.map((r) => r()).filter(Boolean) };
      const tok = d.anonymous ? localStorage.getItem(tokenKey(sid)) : null;
      if (tok && answered) body.change_token = tok;
      try {
        const r = await request('PUT', `${base}/answer`, body);
        answered = true;
        if (r.change_token) localStorage.setItem(tokenKey(sid), r.change_token);
        status.textContent = t('survey.thanks');
      } catch (err) {
        const m = /^answers\[(\d+)\]/.exec(err.field || '');
        error.textContent = errorText(err) + (m ? ` (${t('survey.question')} ${body.answers[Number(m[1])] ? d.questions.findIndex((q) => q.id === body.answers[Number(m[1])].question) + 1 : ''})` : '');
      }
    }
    return h('form', { class: 'stack survey-answer no-print', novalidate: true, onsubmit, dataset: { testid: 'survey-answer' } },
      h('h2', null, d.answered ? t('survey.change') : t('survey.answer')),
      d.anonymous && h('p', { class: 'hint' }, t('survey.anon_hint')),
      blocks, error,
      h('button', { type: 'submit', class: 'primary', dataset: { testid: 'answer-submit' } }, t('survey.submit')),
      status);
  }

  /* ---- results ---- */
  function bar(count, total) {
    const W = 1000;
    const w = total > 0 ? Math.round((count * W) / total) : 0;
    return s('svg', { viewBox: `0 0 ${W} 10`, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
      s('rect', { x: 0, y: 0, width: W, height: 10, class: 'seg-rest' }),
      s('rect', { x: 0, y: 0, width: w, height: 10, class: 'seg-funded' }));
  }
  /* whole percent, integer arithmetic */
  const pct = (n, d) => (d > 0 ? `${Math.floor((n * 100 + Math.floor(d / 2)) / d)}%` : '0%');

  function row(label, count, total) {
    return h('li', { class: 'survey-bar', dataset: { testid: 'result-row' } },
      h('span', { class: 'survey-bar-label' }, label),
      h('div', { class: 'cost-bar' }, bar(count, total)),
      h('span', { class: 'cost-text', dataset: { testid: 'result-count' } }, `${formatInt(count)} · ${pct(count, total)}`));
  }

  function hideForm(a) {
    const reason = h('input', { type: 'text', maxlength: 200, 'aria-label': t('survey.hide_reason'), placeholder: t('survey.hide_reason') });
    const msg = h('span', { class: 'error', role: 'alert' });
    return h('form', {
      class: 'inline no-print', novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          await post(`${base}/answers/${a.id}/hide`, { reason: reason.value.trim() });
          await redraw();
        } catch (err) {
          msg.textContent = errorText(err);
        }
      },
    }, reason, h('button', { type: 'submit', class: 'secondary', dataset: { testid: 'hide-answer' } }, t('survey.hide')), msg);
  }

  function results(r, moderator) {
    return h('section', { class: 'survey-results', dataset: { testid: 'survey-results' } },
      h('h2', null, r.final ? t('survey.results') : t('survey.results_preview')),
      h('p', { class: 'print-only' }, t('survey.printed', { date: new Date().toLocaleDateString(document.documentElement.lang || 'zh-CN') })),
      h('p', { dataset: { testid: 'survey-respondents' } }, t('survey.respondents', { n: formatInt(r.respondents) })),
      r.questions.map((q, i) => {
        const head = h('h3', null, `${i + 1}. ${q.text}`);
        const sub = h('p', { class: 'muted' }, t('survey.answered_n', { n: formatInt(q.answered) }));
        let body = null;
        if (q.options) {
          body = h('ul', { class: 'survey-bars' }, q.options.map((o) => row(o.text, o.count, q.answered)));
        } else if (q.distribution) {
          body = [h('ul', { class: 'survey-bars' }, q.distribution.map((c, k) =>
            row(`${k + 1}${k === 0 && q.min_label ? ` ${q.min_label}` : ''}${k === q.distribution.length - 1 && q.max_label ? ` ${q.max_label}` : ''}`, c, q.answered))),
          q.mean && h('p', { dataset: { testid: 'survey-mean' } }, t('survey.mean', { mean: q.mean_decimal, exact: q.mean }))];
        } else if (q.texts) {
          body = [h('ul', { class: 'survey-texts' }, q.texts.map((a) => h('li', { class: a.hidden ? 'hidden-text' : '', dataset: { testid: 'survey-text' } },
            h('span', null, a.text),
            a.hidden && h('span', { class: 'muted' }, ` (${t('survey.hidden_because', { reason: a.hidden_reason })})`),
            moderator && !a.hidden && hideForm(a)))),
          q.hidden > 0 && !moderator && h('p', { class: 'muted' }, t('survey.hidden_n', { n: formatInt(q.hidden) }))];
        }
        return h('article', { class: 'survey-result', dataset: { testid: 'survey-result' } }, head, sub, body);
      }),
      h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'secondary', dataset: { testid: 'survey-print' }, onclick: () => window.print() }, t('survey.print'))));
  }

  section.replaceChildren(...(await parts(data)));
  return section;
}
