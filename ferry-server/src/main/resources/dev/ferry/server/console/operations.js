// The newest operations: every mutating call, who made it, and how it ended.
import { get } from './api.js';
import { h, table, badge, time, every } from './ui.js';

export function render(main) {
  const list = h('div', { id: 'operations' });
  const status = h('p', { class: 'error', role: 'alert' });
  main.append(h('h1', {}, 'Operations'), status, list);
  return every(5000, async () => {
    const { operations } = await get('/v1/operations?limit=100');
    list.replaceChildren(table(['Created', 'Verb', 'Target', 'By', 'Status', 'Ended', 'Message'],
      operations.map((o) => [time(o.metadata.createTime), o.metadata.verb, o.metadata.target, o.metadata.createdBy ?? '',
        badge(o.error ? 'FAILED' : o.done ? 'DONE' : 'RUNNING'), time(o.metadata.endTime),
        o.error ? o.error.message : (o.metadata.statusMessage ?? '')]), { id: 'operations-table' }));
  }, status);
}
