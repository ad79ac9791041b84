/*
 * dom: a tiny element builder.
 *
 * Why not innerHTML: names of compounds and people come from users, so text
 * is always set as text, never parsed as markup. Why not inline handlers:
 * the server's CSP forbids them; listeners are attached here instead.
 *
 * h('button', {class: 'x', dataset: {testid: 'go'}, onclick: fn}, 'Go')
 *   - on<event> keys become addEventListener
 *   - dataset sets data-* attributes
 *   - false / null / undefined attributes and children are skipped
 */

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k === 'class') {
        el.className = v;
      } else if (k === 'text') {
        el.textContent = v;
      } else if (k === 'value') {
        el.value = v;
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/* A stable, unique id for label/for and aria-describedby pairs. */
let seq = 0;
export function uid(prefix) {
  seq += 1;
  return `${prefix}-${seq}`;
}
