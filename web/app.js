/*
 * app: the entry module. Holds the session, draws the top bar, and routes.
 *
 * Routing is by hash (#/communities/3) because the server answers every
 * extension-less non-/api path with index.html: the hash keeps links working
 * on reload without the server knowing our routes.
 *
 * The navigation is a table of pillars and their modules. A module appears
 * only once it exists; there are no greyed-out promises. Add a module by
 * adding a row to PILLARS and a route to ROUTES.
 *
 * Every view is `async (ctx) => Node`; the router puts the node into <main>,
 * and moves focus to the new page's heading so keyboard and screen-reader
 * users hear where they are.
 */

import { h } from './dom.js';
import { t, otherLang, setLang, onLangChange, applyDocument } from './i18n.js';
import { get, del, setCsrf, onUnauthorized, errorText } from './api.js';
import { loginView } from './views/login.js';
import { communitiesView } from './views/communities.js';
import { communityView } from './views/community.js';
import { buildingView } from './views/building.js';
import { orgsIndexView, orgsView } from './views/orgs.js';
import { orgView } from './views/org.js';
import { visitsIndexView, coverageView, buildingCoverageView } from './views/coverage.js';
import { roundsIndexView, roundsView, isStaff, isMember } from './views/rounds.js';
import { roundView } from './views/round.js';
import { conversationsIndexView, conversationsView } from './views/conversations.js';
import { conversationView } from './views/conversation.js';
import { votesIndexView, votesView, voteView } from './views/votes.js';
import { noticesIndexView, noticesView, noticeView } from './views/notices.js';
import { ownersView } from './views/owners.js';
import { invitesIndexView, communityInvitesView, buildingInvitesView, correctionsView, canIssue } from './views/invite.js';
import { claimView } from './views/claim.js';
import { meView, isResident } from './views/me.js';
import { topicsIndexView, topicsView } from './views/topics.js';
import { topicView } from './views/topic.js';
import { careIndexView, careView, careResidentView, careTagsView } from './views/care.js';
import { residentsIoIndexView, importView } from './views/import.js';
import { surveysIndexView, surveysView } from './views/surveys.js';
import { surveyView } from './views/survey.js';
import { privacyIndexView, privacySettingsView, privacyResidentView } from './views/privacy.js';
import { residentsIndexView, residentsView } from './views/residents.js';
import { residentView } from './views/resident.js';
import { scenesIndexView, scenesView } from './views/scenes.js';
import { sceneView, handbookView, shiftChecklistView } from './views/scene.js';
import { volunteersIndexView, volunteersView } from './views/volunteers.js';
import { volunteerView, certificateView } from './views/volunteer.js';
import { myShiftsIndexView, myShiftsView, checkinView } from './views/myshifts.js';
import { rosterIndexView, rosterView, shiftView, postQrView } from './views/roster.js';
import { emergencyIndexView, emergencyListView, emergencyLiveView, emergencyReportView, emergencyMineView } from './views/emergency.js';
import { doorCardsView } from './views/doorcards.js';
import { checkinPublicView } from './views/checkin_public.js';
import { prepIndexView, prepView, contactsView, callListView, prepCareView } from './views/prep.js';
import { planView } from './views/plan.js';
import { suppliesView } from './views/supplies.js';
import { drillsView, drillView } from './views/drills.js';
import { learnView } from './views/learn.js';

const PILLARS = [
  {
    key: 'pillar.resources',
    modules: [{
      key: 'nav.structure', href: '#/communities', testid: 'nav-structure',
      /* The structure is for staff; residents and volunteers may not read it. */
      show: isStaff,
      active: (path) => /^\/communities(\/\d+(\/buildings\/\d+)?)?$/.test(path),
    }, {
      key: 'nav.orgs', href: '#/orgs', testid: 'nav-orgs',
      /* Local organisations (驻区单位): staff only, like the structure. */
      show: isStaff,
      active: (path) => path === '/orgs' || /^\/communities\/\d+\/orgs(\/|$)/.test(path),
    }, {
      key: 'nav.visits', href: '#/visits', testid: 'nav-visits',
      /* Coverage and the grid to record visits on are for staff. */
      show: isStaff,
      active: (path) => path === '/visits' || /^\/communities\/\d+\/coverage(\/|$)/.test(path),
    }, {
      key: 'nav.residents', href: '#/residents', testid: 'nav-residents',
      /* The residents register: staff only (the server answers others 403). */
      show: isStaff,
      active: (path) => path === '/residents' || /^\/communities\/\d+\/(residents|dwellings\/\d+\/residents)(\/|$)/.test(path),
    }, {
      key: 'nav.invites', href: '#/invites', testid: 'nav-invites',
      /* Issuing accounts is for those who change the community. */
      show: canIssue,
      active: (path) => path === '/invites' || /^\/communities\/\d+\/(invites|corrections|buildings\/\d+\/invites)$/.test(path),
    }, {
      key: 'nav.me', href: '#/me', testid: 'nav-me',
      /* A resident's own household. */
      show: isResident,
      active: (path) => path === '/me',
    }, {
      key: 'nav.care', href: '#/care', testid: 'nav-care',
      /* Care needs (特殊关爱): staff, and volunteers (who see the tags that
         are not sensitive). */
      show: (u) => isStaff(u) || ((u && u.grants) || []).some((g) => g.role === 'volunteer'),
      active: (path) => path === '/care' || /^\/communities\/\d+\/care(\/|$)/.test(path),
    }, {
      key: 'nav.residents_io', href: '#/residents-io', testid: 'nav-residents-io',
      /* Import and export of the residents register: staff (export masked). */
      show: isStaff,
      active: (path) => path === '/residents-io' || /^\/communities\/\d+\/residents-io$/.test(path),
    }, {
      key: 'nav.privacy', href: '#/privacy', testid: 'nav-privacy',
      /* PIPL notices, categories and a resident's rights: staff only. */
      show: isStaff,
      active: (path) => path === '/privacy' || /^\/communities\/\d+\/(privacy|residents\/\d+\/privacy)$/.test(path),
    }],
  },
  {
    key: 'pillar.networks',
    modules: [{
      key: 'nav.rounds', href: '#/rounds', testid: 'nav-rounds',
      /* Every member of a community proposes projects and votes. */
      show: isMember,
      active: (path) => path === '/rounds' || /^\/communities\/\d+\/rounds(\/|$)/.test(path),
    }, {
      key: 'nav.conversations', href: '#/conversations', testid: 'nav-conversations',
      show: isMember,
      active: (path) => path === '/conversations' || /^\/communities\/\d+\/conversations(\/|$)/.test(path),
    }, {
      key: 'nav.topics', href: '#/topics', testid: 'nav-topics',
      /* Residents raise topics themselves; every member reads and takes part. */
      show: isMember,
      active: (path) => path === '/topics' || /^\/communities\/\d+\/topics(\/|$)/.test(path),
    }, {
      key: 'nav.votes', href: '#/votes', testid: 'nav-votes',
      /* Owners vote through their resident accounts; staff run the votes. */
      show: isMember,
      active: (path) => path === '/votes' || /^\/communities\/\d+\/votes(\/|$)/.test(path),
    }, {
      key: 'nav.notices', href: '#/notices', testid: 'nav-notices',
      show: isMember,
      active: (path) => path === '/notices' || /^\/communities\/\d+\/notices(\/|$)/.test(path),
    }, {
      key: 'nav.surveys', href: '#/surveys', testid: 'nav-surveys',
      show: isMember,
      active: (path) => path === '/surveys' || /^\/communities\/\d+\/surveys(\/|$)/.test(path),
    }],
  },
  {
    key: 'pillar.scenes',
    modules: [{
      key: 'nav.scenes', href: '#/scenes', testid: 'nav-scenes',
      /* Every member reads scenes and their scripts (volunteers on their
         phones); staff design them. */
      show: isMember,
      active: (path) => path === '/scenes' || /^\/communities\/\d+\/(scenes|shifts)(\/|$)/.test(path),
    }, {
      key: 'nav.volunteers', href: '#/volunteers', testid: 'nav-volunteers',
      show: isStaff,
      active: (path) => path === '/volunteers' || /^\/communities\/\d+\/(volunteers|certificates)(\/|$)/.test(path),
    }, {
      key: 'nav.my_shifts', href: '#/my-shifts', testid: 'nav-my-shifts',
      /* Volunteer accounts; a resident who volunteers opens #/my-shifts
         from the check-in page's link. */
      show: (u) => ((u && u.grants) || []).some((g) => g.role === 'volunteer'),
      active: (path) => path === '/my-shifts' || /^\/communities\/\d+\/my-shifts$/.test(path) || path.startsWith('/checkin/'),
    }, {
      key: 'nav.roster', href: '#/roster', testid: 'nav-roster',
      show: (u) => isStaff(u) || ((u && u.grants) || []).some((g) => g.role === 'volunteer'),
      active: (path) => path === '/roster' || /^\/communities\/\d+\/(roster|shifts|posts)(\/|$)/.test(path),
    }],
  },
  {
    key: 'pillar.fields',
    modules: [{
      key: 'nav.emergency', href: '#/emergency', testid: 'nav-emergency',
      /* Activations and the live view: staff (a building lead sees their
         buildings); volunteers see their follow-up visits. */
      show: (u) => isStaff(u) || ((u && u.grants) || []).some((g) => g.role === 'volunteer'),
      active: (path) => path === '/emergency' || /^\/communities\/\d+\/(emergency|buildings\/\d+\/door-cards)(\/|$)/.test(path),
    }, {
      key: 'nav.prep', href: '#/prep', testid: 'nav-prep',
      /* Emergency preparedness: plans, the tree, supplies, drills (staff). */
      show: isStaff,
      active: (path) => path === '/prep' || /^\/communities\/\d+\/prep(\/|$)/.test(path),
    }, {
      key: 'nav.learn', href: '#/learn', testid: 'nav-learn',
      /* Education pages and the household checklist: every member. */
      show: isMember,
      active: (path) => /^\/learn(\/|$)/.test(path),
    }],
  },
];

const ROUTES = [
  { pattern: /^\/login$/, view: loginView, public: true },
  { pattern: /^\/communities$/, view: communitiesView },
  { pattern: /^\/communities\/(\d+)$/, view: communityView },
  { pattern: /^\/communities\/(\d+)\/buildings\/(\d+)$/, view: buildingView },
  { pattern: /^\/orgs$/, view: orgsIndexView },
  { pattern: /^\/communities\/(\d+)\/orgs$/, view: orgsView },
  { pattern: /^\/communities\/(\d+)\/orgs\/(\d+)$/, view: orgView },
  { pattern: /^\/visits$/, view: visitsIndexView },
  { pattern: /^\/communities\/(\d+)\/coverage$/, view: coverageView },
  { pattern: /^\/communities\/(\d+)\/coverage\/(\d+)$/, view: buildingCoverageView },
  { pattern: /^\/rounds$/, view: roundsIndexView },
  { pattern: /^\/communities\/(\d+)\/rounds$/, view: roundsView },
  { pattern: /^\/communities\/(\d+)\/rounds\/(\d+)$/, view: roundView },
  { pattern: /^\/conversations$/, view: conversationsIndexView },
  { pattern: /^\/communities\/(\d+)\/conversations$/, view: conversationsView },
  { pattern: /^\/communities\/(\d+)\/conversations\/(\d+)$/, view: conversationView },
  { pattern: /^\/votes$/, view: votesIndexView },
  { pattern: /^\/communities\/(\d+)\/votes$/, view: votesView },
  { pattern: /^\/communities\/(\d+)\/votes\/(\d+)$/, view: voteView },
  { pattern: /^\/notices$/, view: noticesIndexView },
  { pattern: /^\/communities\/(\d+)\/notices$/, view: noticesView },
  { pattern: /^\/communities\/(\d+)\/notices\/(\d+)$/, view: noticeView },
  { pattern: /^\/communities\/(\d+)\/buildings\/(\d+)\/owners$/, view: ownersView },
  { pattern: /^\/invites$/, view: invitesIndexView },
  { pattern: /^\/communities\/(\d+)\/invites$/, view: communityInvitesView },
  { pattern: /^\/communities\/(\d+)\/buildings\/(\d+)\/invites$/, view: buildingInvitesView },
  { pattern: /^\/communities\/(\d+)\/corrections$/, view: correctionsView },
  { pattern: /^\/claim(?:\/[^/]*)?$/, view: claimView, public: true },
  { pattern: /^\/me$/, view: meView },
  { pattern: /^\/topics$/, view: topicsIndexView },
  { pattern: /^\/communities\/(\d+)\/topics$/, view: topicsView },
  { pattern: /^\/communities\/(\d+)\/topics\/(\d+)$/, view: topicView },
  { pattern: /^\/care$/, view: careIndexView },
  { pattern: /^\/communities\/(\d+)\/care$/, view: careView },
  { pattern: /^\/communities\/(\d+)\/care\/tags$/, view: careTagsView },
  { pattern: /^\/communities\/(\d+)\/care\/residents\/(\d+)$/, view: careResidentView },
  { pattern: /^\/residents-io$/, view: residentsIoIndexView },
  { pattern: /^\/communities\/(\d+)\/residents-io$/, view: importView },
  { pattern: /^\/surveys$/, view: surveysIndexView },
  { pattern: /^\/communities\/(\d+)\/surveys$/, view: surveysView },
  { pattern: /^\/communities\/(\d+)\/surveys\/(\d+)$/, view: surveyView },
  { pattern: /^\/privacy$/, view: privacyIndexView },
  { pattern: /^\/communities\/(\d+)\/privacy$/, view: privacySettingsView },
  { pattern: /^\/communities\/(\d+)\/residents\/(\d+)\/privacy$/, view: privacyResidentView },
  { pattern: /^\/residents$/, view: residentsIndexView },
  { pattern: /^\/communities\/(\d+)\/residents$/, view: residentsView },
  { pattern: /^\/communities\/(\d+)\/residents\/(\d+)$/, view: residentView },
  { pattern: /^\/communities\/(\d+)\/dwellings\/(\d+)\/residents$/, view: residentsView },
  { pattern: /^\/scenes$/, view: scenesIndexView },
  { pattern: /^\/communities\/(\d+)\/scenes$/, view: scenesView },
  { pattern: /^\/communities\/(\d+)\/scenes\/(\d+)$/, view: sceneView },
  { pattern: /^\/communities\/(\d+)\/scenes\/(\d+)\/posts\/(\d+)\/handbook$/, view: handbookView },
  { pattern: /^\/communities\/(\d+)\/shifts\/(\d+)\/checklist$/, view: shiftChecklistView },
  { pattern: /^\/volunteers$/, view: volunteersIndexView },
  { pattern: /^\/communities\/(\d+)\/volunteers$/, view: volunteersView },
  { pattern: /^\/communities\/(\d+)\/volunteers\/(\d+)$/, view: volunteerView },
  { pattern: /^\/communities\/(\d+)\/certificates\/(\d+)$/, view: certificateView },
  { pattern: /^\/my-shifts$/, view: myShiftsIndexView },
  { pattern: /^\/communities\/(\d+)\/my-shifts$/, view: myShiftsView },
  { pattern: /^\/checkin\/[0-9]+-[A-Za-z0-9_-]{22}$/, view: checkinView },
  { pattern: /^\/roster$/, view: rosterIndexView },
  { pattern: /^\/communities\/(\d+)\/roster(?:\/(\d{8}))?$/, view: rosterView },
  { pattern: /^\/communities\/(\d+)\/shifts\/(\d+)$/, view: shiftView },
  { pattern: /^\/communities\/(\d+)\/posts\/(\d+)\/qr$/, view: postQrView },
  { pattern: /^\/emergency$/, view: emergencyIndexView },
  { pattern: /^\/communities\/(\d+)\/emergency$/, view: emergencyListView },
  { pattern: /^\/communities\/(\d+)\/emergency\/(\d+)$/, view: emergencyLiveView },
  { pattern: /^\/communities\/(\d+)\/emergency\/(\d+)\/report$/, view: emergencyReportView },
  { pattern: /^\/communities\/(\d+)\/emergency\/(\d+)\/mine$/, view: emergencyMineView },
  { pattern: /^\/communities\/(\d+)\/buildings\/(\d+)\/door-cards$/, view: doorCardsView },
  { pattern: /^\/safe\/[A-Za-z0-9_-]+$/, view: checkinPublicView, public: true },
  { pattern: /^\/prep$/, view: prepIndexView },
  { pattern: /^\/communities\/(\d+)\/prep$/, view: prepView },
  { pattern: /^\/communities\/(\d+)\/prep\/contacts$/, view: contactsView },
  { pattern: /^\/communities\/(\d+)\/prep\/contacts\/buildings\/(\d+)$/, view: callListView },
  { pattern: /^\/communities\/(\d+)\/prep\/care$/, view: prepCareView },
  { pattern: /^\/communities\/(\d+)\/prep\/plans\/(\d+)$/, view: planView },
  { pattern: /^\/communities\/(\d+)\/prep\/supplies$/, view: suppliesView },
  { pattern: /^\/communities\/(\d+)\/prep\/drills$/, view: drillsView },
  { pattern: /^\/communities\/(\d+)\/prep\/drills\/(\d+)$/, view: drillView },
  { pattern: /^\/learn(?:\/[a-z_]+)?$/, view: learnView },
];

/* Where a signed-in user starts: staff at the communities they look after,
   everyone else at their community's micro-fund. */
function homePath() {
  return isStaff(state.user) ? '/communities' : '/rounds';
}

/* Roles that may change the community structure (docs/api.md). */
const CHANGER_ROLES = new Set(['admin', 'street', 'worker']);

const state = {
  user: null,
  next: '', /* the route a logged-out visitor asked for, to return to after login */
  flash: '', /* an error to show once the next page is drawn */
};

const topBar = document.getElementById('top');
const main = document.getElementById('main');
const errorBox = document.getElementById('error');
const noticeBox = document.getElementById('notice');

function currentPath() {
  const raw = location.hash.replace(/^#/, '');
  return raw === '' || raw === '/' ? '' : raw;
}

function navigate(path) {
  if (currentPath() === path) render();
  else location.hash = `#${path}`;
}

/*
 * Global messages. Errors go to a role=alert region, notices to role=status.
 * The regions stay in the page and only their text changes (CSS collapses
 * them when empty): screen readers announce changes to a live region that
 * already exists, not always one that just appeared.
 */
function showError(err) {
  errorBox.textContent = typeof err === 'string' ? err : errorText(err);
}
function showNotice(text) {
  noticeBox.textContent = text;
}
function clearMessages() {
  errorBox.textContent = '';
  noticeBox.textContent = '';
}

/*
 * May the user change this community's structure? Only a UI hint: the
 * server decides. admin anywhere; street for the communities of their
 * street; worker for their own community.
 */
function canChange(community) {
  if (!state.user) return false;
  return (state.user.grants || []).some((g) => {
    if (!CHANGER_ROLES.has(g.role)) return false;
    if (g.role === 'admin' || g.scope === 'platform') return true;
    /* The server may add the community and street a grant lies in; the
       contract promises only scope and scope_id, so fall back to those. */
    const streetId = g.street_id ?? (g.scope === 'street' ? g.scope_id : null);
    const communityId = g.community_id ?? (g.scope === 'community' ? g.scope_id : null);
    if (g.role === 'street') return streetId != null && Number(streetId) === Number(community.street_id);
    return communityId != null && Number(communityId) === Number(community.id);
  });
}

function renderTopBar() {
  const path = currentPath();
  const items = [
    h('a', { class: 'brand', href: state.user ? `#${homePath()}` : '#/login' },
      h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }),
      h('span', { text: t('app.name') })),
  ];

  if (state.user) {
    /* Only the modules this user can use; a pillar with none is left out. */
    const pillars = PILLARS
      .map((p) => ({ ...p, modules: p.modules.filter((m) => !m.show || m.show(state.user)) }))
      .filter((p) => p.modules.length > 0);
    if (pillars.length > 0) {
      items.push(
        h('nav', { class: 'pillars', 'aria-label': t('nav.label') },
          h('ul', null, pillars.map((p) =>
            h('li', { class: 'pillar' },
              h('span', { class: 'pillar-name', id: `pillar-${p.key}` }, t(p.key)),
              h('ul', { 'aria-labelledby': `pillar-${p.key}` }, p.modules.map((m) =>
                h('li', null, h('a', {
                  href: m.href,
                  dataset: { testid: m.testid },
                  'aria-current': m.active(path) ? 'page' : false,
                }, t(m.key))))))))),
      );
    }
  }

  const other = otherLang();
  if (state.user) {
    items.push(h('span', { class: 'user-name', dataset: { testid: 'user-name' } },
      state.user.display_name || state.user.username));
  }
  const account = h('div', { class: 'account' },
    h('button', {
      type: 'button',
      class: 'link-button',
      lang: other,
      'aria-label': t('lang.switch.label'),
      dataset: { testid: 'lang-switch' },
      onclick: () => setLang(other),
    }, t('lang.switch')),
    state.user && h('button', {
      type: 'button',
      class: 'link-button',
      dataset: { testid: 'logout' },
      onclick: logout,
    }, t('account.logout')));
  /* DOM order is visual order (no CSS `order`), so Tab moves the way the
     eye reads; on a phone the bar simply wraps. */
  items.push(account);
  topBar.replaceChildren(...items);
}

async function logout() {
  try {
    await del('/api/session', { quiet401: true });
  } catch (err) {
    /* The session may already be gone; we leave either way. */
    if (err.status !== 401) console.warn('logout', err);
  }
  state.user = null;
  state.next = '';
  setCsrf('');
  renderTopBar();
  navigate('/login');
}

function onLogin(session) {
  state.user = session.user;
  setCsrf(session.csrf);
  renderTopBar();
  const next = state.next;
  state.next = '';
  navigate(next || homePath());
}

let renderSeq = 0;
let firstRender = true;

/* opts.focus: the data-testid in the top bar to keep focus on (language switch). */
async function render(opts = {}) {
  const seq = ++renderSeq;
  let path = currentPath();
  if (path === '') {
    path = state.user ? homePath() : '/login';
    history.replaceState(null, '', `#${path}`); /* no hashchange, no second render */
  }

  let route = null;
  let params = [];
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m) {
      route = r;
      params = m.slice(1).map(Number);
      break;
    }
  }

  if (route && !route.public && !state.user) {
    state.next = path;
    navigate('/login');
    return;
  }
  if (route && route.view === loginView && state.user) {
    navigate(homePath());
    return;
  }

  clearMessages();
  if (state.flash) {
    showError(state.flash);
    state.flash = '';
  }
  renderTopBar();
  main.setAttribute('aria-busy', 'true');

  let node;
  if (!route) {
    node = h('section', null, h('h1', { tabindex: -1 }, t('err.page')));
  } else {
    const ctx = {
      user: state.user,
      params,
      navigate,
      showError,
      showNotice,
      canChange,
      onLogin,
      refresh: () => render(),
    };
    try {
      node = await route.view(ctx);
    } catch (err) {
      node = h('section', null,
        h('h1', { tabindex: -1 }, t('app.name')),
        h('p', { class: 'error', dataset: { testid: 'page-error' } }, errorText(err)));
    }
  }
  if (seq !== renderSeq) return; /* a newer navigation won */

  main.replaceChildren(node);
  main.removeAttribute('aria-busy');

  const keep = opts.focus && topBar.querySelector(`[data-testid="${opts.focus}"]`);
  const target = keep || main.querySelector('[data-autofocus]') || main.querySelector('h1');
  if (target && !(firstRender && target.tagName === 'H1')) {
    if (target.tagName === 'H1') target.setAttribute('tabindex', '-1');
    target.focus();
  }
  firstRender = false;
}

onUnauthorized(() => {
  /* The session ended under us (expired, logged out elsewhere). */
  const path = currentPath();
  state.user = null;
  setCsrf('');
  if (path && path !== '/login') state.next = path;
  state.flash = t('err.unauthorized');
  navigate('/login');
});

onLangChange(() => render({ focus: 'lang-switch' }));
window.addEventListener('hashchange', () => render());

async function boot() {
  applyDocument();
  try {
    const session = await get('/api/session', { quiet401: true });
    state.user = session.user;
    setCsrf(session.csrf);
  } catch (err) {
    state.user = null;
    if (err.status !== 401) {
      await render();
      showError(err);
      return;
    }
  }
  await render();
}

boot();
