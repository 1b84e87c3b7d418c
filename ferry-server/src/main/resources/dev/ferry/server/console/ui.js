// Small DOM helpers shared by the views: no framework, no inline scripts or styles (the CSP forbids them).

/** Builds an element: h('a', {href: '#/jobs'}, 'Jobs'). Attributes starting with "on" become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A table with a header row; each row is a list of cells (text or nodes). */
export function table(headers, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.length
      ? rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))))
      : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'None'))));
}

export function errorText(el, error) {
  el.textContent = error ? error.message : '';
}

/** Asks for confirmation in the page's dialog; resolves true when confirmed. */
export function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

export function bytes(n) {
  if (n === null || n === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function seconds(s) {
  if (s === null || s === undefined) return '';
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function progressBar(percent, attrs = {}) {
  return h('span', { class: 'progress' },
    h('progress', { max: 100, value: percent, ...attrs }), h('span', { class: 'percent' }, `${percent} %`));
}

export function badge(text) {
  return text ? h('span', { class: `badge ${String(text).toLowerCase()}` }, text) : '';
}

/** A labelled form field. */
export function field(label, input) {
  return h('label', {}, h('span', {}, label), input);
}

/** Runs fn now and then every ms until the returned function is called; a failing run is shown in el. */
export function every(ms, fn, el) {
  let stopped = false;
  let timer;
  const tick = async () => {
    if (stopped) return;
    try {
      await fn();
      if (el) el.textContent = '';
    } catch (e) {
      if (el) el.textContent = `Could not refresh: ${e.message}`;
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
