// One job: its state, actions (admins only), per-table progress, lag chart, verify findings, validations, events.
import { get, post, del, path } from './api.js';
import { h, table, badge, progressBar, bytes, time, every, confirmAction, errorText } from './ui.js';
import { overallPercent, lagText } from './jobs.js';
import { lineChart, secondsAxis, bytesAxis } from './chart.js';

// Which verb the server accepts in which state (the server's state machine decides; this only hides buttons).
const ACTIONS = [
  ['verify', ['DRAFT', 'NOT_STARTED', 'RUNNING', 'STOPPED', 'FAILED'], 'Run the checks on the source and destination?'],
  ['start', ['NOT_STARTED'], 'Start the migration?'],
  ['stop', ['STARTING', 'RUNNING', 'RESUMING', 'RESTARTING'], 'Stop the job? It can be resumed later.'],
  ['resume', ['STOPPED', 'FAILED'], 'Resume the job where it stopped?'],
  ['restart', ['STOPPED', 'FAILED'], 'Restart the job from the beginning? The destination databases are emptied and copied again.'],
  ['promote', ['RUNNING', 'STOPPED', 'FAILED'], 'Promote the destination? Replication stops and the destination becomes writable.'],
  ['delete', ['DRAFT', 'NOT_STARTED', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'RESUMING', 'RESTARTING', 'FAILED',
    'COMPLETED'], 'Delete the job? Its history is removed.'],
];

/**
 * A table's estimated rows: the source's statistics, or without them (a table never analyzed has none) the exact count
 * once copied; otherwise unknown rather than 0.
 */
function estimatedRows(o) {
  if (o.rowsEstimated > 0) return o.rowsEstimated;
  if (o.state === 'COPIED' && o.rowsCopied > 0) return o.rowsCopied;
  return h('span', { class: 'hint', title: 'The source\'s statistics have no estimate for this table yet' }, '—');
}

/** What the lag section says while there are no lag samples to chart. */
function lagWaiting(job) {
  if (['DRAFT', 'NOT_STARTED'].includes(job.state)) return 'No replication yet: the job has not started.';
  if (job.phase === 'FULL_DUMP') return 'No replication yet: the initial copy is running.';
  return 'No samples yet: the lag is recorded every 10 s while the job replicates.';
}

export function render(main, session, name) {
  const base = `/v1/migrationJobs/${path(name)}`;
  const header = h('div', { id: 'job-header' });
  const actions = h('div', { id: 'actions', class: 'actions' });
  const message = h('p', { id: 'action-message', role: 'status' });
  const status = h('p', { class: 'error', role: 'alert' });
  const progress = h('div', { id: 'progress' });
  const lagHint = h('p', { id: 'lag-hint', class: 'hint' });
  const lagCharts = h('div', { id: 'lag-charts' });
  const lag = h('section', { id: 'lag', hidden: true }, h('h2', {}, 'Replication lag'), lagHint, lagCharts);
  const findings = h('section', { id: 'findings-section' }, h('h2', {}, 'Verify findings'),
    h('div', { id: 'findings' }, h('p', { class: 'hint' }, session.admin ? 'Verify the job to see its findings.'
      : 'An admin can verify the job.')));
  const validations = h('section', { id: 'validations-section' }, h('h2', {}, 'Validations'), h('div', { id: 'validations' }));
  const events = h('section', {}, h('h2', {}, 'Events'), h('div', { id: 'events' }));
  main.append(h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')), header, actions, message, status,
    h('section', {}, h('h2', {}, 'Progress'), progress), lag, findings, validations, events);
  let current = null;
  let samples = [];

  async function act(verb) {
    if (!(await confirmAction(ACTIONS.find((a) => a[0] === verb)[2]))) return;
    errorText(message, null);
    message.className = '';
    try {
      if (verb === 'verify') {
        const answer = await post(`${base}:verify`, {});
        showFindings(answer.findings);
        message.textContent = `Verify found ${answer.findings.length} finding(s).`;
      } else if (verb === 'delete') {
        await del(base);
        location.hash = '#/jobs';
      } else {
        const op = await post(`${base}:${verb}`, {});
        message.textContent = `${verb[0].toUpperCase()}${verb.slice(1)} requested (operation ${op.name}).`;
      }
    } catch (e) {
      message.className = 'error';
      errorText(message, e);
    }
  }

  function showFindings(list) {
    document.getElementById('findings').replaceChildren(table(['Severity', 'Code', 'Object', 'Message', 'Remedy'],
      list.map((f) => [badge(f.severity), f.code, f.object ?? '', f.message, f.remedy ?? '']), { id: 'findings-table' }));
  }

  function showJob(job, objects) {
    current = job;
    header.replaceChildren(
      h('h1', {}, job.name, ' ', badge(job.state), ' ', badge(job.phase)),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Type'), h('dd', {}, job.type),
        h('dt', {}, 'Source → destination'), h('dd', {}, `${job.source} → ${job.destination}`),
        h('dt', {}, 'Started'), h('dd', {}, time(job.startTime)),
        h('dt', {}, 'Duration'), h('dd', {}, job.duration ?? ''),
        h('dt', {}, 'Lag'), h('dd', { id: 'job-lag' }, lagText(job.lag)),
        h('dt', {}, 'Health'), h('dd', {}, job.health ? `${job.health.status}${job.health.lastError ? `: ${job.health.lastError}` : ''}` : ''),
        job.error ? [h('dt', {}, 'Error'), h('dd', { class: 'error' }, `${job.error.code}: ${job.error.message}`)] : []));
    if (session.admin) {
      actions.replaceChildren(...ACTIONS
        .filter(([verb, states]) => states.includes(job.state) && (verb !== 'promote' || job.type === 'CONTINUOUS'))
        .map(([verb]) => h('button', { type: 'button', id: `action-${verb}`, class: verb === 'delete' ? 'danger' : '',
          onclick: () => act(verb) }, verb[0].toUpperCase() + verb.slice(1))));
    }
    showLag();
    progress.replaceChildren(
      h('p', {}, 'Copied: ', progressBar(overallPercent(job, objects), { id: 'overall-progress' })),
      table(['Table', 'State', 'Phase', 'Rows copied', 'Estimated rows', 'Bytes copied', 'Progress', 'Rows applied (CDC)'],
        objects.map((o) => [o.name, badge(o.state), badge(o.phase), o.rowsCopied, estimatedRows(o), bytes(o.bytesCopied),
          progressBar(o.percent), o.rowsApplied]), { id: 'objects-table' }));
  }

  function showLag() {
    lag.hidden = current.type !== 'CONTINUOUS';
    lagHint.hidden = samples.length > 0;
    lagHint.textContent = samples.length ? '' : lagWaiting(current);
  }

  const stopJob = every(2000, async () => {
    const [job, { objects }, { events: list }] = await Promise.all([get(base), get(`${base}/objects`),
      get(`${base}/events?limit=100`)]);
    showJob(job, objects);
    document.getElementById('events').replaceChildren(table(['Time', 'Severity', 'Message'],
      list.slice().reverse().map((e) => [time(e.time), badge(e.severity), e.message]), { id: 'events-table' }));
  }, status);

  const stopSlow = every(5000, async () => {
    if (current && current.type === 'CONTINUOUS') {
      ({ samples } = await get(`${base}/lagHistory?window=1h`));
      const points = (key) => samples.map((s) => ({ time: new Date(s.time), value: s[key] }));
      lagCharts.replaceChildren(...(samples.length ? [
        lineChart('lag-seconds-chart', 'Lag in seconds', points('lagSeconds'), secondsAxis),
        lineChart('lag-bytes-chart', 'Lag in bytes', points('lagBytes'), bytesAxis)] : []));
      showLag();
    }
    const { validations: list } = await get(`${base}/validations`);
    document.getElementById('validations').replaceChildren(table(['Started', 'Mode', 'Status', 'Rows', 'Message', 'Tables'],
      list.map((v) => [time(v.startTime), v.mode, badge(v.status), v.rows, v.message ?? '',
        (v.tableResults ?? []).filter((t) => t.status !== 'CLEAN').map((t) => `${t.name}: ${t.status}${t.note ? ` (${t.note})` : ''}`).join('; ')
          || 'all tables equal'])));
  }, status);

  return () => {
    stopJob();
    stopSlow();
  };
}
