// The jobs list: state, phase, copy progress, lag, type, source → destination; admins also get the create form.
import { get, post, finished, path } from './api.js';
import { h, table, badge, progressBar, seconds, bytes, field, every, errorText } from './ui.js';

/** The copy's progress in percent over all tables, weighted by their estimated size. */
export function overallPercent(job, objects) {
  if (job.state === 'COMPLETED') return 100;
  if (objects.length && objects.every((o) => o.state === 'COPIED' || o.state === 'SKIPPED')) return 100;
  const weight = (o) => Math.max(o.bytesEstimated, 1);
  const total = objects.reduce((sum, o) => sum + weight(o), 0);
  return total ? Math.floor(objects.reduce((sum, o) => sum + o.percent * weight(o), 0) / total) : 0;
}

export function lagText(lag) {
  return lag ? `${seconds(lag.seconds)} · ${bytes(lag.bytes)}` : '';
}

export function render(main, session) {
  const list = h('div', { id: 'jobs' });
  const status = h('p', { class: 'error', role: 'alert' });
  main.append(h('h1', {}, 'Migration jobs'), status, list);
  if (session.admin) main.append(createForm());
  return every(3000, async () => {
    const { migrationJobs: jobs } = await get('/v1/migrationJobs');
    const objects = await Promise.all(jobs.map((j) => get(`/v1/migrationJobs/${path(j.name)}/objects`)
      .then((a) => a.objects).catch(() => [])));
    list.replaceChildren(table(['Name', 'State', 'Phase', 'Progress', 'Lag', 'Type', 'Source → destination'],
      jobs.map((j, i) => [
        h('a', { href: `#/jobs/${path(j.name)}`, class: 'job-link' }, j.name),
        badge(j.state), badge(j.phase), progressBar(overallPercent(j, objects[i])), lagText(j.lag),
        j.type, `${j.source} → ${j.destination}`,
      ]), { id: 'jobs-table' }));
  }, status);
}

function createForm() {
  const name = h('input', { id: 'job-name', required: true, pattern: '[a-z0-9]([a-z0-9-]*[a-z0-9])?' });
  const type = h('select', { id: 'job-type' },
    h('option', { value: 'CONTINUOUS' }, 'Continuous (copy, then replicate until promoted)'),
    h('option', { value: 'ONE_TIME' }, 'One-time (copy, then done)'));
  const source = h('select', { id: 'job-source', required: true });
  const destination = h('select', { id: 'job-destination', required: true });
  const include = h('input', { id: 'job-include', placeholder: 'shop, crm.public.orders (empty: everything)' });
  const readLimit = h('input', { id: 'job-read-limit', type: 'number', min: 1, placeholder: 'unlimited' });
  const error = h('p', { class: 'error', role: 'alert', id: 'job-error' });
  get('/v1/connectionProfiles').then(({ connectionProfiles }) => {
    // Both start on a placeholder: the list is sorted by name, so no position in it says which profile is which side.
    for (const select of [source, destination]) {
      select.replaceChildren(h('option', { value: '' }, 'Choose a profile'),
        ...connectionProfiles.map((p) => h('option', { value: p.name }, p.name)));
    }
  }).catch((e) => errorText(error, e));
  const form = h('form', { id: 'job-form', class: 'card' },
    h('h2', {}, 'New migration job'),
    field('Name', name), field('Type', type), field('Source profile', source),
    field('Destination profile', destination), field('Include (comma-separated)', include),
    field('Source read limit, bytes/s', readLimit),
    h('button', { type: 'submit', id: 'job-create' }, 'Create job'), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorText(error, null);
    const body = { type: type.value, source: source.value, destination: destination.value };
    const patterns = include.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (patterns.length) body.objectsConfig = { include: patterns };
    if (readLimit.value) body.reliabilityConfig = { readBytesPerSecond: Number(readLimit.value) };
    try {
      await finished(await post(`/v1/migrationJobs?migrationJobId=${encodeURIComponent(name.value)}`, body));
      location.hash = `#/jobs/${path(name.value)}`;
    } catch (e) {
      errorText(error, e);
    }
  });
  return form;
}
