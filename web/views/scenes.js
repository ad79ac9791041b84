/*
 * Scenes (新场景): the scenes of one community, GET /api/communities/{id}/scenes,
 * and, for those who design them, cards of the shipped templates (gate,
 * corridor, centre, testing point, flood watch, and blank) to create a scene
 * from. A template card says what it brings (posts, scripts, equipment) so a
 * worker can choose without opening it; creating copies everything into the
 * scene, in the UI language, and opens the new scene.
 */

import { h } from '../dom.js';
import { t, lang, formatInt } from '../i18n.js';
import { get, post } from '../api.js';
import { memberCommunities, form, formCardOf, needText } from './rounds.js';

/* A {zh, en} text in the UI language. */
export const bi = (o) => (o ? (lang() === 'zh-CN' ? o.zh : o.en) : '');

export async function scenesIndexView(ctx) {
  const list = await memberCommunities(ctx.user);
  if (list.length === 1) {
    history.replaceState(null, '', `#/communities/${list[0].id}/scenes`);
    return scenesView({ ...ctx, params: [list[0].id] });
  }
  return h('section', { dataset: { testid: 'scenes-index' } },
    h('h1', null, t('scenes.title')),
    h('p', { class: 'muted' }, t('scenes.intro')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('rounds.no_community'))
      : h('ul', { class: 'cards' }, list.map((c) => h('li', { class: 'card' },
        h('h2', null, h('a', { href: `#/communities/${c.id}/scenes`, dataset: { testid: 'scenes-community-link' } },
          c.name || t('rounds.community_n', { id: c.id })))))));
}

export async function scenesView(ctx) {
  const [cid] = ctx.params;
  const [data, tpl] = await Promise.all([get(`/api/communities/${cid}/scenes`), get('/api/scene-templates')]);
  const templates = tpl.templates || [];
  const nameOf = (code) => {
    const x = templates.find((y) => y.code === code);
    return x ? bi(x.name) : t('scenes.blank');
  };

  const list = (data.scenes || []).length === 0
    ? h('p', { class: 'muted', dataset: { testid: 'scenes-empty' } }, t('scenes.empty'))
    : h('ul', { class: 'cards', dataset: { testid: 'scenes-list' } }, data.scenes.map((s) =>
      h('li', { class: 'card', dataset: { testid: 'scene-card', scene: s.id } },
        h('h3', null, h('a', { href: `#/communities/${cid}/scenes/${s.id}`, dataset: { testid: 'scene-link' } }, s.name)),
        h('p', { class: 'muted' }, nameOf(s.template), s.location && ` · ${s.location}`),
        h('p', null, t('scenes.posts_n', { n: formatInt(s.posts) })))));

  const section = h('section', { class: 'scenes-page', dataset: { testid: 'scenes-page' } },
    h('h1', null, t('scenes.title')),
    h('p', null, t('scenes.intro')),
    h('h2', null, t('scenes.list')),
    list);

  if (data.can_manage) {
    const cards = [...templates, null].map((x) => templateCard(cid, x));
    section.append(h('h2', null, t('scenes.create')),
      h('p', { class: 'muted' }, t('scenes.create_hint')),
      h('ul', { class: 'cards template-cards', dataset: { testid: 'scene-templates' } }, cards));
  }
  return section;
}

function templateCard(cid, x) {
  const code = x ? x.code : 'blank';
  const posts = x ? x.posts.length : 0;
  const scripts = x ? x.scripts.length : 0;
  const f = form({
    testid: `scene-new-${code}`,
    submitLabel: t('scenes.create_submit'),
    fields: [
      { name: 'name', label: t('scenes.f.name'), required: true, maxlength: 60, value: x ? bi(x.name) : '' },
      { name: 'location', label: t('scenes.f.location'), hint: t('scenes.f.location_hint'), maxlength: 200 },
    ],
    action: async (v) => {
      const name = needText(v, 'name');
      const r = await post(`/api/communities/${cid}/scenes`, {
        name, template: code, lang: lang() === 'zh-CN' ? 'zh' : 'en', location: v.location.trim(),
      });
      location.hash = `#/communities/${cid}/scenes/${r.id}`;
      return t('scenes.created', { name });
    },
  });
  return h('li', { class: 'card template-card', dataset: { testid: 'template-card', template: code } },
    h('h3', null, x ? bi(x.name) : t('scenes.blank')),
    h('p', null, x ? bi(x.summary) : t('scenes.blank_hint')),
    x && h('p', { class: 'muted' }, t('scenes.template_counts', { posts: formatInt(posts), scripts: formatInt(scripts), equipment: formatInt(x.equipment.length) })),
    x && h('p', { class: 'muted' }, x.scripts.map((s) => bi(s.title)).join(lang() === 'zh-CN' ? '、' : ', ')),
    formCardOf(t('scenes.use_template'), `scene-new-${code}-card`, f, false));
}
