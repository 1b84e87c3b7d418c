// The console's shell: who is signed in, navigation by the URL's hash, and the view that shows it.
import { get, del } from './api.js';
import { h } from './ui.js';
import * as jobs from './jobs.js';
import * as job from './job.js';
import * as profiles from './profiles.js';
import * as operations from './operations.js';

const main = document.getElementById('main');
let leave = () => {};

function route(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'jobs':
      return parts[1] ? [job, parts[1], 'nav-jobs'] : [jobs, null, 'nav-jobs'];
    case 'profiles':
      return [profiles, null, 'nav-profiles'];
    case 'operations':
      return [operations, null, 'nav-operations'];
    default:
      return [jobs, null, 'nav-jobs'];
  }
}

function show(session) {
  leave();
  const [view, arg, nav] = route(location.hash);
  document.querySelectorAll('header nav a').forEach((a) => a.classList.toggle('current', a.id === nav));
  main.replaceChildren();
  leave = view.render(main, { ...session, admin: session.role === 'admin' }, arg) ?? (() => {});
}

async function start() {
  const session = await get('/v1/sessions/current');
  document.getElementById('who').replaceChildren(h('span', { id: 'who-name' }, session.name), ' ',
    h('span', { class: 'badge' }, session.role));
  document.getElementById('signout').addEventListener('click', async () => {
    await del('/v1/sessions/current').catch(() => {});
    location.assign('/signin');
  });
  window.addEventListener('hashchange', () => show(session));
  show(session);
}

start().catch((e) => {
  main.replaceChildren(h('p', { class: 'error' }, e.message));
});
