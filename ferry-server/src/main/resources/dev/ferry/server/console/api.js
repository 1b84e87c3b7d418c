// The console's one way to the server: the JSON API under /v1, with the session cookie the browser holds.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function call(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  const answer = await fetch(path, init);
  if (answer.status === 401 && path !== '/v1/sessions') {
    location.assign('/signin');
  }
  const data = await answer.json().catch(() => null);
  if (!answer.ok) {
    throw new ApiError(answer.status, data?.code, data?.message ?? `HTTP ${answer.status}`);
  }
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const del = (path) => call('DELETE', path);

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for a mutating call's operation to finish; throws its error, returns its response. */
export async function finished(operation) {
  let op = operation;
  while (!op.done) {
    await pause(1000);
    op = await get(`/v1/operations/${encodeURIComponent(op.name)}`);
  }
  if (op.error) {
    throw new ApiError(400, op.error.code, op.error.message);
  }
  return op.response;
}

export const path = (...parts) => parts.map(encodeURIComponent).join('/');
