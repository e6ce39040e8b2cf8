// The console's only way to the server: the session endpoints and one generic call endpoint that
// runs an AWS operation as the signed-in principal (authorized and recorded like any API call).
// Every state-changing request carries the CSRF token the session endpoint hands out.

let csrfToken = '';
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message || code);
    this.code = code || 'Error';
    this.status = status || 0;
  }
}

export function setSignedOutHandler(fn) {
  onSignedOut = fn;
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('InvalidResponse',
                       `The server answered HTTP ${response.status} with a body that is not JSON.`,
                       response.status);
  }
}

export async function getSession() {
  const response = await fetch('/console/api/session', {
    credentials: 'same-origin',
    headers: {Accept: 'application/json'},
    cache: 'no-store',
  });
  const body = await readJson(response);
  if (!response.ok) {
    const e = body.error || {};
    throw new ApiError(e.code || 'SessionUnavailable',
                       e.message || `The session endpoint answered HTTP ${response.status}.`,
                       response.status);
  }
  if (body.csrfToken) csrfToken = body.csrfToken;
  return body;
}

// POSTs JSON to a console endpoint. Returns the parsed body; throws ApiError for an {"error"} body
// or a non-2xx status.
export async function post(path, payload) {
  if (!csrfToken) await getSession();
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken, Accept: 'application/json'},
    body: JSON.stringify(payload || {}),
  });
  const body = await readJson(response);
  if (body && body.csrfToken) csrfToken = body.csrfToken;
  if (body && body.error) {
    throw new ApiError(body.error.code, body.error.message, response.status);
  }
  if (!response.ok) {
    throw new ApiError('HttpError', `The server answered HTTP ${response.status}.`, response.status);
  }
  return body;
}

export async function signIn(form) {
  return post('/console/api/signin', form);
}

export async function changePassword(form) {
  return post('/console/api/change-password', form);
}

export async function signOut() {
  // The answer carries the token of the fresh anonymous session (for the next sign-in form).
  return post('/console/api/signout', {});
}

// Runs one AWS operation. Input and output use the botocore member names of the service model.
export async function call(service, operation, input = {}) {
  try {
    const body = await post('/console/api/call', {service, operation, input});
    return body.output || {};
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 &&
        /NotSignedIn|SessionExpired|Unauthenticated/i.test(e.code)) {
      onSignedOut();
    }
    throw e;
  }
}

// Follows a paged list operation to the end (or up to maxPages), concatenating one member.
export async function callAll(service, operation, input, member, tokenIn = 'Marker',
                              tokenOut = 'Marker', maxPages = 20) {
  let items = [];
  let req = {...input};
  for (let page = 0; page < maxPages; page++) {
    const out = await call(service, operation, req);
    items = items.concat(out[member] || []);
    const next = out[tokenOut];
    const truncated = out.IsTruncated === undefined ? Boolean(next) : out.IsTruncated;
    if (!next || !truncated) break;
    req = {...input, [tokenIn]: next};
  }
  return items;
}

export async function getOutbox() {
  const response = await fetch('/console/api/outbox', {
    credentials: 'same-origin',
    headers: {Accept: 'application/json'},
    cache: 'no-store',
  });
  const body = await readJson(response);
  if (body.error) throw new ApiError(body.error.code, body.error.message, response.status);
  if (!response.ok) throw new ApiError('HttpError', `HTTP ${response.status}`, response.status);
  return Array.isArray(body) ? body : (body.messages || body.emails || []);
}
