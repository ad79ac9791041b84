/*
 * Surveys (问卷): the surveys of one community,
 * GET /api/communities/{id}/surveys, and for workers the form that writes a
 * new survey: a title, an introduction, anonymity, and a list of questions
 * built one by one (single choice, multiple choice, a scale, free text).
 *
 * The community comes from the session's grants (memberCommunities in
 * rounds.js): residents may not read the community structure.
 */

import { h, uid } from '../dom.js';
import { t, formatInt } from '../i18n.js';
import { get, post, errorText } from '../api.js';
import { memberCommunities, communityInfo, canManage, crumb } from './rounds.js';

export function surveyBadge(status) {
  return h('span', { class: `badge badge-survey-${status}`, dataset: { testid: 'survey-status', status } },
    t(`survey.status.${status}`));
}

/* ---- #/surveys ------------------------------------------------------------- */

export async function surveysIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/surveys`);
    return surveysView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'surveys-index' } },
    h('h1', null, t('surveys.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('surveys.no_community'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/surveys`, dataset: { testid: 'surveys-community-link' } },
          c.name || t('rounds.community_n', { id: c.id })))))));
}

/* ---- one community's surveys ---------------------------------------------- */

export async function surveysView(ctx) {
  const [id] = ctx.params;
  const base = `/api/communities/${id}/surveys`;
  const [data, community] = await Promise.all([get(base), communityInfo(ctx.user, id)]);
  let surveys = data.surveys || [];

  const list = h('div');
  function draw() {
    list.replaceChildren(surveys.length === 0
      ? h('p', { class: 'muted', dataset: { testid: 'surveys-empty' } }, t('surveys.empty'))
      : h('ul', { class: 'cards', dataset: { testid: 'surveys-list' } }, surveys.map((s) =>
        h('li', { class: 'card', dataset: { testid: 'survey-card', survey: s.id } },
          h('h3', null, h('a', { href: `#/communities/${id}/surveys/${s.id}`, dataset: { testid: 'survey-link' } }, s.title)),
          h('p', null, surveyBadge(s.status), ' ',
            s.anonymous && h('span', { class: 'badge' }, t('survey.anonymous')), ' ',
            h('span', { class: 'muted' }, t('surveys.counts', { q: formatInt(s.questions), n: formatInt(s.respondents) })))))));
  }
  draw();

  const section = h('section', { class: 'surveys-page', dataset: { testid: 'surveys-page' } },
    h('h1', null, t('surveys.title')),
    community.name && h('p', { class: 'muted' }, `${community.street_name} · ${community.name}`),
    h('p', null, t('surveys.intro')),
    list);

  if (data.can_manage || canManage(ctx.user, id, community.street_id ?? null)) {
    section.append(h('details', { class: 'form-card no-print', open: surveys.length === 0, dataset: { testid: 'new-survey-card' } },
      h('summary', null, t('surveys.new')),
      newSurveyForm(base, async () => {
        surveys = (await get(base)).surveys || [];
        draw();
      })));
  }
  return section;
}

/* ---- the question builder ------------------------------------------------- */

const KINDS = ['single', 'multiple', 'scale', 'text'];

function labelled(text, input, hint) {
  const id = uid('sq');
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, text), input, hint && h('p', { class: 'hint' }, hint));
}

function questionEditor(onRemove) {
  const kind = h('select', { dataset: { testid: 'q-kind' } }, KINDS.map((k) => h('option', { value: k }, t(`survey.kind.${k}`))));
  const text = h('input', { type: 'text', maxlength: 500, autocomplete: 'off', dataset: { testid: 'q-text' } });
  const required = h('input', { type: 'checkbox', dataset: { testid: 'q-required' } });
  const options = h('textarea', { rows: 4, maxlength: 3100, dataset: { testid: 'q-options' } });
  const maxPicks = h('input', { type: 'text', inputmode: 'numeric', maxlength: 2, dataset: { testid: 'q-max-picks' } });
  const scaleMax = h('input', { type: 'text', inputmode: 'numeric', maxlength: 2, value: '5', dataset: { testid: 'q-scale-max' } });
  const minLabel = h('input', { type: 'text', maxlength: 20 });
  const maxLabel = h('input', { type: 'text', maxlength: 20 });
  const maxLength = h('input', { type: 'text', inputmode: 'numeric', maxlength: 4, value: '500' });

  const optRow = labelled(t('survey.f.options'), options, t('survey.f.options_hint'));
  const picksRow = labelled(t('survey.f.max_picks'), maxPicks, t('survey.f.max_picks_hint'));
  const scaleRows = [labelled(t('survey.f.scale_max'), scaleMax), labelled(t('survey.f.min_label'), minLabel),
    labelled(t('survey.f.max_label'), maxLabel)];
  const lenRow = labelled(t('survey.f.max_length'), maxLength);
  const reqId = uid('sq-req');
  required.id = reqId;

  function update() {
    const k = kind.value;
    optRow.hidden = !(k === 'single' || k === 'multiple');
    picksRow.hidden = k !== 'multiple';
    for (const r of scaleRows) r.hidden = k !== 'scale';
    lenRow.hidden = k !== 'text';
  }
  kind.addEventListener('change', update);
  update();

  const el = h('fieldset', { class: 'question-editor', dataset: { testid: 'question-editor' } },
    h('legend', null, t('survey.question')),
    labelled(t('survey.f.kind'), kind),
    labelled(t('survey.f.text'), text),
    h('div', { class: 'field' }, h('label', { for: reqId, class: 'survey-check' }, required, t('survey.f.required'))),
    optRow, picksRow, scaleRows, lenRow,
    h('button', { type: 'button', class: 'secondary', onclick: () => onRemove(el) }, t('survey.remove_question')));

  const int = (input) => (/^\s*\d+\s*$/.test(input.value) ? Number(input.value) : null);
  el.value = () => {
    const q = { kind: kind.value, text: text.value.trim(), required: required.checked };
    if (q.kind === 'single' || q.kind === 'multiple') {
      q.options = options.value.split('\n').map((x) => x.trim()).filter(Boolean);
    }
    if (q.kind === 'multiple' && int(maxPicks) !== null) q.max_picks = int(maxPicks);
    if (q.kind === 'scale') {
      if (int(scaleMax) !== null) q.scale_max = int(scaleMax);
      if (minLabel.value.trim()) q.min_label = minLabel.value.trim();
      if (maxLabel.value.trim()) q.max_label = maxLabel.value.trim();
    }
    if (q.kind === 'text' && int(maxLength) !== null) q.max_length = int(maxLength);
    return q;
  };
  return el;
}

function newSurveyForm(base, after) {
  const title = h('input', { type: 'text', maxlength: 100, required: true, autocomplete: 'off', dataset: { testid: 'survey-title' } });
  const intro = h('textarea', { rows: 3, maxlength: 2000, dataset: { testid: 'survey-intro' } });
  const anonymous = h('input', { type: 'checkbox', dataset: { testid: 'survey-anonymous' } });
  const anonId = uid('anon');
  anonymous.id = anonId;
  const questions = h('div', { class: 'stack' });
  const error = h('p', { class: 'error', role: 'alert', dataset: { testid: 'new-survey-error' } });
  const status = h('p', { class: 'ok', role: 'status', dataset: { testid: 'new-survey-status' } });
  const remove = (el) => el.remove();
  questions.append(questionEditor(remove));

  async function onsubmit(ev) {
    ev.preventDefault();
    error.textContent = '';
    status.textContent = '';
    const body = {
      title: title.value.trim(),
      anonymous: anonymous.checked,
      questions: [...questions.children].map((q) => q.value()),
    };
    if (intro.value.trim()) body.intro = intro.value.trim();
    try {
      await post(base, body);
      status.textContent = t('surveys.created', { title: body.title });
      title.value = '';
      intro.value = '';
      questions.replaceChildren(questionEditor(remove));
      await after();
    } catch (err) {
      error.textContent = errorText(err) + (err.field ? ` (${err.field})` : '');
    }
  }

  return h('form', { class: 'stack', novalidate: true, onsubmit, dataset: { testid: 'new-survey' } },
    labelled(t('survey.f.title'), title),
    labelled(t('survey.f.intro'), intro),
    h('div', { class: 'field' }, h('label', { for: anonId, class: 'survey-check' }, anonymous, t('survey.f.anonymous')),
      h('p', { class: 'hint' }, t('survey.f.anonymous_hint'))),
    h('h3', null, t('survey.questions')),
    questions,
    h('button', { type: 'button', class: 'secondary', dataset: { testid: 'add-question' },
      onclick: () => questions.append(questionEditor(remove)) }, t('survey.add_question')),
    error,
    h('button', { type: 'submit', class: 'primary', dataset: { testid: 'new-survey-submit' } }, t('surveys.create')),
    status);
}

export { crumb };
