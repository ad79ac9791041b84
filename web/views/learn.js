/*
 * learn: the education pages of emergency culture (应急文化) and the
 * household preparedness checklist.
 *
 *   #/learn          the hazards, the checklist and the emergency numbers
 *   #/learn/<hazard> what to do before / during / after (flood, fire, ...)
 *   #/learn/kit      the household checklist, ticked on the phone
 *
 * Any signed-in member reads them. The content is static (learn_data.js),
 * in the page's language with the other language below, so a family can
 * read it together. Ticks of the checklist stay in this browser
 * (localStorage): nothing about a household goes to the server. Other
 * pages (the door cards) link here with learnHref(hazard).
 */

import { h } from '../dom.js';
import { t, lang } from '../i18n.js';
import { HAZARDS, LEARN, KIT, NUMBERS } from './learn_data.js';

const KIT_KEY = 'linli.kit';
const PHASES = ['before', 'during', 'after'];

/* The link path of a hazard's page, or of the checklist ('kit'). */
export function learnHref(hazard) {
  return `#/learn/${hazard}`;
}

const here = () => (lang() === 'en' ? 'en' : 'zh');
const there = () => (lang() === 'en' ? 'zh' : 'en');

function loadTicks() {
  try {
    const v = JSON.parse(localStorage.getItem(KIT_KEY) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

function saveTicks(ticks) {
  try {
    localStorage.setItem(KIT_KEY, JSON.stringify(ticks));
  } catch {
    /* private mode: ticks last for this page only */
  }
}

function indexPage() {
  return h('section', { class: 'learn-page', dataset: { testid: 'learn-index' } },
    h('h1', null, t('learn.title')),
    h('p', { class: 'hint' }, t('learn.intro')),
    h('ul', { class: 'cards learn-cards' }, HAZARDS.map((hz) => h('li', { class: 'card' },
      h('h2', null, h('a', { href: learnHref(hz), dataset: { testid: `learn-${hz}` } }, t(`prep.hazard.${hz}`)))))),
    h('p', null, h('a', { href: learnHref('kit'), class: 'button-link', dataset: { testid: 'learn-kit-link' } }, t('learn.kit'))),
    numbers());
}

function numbers() {
  return h('div', { class: 'learn-numbers' },
    h('h2', null, t('learn.numbers')),
    h('ul', null, NUMBERS.map(([n, zh, en]) => h('li', null,
      h('a', { href: `tel:${n}` }, n), ` ${here() === 'en' ? en : zh}`))));
}

function hazardPage(hz) {
  const c = LEARN[hz];
  const mine = c[here()];
  const other = c[there()];
  return h('section', { class: 'learn-page', dataset: { testid: 'learn-page', hazard: hz } },
    h('p', { class: 'crumbs no-print' }, h('a', { href: '#/learn' }, `← ${t('learn.title')}`)),
    h('h1', null, t('learn.hazard_title', { hazard: t(`prep.hazard.${hz}`) })),
    PHASES.map((p) => h('div', { class: `learn-phase learn-${p}` },
      h('h2', null, t(`prep.phase.${p}`)),
      h('ol', { dataset: { testid: `learn-${p}` } }, mine[p].map((s) => h('li', null, s))),
      h('ul', { class: 'muted learn-other', lang: there() === 'en' ? 'en' : 'zh-CN' }, other[p].map((s) => h('li', null, s))))),
    h('p', null, h('a', { href: learnHref('kit') }, t('learn.kit'))),
    numbers(),
    h('p', { class: 'hint' }, t('learn.disclaimer')),
    h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, t('prep.print')));
}

function kitPage() {
  const ticks = loadTicks();
  const count = h('p', { class: 'muted', 'aria-live': 'polite', dataset: { testid: 'kit-count' } });
  const total = KIT.reduce((n, s) => n + s.items.length, 0);
  const recount = () => {
    const n = KIT.reduce((k, s) => k + s.items.filter(([id]) => ticks[id]).length, 0);
    count.textContent = t('learn.kit_count', { n, total });
  };
  recount();
  return h('section', { class: 'learn-page kit-page', dataset: { testid: 'kit-page' } },
    h('p', { class: 'crumbs no-print' }, h('a', { href: '#/learn' }, `← ${t('learn.title')}`)),
    h('h1', null, t('learn.kit')),
    h('p', { class: 'hint' }, t('learn.kit_intro')),
    count,
    KIT.map((s) => h('fieldset', { class: 'kit-section' },
      h('legend', null, s.section[here()]),
      s.items.map(([id, zh, en]) => {
        const box = h('input', {
          type: 'checkbox', id: `kit-${id}`, checked: !!ticks[id], dataset: { testid: `kit-${id}` },
          onchange: (ev) => {
            if (ev.target.checked) ticks[id] = 1; else delete ticks[id];
            saveTicks(ticks);
            recount();
          },
        });
        return h('div', { class: 'kit-item' }, box,
          h('label', { for: `kit-${id}` }, here() === 'en' ? en : zh,
            h('span', { class: 'muted' }, ` ${here() === 'en' ? zh : en}`)));
      }))),
    h('div', { class: 'kit-write' },
      h('p', null, `${t('learn.kit_meeting')}：`, h('span', { class: 'write-line' })),
      h('p', null, `${t('learn.kit_phone')}：`, h('span', { class: 'write-line' }))),
    numbers(),
    h('div', { class: 'buttons no-print' },
      h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('prep.print')),
      h('button', {
        type: 'button', class: 'link-button', dataset: { testid: 'kit-clear' },
        onclick: () => {
          for (const k of Object.keys(ticks)) delete ticks[k];
          saveTicks(ticks);
          for (const el of document.querySelectorAll('.kit-item input')) el.checked = false;
          recount();
        },
      }, t('learn.kit_clear'))));
}

/* #/learn, #/learn/<hazard>, #/learn/kit (the router passes numbers only,
   so the page reads its name from the address). */
export async function learnView() {
  const m = /^#\/learn(?:\/([a-z_]+))?$/.exec(location.hash);
  const name = m && m[1];
  if (!name) return indexPage();
  if (name === 'kit') return kitPage();
  if (LEARN[name]) return hazardPage(name);
  return h('section', null, h('h1', null, t('err.page')));
}
