// A line chart of one series over time, drawn as SVG (no chart library, nothing loaded from elsewhere).
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 180;
const PAD = { left: 70, right: 12, top: 12, bottom: 28 };

function el(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Round ticks from 0 up to at least max, about four steps of 1, 2 or 5 times a power of ten, written in the largest of
 * units ({size, name, from, whole}: max from `from` on is written in `name`, whole units take no fractions) that max
 * reaches, with as many decimals as the step needs so that no two labels are alike: [{value, label}].
 */
function ticks(max, units) {
  const unit = units.findLast((u) => max >= u.from) ?? units[0];
  const top = max / unit.size;
  let exponent = Math.floor(Math.log10(top / 4));
  const multiple = [1, 2, 5, 10].find((m) => m * 10 ** exponent >= top / 4);
  if (multiple === 10) exponent += 1;
  let step = (multiple === 10 ? 1 : multiple) * 10 ** exponent;
  if (unit.whole && step < 1) {
    step = 1;
    exponent = 0;
  }
  const decimals = Math.max(0, -exponent);
  const count = Math.max(1, Math.ceil(top / step - 1e-9));
  return Array.from({ length: count + 1 }, (_, i) => ({
    value: i * step * unit.size,
    label: `${i === 0 ? '0' : (i * step).toFixed(decimals)} ${unit.name}`,
  }));
}

/** The axis of a chart in seconds: ms below 1 s, minutes from 2 min, hours from 2 h. */
export const secondsAxis = (max) => ticks(max, [{ size: 0.001, name: 'ms', from: 0 }, { size: 1, name: 's', from: 1 },
  { size: 60, name: 'min', from: 120 }, { size: 3600, name: 'h', from: 7200 }]);

/** The axis of a chart in bytes, in B, KiB, MiB, GiB or TiB. */
export const bytesAxis = (max) => ticks(max, ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  .map((name, i) => ({ size: 1024 ** i, name, from: 1024 ** i, whole: i === 0 })));

/** points: [{time: Date, value: number}], oldest first; axis: the y-axis's ticks up to a maximum (secondsAxis, bytesAxis). */
export function lineChart(id, title, points, axis) {
  const svg = el('svg', { id, class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img',
    'data-points': points.length });
  svg.append(el('title', {}, title));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  svg.append(el('rect', { x: PAD.left, y: PAD.top, width: plotW, height: plotH, class: 'plot' }));
  if (!points.length) {
    svg.append(el('text', { x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle', class: 'axis' },
      'No samples yet: the lag is recorded every 10 s while the job replicates'));
    return svg;
  }
  const t0 = points[0].time.getTime();
  const t1 = Math.max(points[points.length - 1].time.getTime(), t0 + 1000);
  const marks = axis(Math.max(...points.map((p) => p.value)) || 1);
  const max = marks[marks.length - 1].value;
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v) => PAD.top + plotH - (v / max) * plotH;
  for (const { value, label } of marks) {
    svg.append(el('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: 'grid' }));
    svg.append(el('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'axis', 'data-tick': value },
      label));
  }
  svg.append(el('text', { x: PAD.left, y: HEIGHT - 8, class: 'axis' }, points[0].time.toLocaleTimeString()));
  svg.append(el('text', { x: WIDTH - PAD.right, y: HEIGHT - 8, 'text-anchor': 'end', class: 'axis' },
    points[points.length - 1].time.toLocaleTimeString()));
  const line = points.map((p) => `${x(p.time.getTime()).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  svg.append(el('polyline', { points: line, class: 'series' }));
  for (const p of points.length <= 60 ? points : []) {
    svg.append(el('circle', { cx: x(p.time.getTime()), cy: y(p.value), r: 2.5, class: 'dot' }));
  }
  return svg;
}
