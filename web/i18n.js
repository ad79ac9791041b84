/*
 * i18n: every string the UI shows comes from here.
 *
 * Chinese (zh-CN) is the default because the people who use linli are
 * neighbourhood committees; English is the second language. The choice is
 * kept in localStorage so it survives a reload, and it switches the <html
 * lang> attribute so screen readers pick the right voice. Keys are flat
 * dotted names; {name} placeholders are filled from params.
 */

const STORAGE_KEY = 'linli.lang';

const STRINGS = {
  'zh-CN': {
    'app.name': '邻里',
    'app.title': '邻里 · 社区治理',
    'lang.switch': 'English',
    'lang.switch.label': 'Switch to English',
    'nav.label': '主导航',
    'pillar.resources': '资源',
    'nav.structure': '社区结构',
    'account.logout': '退出登录',
    'loading': '加载中…',

    'login.title': '登录',
    'login.intro': '社区工作者、网格员和志愿者请用账号登录。',
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.busy': '正在登录…',
    'login.failed': '用户名或密码错误。',

    'communities.title': '社区',
    'communities.empty': '您可查看的社区暂无数据。',
    'communities.street': '所属街道：{name}',

    'count.grids': '网格',
    'count.compounds': '小区',
    'count.buildings': '楼栋',
    'count.units': '单元',
    'count.dwellings': '户',
    'count.area': '建筑面积（m²）',
    'meta.compound': '{buildings} 栋楼 · {dwellings} 户',
    'meta.building': '{floors} 层 · {dwellings} 户',

    'community.counts': '概况',
    'community.tree': '社区结构',
    'community.street': '街道',
    'community.community': '社区',
    'community.grids': '网格',
    'community.compounds': '小区',
    'community.no_grids': '尚未划分网格。',
    'community.no_compounds': '尚未登记小区。',
    'community.no_buildings': '尚无楼栋。',
    'community.grid_of': '所属网格：{name}',
    'community.not_laid_out': '未排布',
    'community.buildings_in_grid': '{n} 栋楼',
    'community.maintain': '维护社区结构',
    'community.back': '返回社区列表',

    'form.add_grid': '添加网格',
    'form.add_compound': '添加小区',
    'form.add_building': '添加楼栋',
    'form.layout': '排布楼栋（单元、楼层、房间）',
    'form.name': '名称',
    'form.grid': '所属网格',
    'form.grid_none': '（不指定）',
    'form.address': '地址',
    'form.optional': '选填',
    'form.compound': '所属小区',
    'form.building': '楼栋',
    'form.units': '单元数',
    'form.floors': '楼层数',
    'form.rooms_per_floor': '每层户数',
    'form.area': '每户面积（平方米）',
    'form.area_hint': '最多两位小数，例如 89.50',
    'form.first_floor': '起始楼层',
    'form.first_floor_hint': '地下室从负数开始，例如 -1',
    'form.submit_add': '添加',
    'form.submit_layout': '排布',
    'form.no_empty_buildings': '所有楼栋都已排布。',
    'form.no_compounds': '请先添加小区。',
    'form.added': '已添加“{name}”。',
    'form.laid_out': '已排布：{units} 个单元，{dwellings} 户。',
    'form.bad_area': '面积须为大于 0 的数字，最多两位小数。',
    'form.bad_int': '{field}须为整数。',

    'building.back': '返回{name}',
    'building.floor': '楼层',
    'building.unit_caption': '{unit}：{floors} 层 × 每层 {rooms} 户，面积单位平方米',
    'building.scroll': '{unit}房间表，可左右滚动',
    'building.room_col': '第 {n} 户',
    'building.unit_count': '{n} 户',
    'building.empty': '这栋楼还没有排布单元和房间。',
    'building.print': '打印',
    'building.summary': '{units} 个单元 · {floors} 层 · {dwellings} 户 · {area}',

    'err.invalid': '输入有误',
    'err.bad_request': '请求格式有误',
    'err.unauthorized': '登录已失效，请重新登录。',
    'err.forbidden': '您没有权限进行此操作。',
    'err.csrf': '安全校验失败，请刷新页面后重试。',
    'err.not_found': '找不到该内容，或不在您的管辖范围内。',
    'err.method_not_allowed': '不支持此操作。',
    'err.conflict': '与已有数据冲突（名称重复，或楼栋已排布）。',
    'err.too_large': '提交的内容过大。',
    'err.unsupported_media_type': '提交的格式不受支持。',
    'err.rate_limited': '尝试次数过多，请稍后再试。',
    'err.unavailable': '服务器暂时不可用，请稍后再试。',
    'err.network': '无法连接服务器，请检查网络。',
    'err.unknown': '出错了（{status}）。',
    'err.field': '（{field}）',
    'err.page': '找不到这个页面。',

    'field.username': '用户名',
    'field.password': '密码',
    'field.name': '名称',
    'field.grid_id': '所属网格',
    'field.compound_id': '所属小区',
    'field.address': '地址',
    'field.units': '单元数',
    'field.floors': '楼层数',
    'field.rooms_per_floor': '每层户数',
    'field.area': '面积',
    'field.first_floor': '起始楼层',
  },

  en: {
    'app.name': 'Linli',
    'app.title': 'Linli · community governance',
    'lang.switch': '中文',
    'lang.switch.label': '切换到中文',
    'nav.label': 'Main navigation',
    'pillar.resources': 'Resources',
    'nav.structure': 'Community structure',
    'account.logout': 'Log out',
    'loading': 'Loading…',

    'login.title': 'Log in',
    'login.intro': 'Community workers, grid workers and volunteers log in with their account.',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Log in',
    'login.busy': 'Logging in…',
    'login.failed': 'Wrong username or password.',

    'communities.title': 'Communities',
    'communities.empty': 'There are no communities you can see yet.',
    'communities.street': 'Street: {name}',

    'count.grids': 'Grids',
    'count.compounds': 'Compounds',
    'count.buildings': 'Buildings',
    'count.units': 'Units',
    'count.dwellings': 'Dwellings',
    'count.area': 'Floor area (m²)',
    'meta.compound': '{buildings} buildings · {dwellings} dwellings',
    'meta.building': '{floors} floors · {dwellings} dwellings',

    'community.counts': 'Overview',
    'community.tree': 'Structure',
    'community.street': 'Street',
    'community.community': 'Community',
    'community.grids': 'Grids',
    'community.compounds': 'Compounds',
    'community.no_grids': 'No grids yet.',
    'community.no_compounds': 'No compounds yet.',
    'community.no_buildings': 'No buildings yet.',
    'community.grid_of': 'Grid: {name}',
    'community.not_laid_out': 'not laid out',
    'community.buildings_in_grid': '{n} buildings',
    'community.maintain': 'Maintain the structure',
    'community.back': 'Back to communities',

    'form.add_grid': 'Add a grid',
    'form.add_compound': 'Add a compound',
    'form.add_building': 'Add a building',
    'form.layout': 'Lay out a building (units, floors, rooms)',
    'form.name': 'Name',
    'form.grid': 'Grid',
    'form.grid_none': '(none)',
    'form.address': 'Address',
    'form.optional': 'optional',
    'form.compound': 'Compound',
    'form.building': 'Building',
    'form.units': 'Units',
    'form.floors': 'Floors',
    'form.rooms_per_floor': 'Rooms per floor',
    'form.area': 'Area per dwelling (m²)',
    'form.area_hint': 'At most two decimals, e.g. 89.50',
    'form.first_floor': 'First floor',
    'form.first_floor_hint': 'Basements start below zero, e.g. -1',
    'form.submit_add': 'Add',
    'form.submit_layout': 'Lay out',
    'form.no_empty_buildings': 'Every building is laid out already.',
    'form.no_compounds': 'Add a compound first.',
    'form.added': 'Added “{name}”.',
    'form.laid_out': 'Laid out {units} units, {dwellings} dwellings.',
    'form.bad_area': 'Area must be a number above 0 with at most two decimals.',
    'form.bad_int': 'The {field} must be a whole number.',

    'building.back': 'Back to {name}',
    'building.floor': 'Floor',
    'building.unit_caption': '{unit}: {floors} floors × {rooms} rooms per floor, area in m²',
    'building.scroll': 'Rooms of {unit}, scrolls sideways',
    'building.room_col': 'Room {n}',
    'building.unit_count': '{n} dwellings',
    'building.empty': 'This building has no units or rooms yet.',
    'building.print': 'Print',
    'building.summary': '{units} units · {floors} floors · {dwellings} dwellings · {area}',

    'err.invalid': 'Invalid input',
    'err.bad_request': 'The request was malformed',
    'err.unauthorized': 'Your session has ended; please log in again.',
    'err.forbidden': 'You may not do this.',
    'err.csrf': 'Security check failed; reload the page and try again.',
    'err.not_found': 'Not found, or outside the area you look after.',
    'err.method_not_allowed': 'This action is not supported.',
    'err.conflict': 'This clashes with what is stored (duplicate name, or a building already laid out).',
    'err.too_large': 'What you sent is too large.',
    'err.unsupported_media_type': 'What you sent is in an unsupported format.',
    'err.rate_limited': 'Too many attempts; please wait and try again.',
    'err.unavailable': 'The server is busy; please try again shortly.',
    'err.network': 'Cannot reach the server; check the network.',
    'err.unknown': 'Something went wrong ({status}).',
    'err.field': ' ({field})',
    'err.page': 'There is no such page.',

    'field.username': 'username',
    'field.password': 'password',
    'field.name': 'name',
    'field.grid_id': 'grid',
    'field.compound_id': 'compound',
    'field.address': 'address',
    'field.units': 'units',
    'field.floors': 'floors',
    'field.rooms_per_floor': 'rooms per floor',
    'field.area': 'area',
    'field.first_floor': 'first floor',
  },
};

export const LANGS = Object.keys(STRINGS);

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; /* storage can be off (private mode); fall back to default */
  }
}

let current = LANGS.includes(stored()) ? stored() : 'zh-CN';
const listeners = new Set();

export function lang() {
  return current;
}

/* Translate key; a missing key shows itself so it is noticed, not hidden. */
export function t(key, params) {
  let s = STRINGS[current][key] ?? STRINGS['zh-CN'][key] ?? key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  }
  return s;
}

/* Whether key exists, for optional lookups such as field names. */
export function has(key) {
  return key in STRINGS[current];
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* not kept across reloads then; the switch still works */
  }
  applyDocument();
  for (const fn of listeners) fn(next);
}

export function otherLang() {
  return current === 'zh-CN' ? 'en' : 'zh-CN';
}

export function onLangChange(fn) {
  listeners.add(fn);
}

export function applyDocument() {
  document.documentElement.lang = current;
  document.title = t('app.title');
}

/*
 * Whole numbers with grouping for the current language. Only integers are
 * formatted this way: areas are integer 0.01 m² and are split exactly by
 * formatArea, never through floating point.
 */
export function formatInt(n) {
  return new Intl.NumberFormat(current).format(n);
}

/* Area in 0.01 m² -> "1,234.50" (exact integer arithmetic). */
export function formatArea(area) {
  const a = Math.trunc(Number(area) || 0);
  const sign = a < 0 ? '-' : '';
  const abs = Math.abs(a);
  const whole = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${formatInt(whole)}.${cents}`;
}
