// Connection profiles: the list, and for admins a form for an existing server or a managed instance.
import { get, post, finished } from './api.js';
import { h, table, badge, field, every, errorText } from './ui.js';

function where(p) {
  const c = p.postgresql ?? p.mysql;
  if (c) return `${c.username}@${c.host}:${c.port}${c.database ? `/${c.database}` : ''}`;
  const m = p.managedInstance;
  const endpoint = m.endpoint ? ` at ${m.endpoint.host}:${m.endpoint.port}` : '';
  return `managed ${m.engine} ${m.version ?? ''}${endpoint}`;
}

function kind(p) {
  return p.postgresql ? 'PostgreSQL' : p.mysql ? 'MySQL/MariaDB' : 'Managed instance';
}

export function render(main, session) {
  const list = h('div', { id: 'profiles' });
  const status = h('p', { class: 'error', role: 'alert' });
  main.append(h('h1', {}, 'Connection profiles'), status, list);
  if (session.admin) main.append(createForm());
  return every(5000, async () => {
    const { connectionProfiles } = await get('/v1/connectionProfiles');
    list.replaceChildren(table(['Name', 'Kind', 'Where', 'State', 'Error'],
      connectionProfiles.map((p) => [p.name, kind(p), where(p), badge(p.state), p.error ?? '']), { id: 'profiles-table' }));
  }, status);
}

function createForm() {
  const input = (id, attrs = {}) => h('input', { id, ...attrs });
  const name = input('profile-name', { required: true });
  const type = h('select', { id: 'profile-kind' },
    h('option', { value: 'postgresql' }, 'Existing PostgreSQL server'),
    h('option', { value: 'mysql' }, 'Existing MySQL or MariaDB server'),
    h('option', { value: 'managed' }, 'New managed instance (Ferry creates it)'));
  const host = input('profile-host', { value: '127.0.0.1' });
  const port = input('profile-port', { type: 'number', min: 1, max: 65535 });
  const username = input('profile-username');
  const password = input('profile-password', { type: 'password', autocomplete: 'new-password' });
  const database = input('profile-database', { placeholder: 'optional' });
  const ssl = h('select', { id: 'profile-ssl' }, ['', 'disable', 'prefer', 'require', 'verify-ca', 'verify-full']
    .map((m) => h('option', { value: m }, m || 'default (require)')));
  const engine = h('select', { id: 'profile-engine' },
    h('option', { value: 'postgresql' }, 'PostgreSQL'), h('option', { value: 'mariadb' }, 'MariaDB'));
  const version = input('profile-version', { placeholder: 'such as 16 (empty: the newest installed)' });
  const managedPort = input('profile-managed-port', { type: 'number', min: 1, max: 65535, placeholder: 'a free port' });
  const existing = h('fieldset', { id: 'profile-existing' }, field('Host', host), field('Port', port),
    field('Username', username), field('Password', password), field('Database', database), field('TLS mode', ssl));
  const managed = h('fieldset', { id: 'profile-managed', hidden: true }, field('Engine', engine),
    field('Version', version), field('Port', managedPort));
  type.addEventListener('change', () => {
    managed.hidden = type.value !== 'managed';
    existing.hidden = type.value === 'managed';
  });
  const error = h('p', { class: 'error', role: 'alert', id: 'profile-error' });
  const progress = h('p', { id: 'profile-status', role: 'status' });
  const form = h('form', { id: 'profile-form', class: 'card' }, h('h2', {}, 'New connection profile'),
    field('Name', name), field('Kind', type), existing, managed,
    h('button', { type: 'submit', id: 'profile-create' }, 'Create profile'), progress, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorText(error, null);
    let body;
    if (type.value === 'managed') {
      body = { managedInstance: { engine: engine.value, version: version.value || null,
        port: managedPort.value ? Number(managedPort.value) : null } };
    } else {
      body = { [type.value]: { host: host.value, port: port.value ? Number(port.value) : null, username: username.value,
        password: password.value || null, database: database.value || null, ssl: ssl.value ? { mode: ssl.value } : null } };
    }
    progress.textContent = type.value === 'managed' ? 'Creating the instance…' : 'Checking the connection…';
    try {
      await finished(await post(`/v1/connectionProfiles?connectionProfileId=${encodeURIComponent(name.value)}`, body));
      progress.textContent = `Profile ${name.value} created.`;
      password.value = '';
      name.value = '';
    } catch (e) {
      progress.textContent = '';
      errorText(error, e);
    }
  });
  return form;
}
