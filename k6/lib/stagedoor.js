// Shared helpers of the Stagedoor k6 scripts: configuration, dev tokens, a small JSON client
// with one tag set per endpoint, the drop set-up, and the fan's steps (queue, seats, hold,
// points, payment, cancellation), plus the end-of-test sales audit.
//
// The HTTP contract these helpers follow is shared/DESIGN.md §4. Every call goes through
// `call()`, which tags the request with `endpoint` (a short name used by the thresholds) and
// `name` (the URL template, so k6 does not make one time series per reservation id).
//
// k6 runs this module once per VU (and once more for setup/teardown): module-level state is
// per VU, never shared. Anything the whole run must know goes through metrics (aggregated by
// k6) or is asked from the service again at the end (see auditSales).

import http from 'k6/http';
import { sleep } from 'k6';
import { hmac } from 'k6/crypto';
import { b64encode } from 'k6/encoding';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/**
 * The bearer-token secret of the test infrastructure (TestInfrastructure.AUTH_SECRET, used by
 * `./mvnw spring-boot:test-run`) and of bench/start-service.sh. docker compose uses another
 * one: see the README.
 */
export const DEV_JWT_SECRET = 'stagedoor-test-auth-secret-0123456789abcdef';

/**
 * A string from the environment (`k6 run -e NAME=value` or the process environment).
 * @param {string} name
 * @param {string} fallback
 * @returns {string}
 */
export function envString(name, fallback) {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : value;
}

/**
 * A number from the environment; a value that is not a number stops the script at once.
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
export function envNumber(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new Error(`${name}=${raw} is not a number`);
  }
  return value;
}

/**
 * A whole number from the environment.
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
export function envInt(name, fallback) {
  const value = envNumber(name, fallback);
  if (!Number.isInteger(value)) {
    throw new Error(`${name}=${value} is not a whole number`);
  }
  return value;
}

/**
 * A probability (0 … 1) from the environment.
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
export function envProbability(name, fallback) {
  const value = envNumber(name, fallback);
  if (value < 0 || value > 1) {
    throw new Error(`${name}=${value} must be between 0 and 1`);
  }
  return value;
}

/** Settings shared by every script. */
export const config = Object.freeze({
  /** Where the service listens, without a trailing slash. */
  baseUrl: envString('BASE_URL', 'http://localhost:8080').replace(/\/+$/, ''),
  /** stagedoor.auth.jwt-secret of the service under test. */
  jwtSecret: envString('JWT_SECRET', DEV_JWT_SECRET),
  /** Seconds a fan waits for admission before giving up. */
  admissionTimeoutSeconds: envNumber('ADMISSION_TIMEOUT', 120),
  /** Multiplies every latency threshold (a slow machine, or k6 on the service's cores). */
  latencyFactor: envNumber('LATENCY_FACTOR', 1),
  /** Directory the summaries are written to (must exist). */
  summaryDir: envString('SUMMARY_DIR', '.').replace(/\/+$/, ''),
});

/**
 * Latency thresholds per endpoint tag: `{ hold: [250, 500] }` becomes
 * `http_req_duration{endpoint:hold}: ['p(95)<250', 'p(99)<500']`, each limit (ms) multiplied
 * by LATENCY_FACTOR.
 * @param {Record<string, [number, number]>} limits p95 and p99 limits in ms per endpoint
 * @returns {Record<string, string[]>}
 */
export function latencyThresholds(limits) {
  /** @type {Record<string, string[]>} */
  const thresholds = {};
  Object.keys(limits).forEach((endpoint) => {
    const [p95, p99] = limits[endpoint];
    thresholds[`http_req_duration{endpoint:${endpoint}}`] = [
      `p(95)<${Math.round(p95 * config.latencyFactor)}`,
      `p(99)<${Math.round(p99 * config.latencyFactor)}`,
    ];
  });
  return thresholds;
}

/** Trend statistics the summaries show (p(99) is not in k6's default list). */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

let warnings = 0;
const MAX_WARNINGS = envInt('MAX_WARNINGS', 20);

/**
 * Logs a warning, at most MAX_WARNINGS per VU, so a failing service does not flood the output.
 * @param {string} message
 */
export function warn(message) {
  warnings++;
  if (warnings <= MAX_WARNINGS) {
    console.warn(`[vu ${__VU}] ${message}`);
  } else if (warnings === MAX_WARNINGS + 1) {
    console.warn(`[vu ${__VU}] more warnings suppressed (MAX_WARNINGS=${MAX_WARNINGS})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Dev bearer tokens: HS256 JWT {sub, iat, exp, roles}, the same as bench/tokens.py makes
// ---------------------------------------------------------------------------------------------

const JWT_HEADER = b64encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }), 'rawurl');

/**
 * Signs a bearer token for `subject` with the configured secret.
 * @param {string} subject the user id (`sub`)
 * @param {string[]} [roles] `["admin"]` for the admin API
 * @param {number} [validSeconds]
 * @returns {string}
 */
export function mintToken(subject, roles = [], validSeconds = 12 * 3600) {
  const now = Math.floor(Date.now() / 1000);
  const claims = b64encode(JSON.stringify({ sub: subject, iat: now, exp: now + validSeconds, roles }), 'rawurl');
  const signature = hmac('sha256', config.jwtSecret, `${JWT_HEADER}.${claims}`, 'base64rawurl');
  return `${JWT_HEADER}.${claims}.${signature}`;
}

/**
 * A fan's bearer token.
 * @param {string} userId
 * @returns {string}
 */
export function fanToken(userId) {
  return mintToken(userId);
}

/** @type {string | null} */
let cachedAdminToken = null;

/**
 * The admin bearer token of this VU (minted once).
 * @returns {string}
 */
export function adminToken() {
  if (cachedAdminToken === null) {
    cachedAdminToken = mintToken('k6-admin', ['admin']);
  }
  return cachedAdminToken;
}

/**
 * A run id that keeps the users, concerts and idempotency keys of two runs apart (points
 * balances and reservations stay in PostgreSQL between runs).
 * @returns {string}
 */
export function newRunId() {
  return envString('RUN_ID', `k6-${Date.now().toString(36)}-${randomToken(4)}`);
}

/**
 * Random lower-case base-36 characters.
 * @param {number} length
 * @returns {string}
 */
export function randomToken(length) {
  let out = '';
  while (out.length < length) {
    out += Math.floor(Math.random() * 36).toString(36);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The API's JSON shapes (DESIGN.md §4)
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {{ id: number, title: string, venue: string }} Concert
 * @typedef {{ maxActive: number, admitPerSecond: number, activeTtlSeconds: number }} QueueSettings
 * @typedef {{ name: string, rows: number, seatsPerRow: number, price: number }} Section
 * @typedef {{ id: number, concertId: number, startsAt: string, cancelDeadline?: string | null, seatCount: number }} Schedule
 * @typedef {'WAITING' | 'ADMITTED'} QueueStatus
 * @typedef {{ status: QueueStatus, position?: number, etaSeconds?: number, token?: string, expiresAt?: string, pollAfterSeconds?: number }} QueueView
 * @typedef {{ waiting: number, active: number, admittedTotal: number }} QueueStats
 * @typedef {'AVAILABLE' | 'HELD' | 'SOLD'} SeatStatus
 * @typedef {{ id: number, section: string, row: number, number: number, label: string, price: number, status: SeatStatus }} Seat
 * @typedef {'HELD' | 'PAYING' | 'CONFIRMED' | 'CANCELLING' | 'CANCELLED' | 'EXPIRED'} ReservationState
 * @typedef {{ inventoryId: number, quantity: number }} ItemRequest units of a quantity inventory to hold
 * @typedef {{ inventoryId: number, quantity: number, price: number }} Item units in a reservation, at `price` each
 * @typedef {{ name: string, quantity: number, price: number, maxPerUser: number }} InventorySpec
 * @typedef {{ id: number, scheduleId: number, name: string, quantity: number, price: number, maxPerUser: number, available: number }} CreatedInventory
 * @typedef {{ id: number, name: string, quantity: number, price: number, maxPerUser: number, available: number, held: number, sold: number }} Inventory
 * @typedef {{ id: string, scheduleId: number, userId: string, seatIds: number[], items?: Item[], state: ReservationState, amount: number, heldUntil?: string, version: number }} Reservation
 * @typedef {{ id: string, scheduleId: number, userId: string, seatIds: number[], items?: Item[], state: ReservationState, amount: number, version: number, updatedAt?: string }} PersistedReservation
 * @typedef {{ balance: number }} Points
 * @typedef {{ chargeId: string | number, amount: number, balance: number }} Charge
 * @typedef {'CHARGE' | 'PAYMENT' | 'REFUND'} LedgerType
 * @typedef {{ id: string | number, type: LedgerType, amount: number, balanceAfter: number, reservationId?: string | null, createdAt: string }} LedgerEntry
 * @typedef {{ type?: string, title?: string, status?: number, detail?: string, code?: string, seatIds?: number[], inventoryIds?: number[], state?: string }} Problem
 */

// ---------------------------------------------------------------------------------------------
// The JSON client
// ---------------------------------------------------------------------------------------------

/**
 * Every endpoint the scripts call: method, URL template (`{name}` is filled in from the path
 * parameters) and the statuses that are an expected answer. Only statuses outside `ok` count
 * in `http_req_failed`, so a lost race for a seat (409) or a declined payment (402) is not an
 * error rate, while a 5xx or an unexpected 4xx is.
 *
 * @typedef {{ method: string, path: string, ok: number[] }} EndpointSpec
 */
const ENDPOINTS = /** @satisfies {Record<string, EndpointSpec>} */ ({
  'concert-create': { method: 'POST', path: '/api/admin/concerts', ok: [201] },
  'queue-configure': { method: 'PUT', path: '/api/admin/concerts/{concertId}/queue', ok: [200] },
  'queue-stats': { method: 'GET', path: '/api/admin/concerts/{concertId}/queue', ok: [200] },
  'schedule-create': { method: 'POST', path: '/api/admin/concerts/{concertId}/schedules', ok: [201] },
  'inventory-create': { method: 'POST', path: '/api/admin/schedules/{scheduleId}/inventories', ok: [201] },
  inventories: { method: 'GET', path: '/api/schedules/{scheduleId}/inventories', ok: [200] },
  'queue-enter': { method: 'POST', path: '/api/concerts/{concertId}/queue', ok: [200, 201] },
  'queue-status': { method: 'GET', path: '/api/concerts/{concertId}/queue', ok: [200] },
  'queue-leave': { method: 'DELETE', path: '/api/concerts/{concertId}/queue', ok: [204] },
  'seat-map': { method: 'GET', path: '/api/schedules/{scheduleId}/seats', ok: [200] },
  // 409 seat-unavailable (or inventory-unavailable) is the expected answer of a fan who lost
  // the race for a seat (or for the last units)
  hold: { method: 'POST', path: '/api/schedules/{scheduleId}/reservations', ok: [201, 409] },
  reservation: { method: 'GET', path: '/api/reservations/{reservationId}', ok: [200] },
  // 402 insufficient-points is expected: ticket-drop underfunds some fans on purpose
  pay: { method: 'POST', path: '/api/reservations/{reservationId}/payment', ok: [200, 402] },
  // HELD → 200 CANCELLED; CONFIRMED → 202 CANCELLING; repeats answer the current state
  cancel: { method: 'POST', path: '/api/reservations/{reservationId}/cancellation', ok: [200, 202] },
  'my-reservations': { method: 'GET', path: '/api/me/reservations', ok: [200] },
  points: { method: 'GET', path: '/api/me/points', ok: [200] },
  charge: { method: 'POST', path: '/api/me/points/charges', ok: [201] },
  ledger: { method: 'GET', path: '/api/me/points/ledger', ok: [200] },
});

/** @typedef {keyof typeof ENDPOINTS} EndpointName */
/** @typedef {ReturnType<typeof http.expectedStatuses>} ResponseCallback */

/**
 * One response callback per endpoint, made here in the init context (k6 advises against
 * making them per request).
 * @type {Map<string, ResponseCallback>}
 */
const RESPONSE_CALLBACKS = new Map(
  Object.entries(ENDPOINTS).map(([name, spec]) => [name, http.expectedStatuses(...spec.ok)]),
);

/**
 * What one call answered. `body` is the parsed JSON of a 2xx answer, `problem` the parsed
 * problem+json of any other, `code` the problem's stable `code` (or null).
 *
 * @template T
 * @typedef {{ status: number, ok: boolean, body: T | null, problem: Problem | null, code: string | null, res: import('k6/http').Response }} ApiResult
 */

/**
 * @typedef {Object} CallOptions
 * @property {string} token bearer token of the caller
 * @property {Record<string, string | number>} [params] path parameters of the URL template
 * @property {Record<string, string>} [query] query parameters
 * @property {unknown} [body] JSON body (omitted when undefined)
 * @property {Record<string, string>} [headers] extra headers (Queue-Token, Idempotency-Key)
 * @property {Record<string, string>} [tags] extra metric tags
 */

/**
 * The URL of an endpoint with its path parameters filled in.
 * @param {EndpointName} endpoint
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function urlOf(endpoint, params = {}, query = {}) {
  const path = ENDPOINTS[endpoint].path.replace(/\{(\w+)\}/g, (_, key) => {
    const value = params[key];
    if (value === undefined) {
      throw new Error(`${endpoint}: path parameter ${key} is missing`);
    }
    return encodeURIComponent(String(value));
  });
  const search = Object.entries(query)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return config.baseUrl + path + (search ? `?${search}` : '');
}

/**
 * k6 request parameters of an endpoint: headers, tags and the response callback.
 * @param {EndpointName} endpoint
 * @param {CallOptions} options
 * @returns {import('k6/http').Params}
 */
function requestParams(endpoint, options) {
  const spec = ENDPOINTS[endpoint];
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${options.token}`, Accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  return {
    headers: Object.assign(headers, options.headers || {}),
    tags: Object.assign({ endpoint, name: `${spec.method} ${spec.path}` }, options.tags || {}),
    responseCallback: RESPONSE_CALLBACKS.get(endpoint),
  };
}

/**
 * Turns a k6 response into an ApiResult.
 * @template T
 * @param {import('k6/http').Response} res
 * @returns {ApiResult<T>}
 */
function toResult(res) {
  /** @type {unknown} */
  let parsed = null;
  if (typeof res.body === 'string' && res.body.length > 0) {
    try {
      parsed = JSON.parse(res.body);
    } catch (_) {
      parsed = null;
    }
  }
  const ok = res.status >= 200 && res.status < 300;
  const problem = ok || parsed === null || typeof parsed !== 'object' ? null : /** @type {Problem} */ (parsed);
  return {
    status: res.status,
    ok,
    body: ok ? /** @type {T | null} */ (parsed) : null,
    problem,
    code: problem && typeof problem.code === 'string' ? problem.code : null,
    res,
  };
}

/**
 * Calls one endpoint with a JSON body and parses the answer.
 * @template T
 * @param {EndpointName} endpoint
 * @param {CallOptions} options
 * @returns {ApiResult<T>}
 */
export function call(endpoint, options) {
  // A request the service shed (503 `overloaded`, see `shed`) is sent again after its
  // Retry-After, up to OVERLOAD_RETRIES times; every attempt is a request in k6's metrics.
  const spec = ENDPOINTS[endpoint];
  const body = options.body === undefined ? null : JSON.stringify(options.body);
  for (let attempt = 0; ; attempt++) {
    const result = toResult(http.request(spec.method, urlOf(endpoint, options.params, options.query), body,
      requestParams(endpoint, options)));
    if (!shed(result) || attempt >= OVERLOAD_RETRIES) {
      return result;
    }
    sleepRetryAfter(result);
  }
}

/** How often a request shed by an overloaded instance is sent again (see `shed`). */
export const OVERLOAD_RETRIES = 3;

/**
 * Whether the service shed the request: 503 `overloaded`, answered before any handler, so
 * nothing changed and any call may be sent again after its `Retry-After`.
 * @param {ApiResult<unknown>} result
 * @returns {boolean}
 */
export function shed(result) {
  return result.status === 503 && result.code === 'overloaded';
}

/**
 * Sleeps the answer's `Retry-After` (1 s when absent, at most 30 s), plus up to 20 % so fans
 * shed together do not come back together.
 * @param {ApiResult<unknown>} result
 */
function sleepRetryAfter(result) {
  const told = Number(result.res.headers['Retry-After']);
  const seconds = Number.isFinite(told) && told >= 1 ? Math.min(told, 30) : 1;
  sleep(seconds * (1 + Math.random() * 0.2));
}

/**
 * Sends several calls in parallel (http.batch; the options `batch` and `batchPerHost` bound
 * how many are in flight at once) and parses every answer, in order; a call the service shed
 * (503 `overloaded`) is sent again, as `call` does.
 * @template T
 * @param {EndpointName} endpoint
 * @param {CallOptions[]} calls
 * @returns {ApiResult<T>[]}
 */
export function callAll(endpoint, calls) {
  const spec = ENDPOINTS[endpoint];
  /** @type {import('k6/http').ObjectBatchRequest[]} */
  const requests = calls.map((options) => ({
    method: spec.method,
    url: urlOf(endpoint, options.params, options.query),
    body: options.body === undefined ? null : JSON.stringify(options.body),
    params: requestParams(endpoint, options),
  }));
  /** @type {import('k6/http').Response[]} */
  const responses = http.batch(requests);
  // a call of the batch the service shed is sent again on its own, as `call` does
  return responses.map((res, i) => {
    const result = toResult(res);
    return shed(result) ? (sleepRetryAfter(result), call(endpoint, calls[i])) : result;
  });
}

/**
 * A short description of an unexpected answer, for logs and errors.
 * @param {ApiResult<unknown>} result
 * @returns {string}
 */
export function describe(result) {
  const req = result.res.request;
  const what = req ? `${req.method} ${req.url}` : 'request';
  const detail = result.problem ? `${result.code || ''} ${result.problem.detail || ''}`.trim() : result.res.error || '';
  return `${what} → ${result.status} ${detail}`.trim();
}

/**
 * Throws (which stops setup, and with it the test) unless the call answered `status`.
 * @template T
 * @param {ApiResult<T>} result
 * @param {number} status
 * @returns {T}
 */
export function expectStatus(result, status) {
  if (result.status !== status || result.body === null) {
    throw new Error(`expected ${status}: ${describe(result)}`);
  }
  return result.body;
}

// ---------------------------------------------------------------------------------------------
// Setting up a drop (admin)
// ---------------------------------------------------------------------------------------------

/**
 * Parses sections written as `A=10x50@100,B=5x40@250` (name=rows×seatsPerRow@price).
 * @param {string} text
 * @returns {Section[]}
 */
export function parseSections(text) {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const match = /^([A-Za-z0-9_]+)=(\d+)x(\d+)@(\d+)$/.exec(part);
      if (!match) {
        throw new Error(`section "${part}" is not NAME=ROWSxSEATS@PRICE`);
      }
      return { name: match[1], rows: Number(match[2]), seatsPerRow: Number(match[3]), price: Number(match[4]) };
    });
}

/**
 * A drop as the scripts pass it from setup to the VUs (it must survive JSON).
 * @typedef {Object} Drop
 * @property {string} runId prefix of every user id of the run
 * @property {number} concertId
 * @property {number | null} scheduleId null when the drop has no sections (queue only)
 * @property {number} seatCount
 * @property {number} openedAt epoch ms when the seats went on sale
 * @property {QueueSettings} queue
 * @property {CreatedInventory | null} inventory the schedule's quantity inventory, when the spec asked for one
 */

/**
 * Creates a concert, sets its waiting room and (with sections) a schedule on sale at once.
 * The show starts in 30 days and cancelling is allowed until a day before, so no cancel of
 * the run meets `cancel-deadline-passed`. With `inventory` (and sections) the schedule also
 * sells that many units of a quantity inventory (general admission, passes).
 * @param {{ title: string, sections: Section[], queue: QueueSettings, inventory?: InventorySpec | null }} spec
 * @returns {Drop}
 */
export function createDrop(spec) {
  const token = adminToken();
  const runId = newRunId();
  const concert = expectStatus(
    call('concert-create', { token, body: { title: `${spec.title} ${runId}`, venue: 'k6 Arena' } }),
    201,
  );
  const concertId = /** @type {Concert} */ (concert).id;
  expectStatus(call('queue-configure', { token, params: { concertId }, body: spec.queue }), 200);
  /** @type {number | null} */
  let scheduleId = null;
  let seatCount = 0;
  /** @type {CreatedInventory | null} */
  let inventory = null;
  if (spec.sections.length > 0) {
    const day = 24 * 3600 * 1000;
    const startsAt = Date.now() + 30 * day;
    const created = call('schedule-create', {
      token,
      params: { concertId },
      body: {
        startsAt: new Date(startsAt).toISOString(),
        cancelDeadline: new Date(startsAt - day).toISOString(),
        sections: spec.sections,
      },
    });
    const schedule = /** @type {Schedule} */ (expectStatus(created, 201));
    scheduleId = schedule.id;
    seatCount = schedule.seatCount;
    if (spec.inventory) {
      inventory = /** @type {CreatedInventory} */ (
        expectStatus(call('inventory-create', { token, params: { scheduleId }, body: spec.inventory }), 201)
      );
    }
  }
  return { runId, concertId, scheduleId, seatCount, openedAt: Date.now(), queue: spec.queue, inventory };
}

/**
 * The schedule id of a drop that must have one.
 * @param {Drop} drop
 * @returns {number}
 */
export function scheduleOf(drop) {
  if (drop.scheduleId === null) {
    throw new Error('this drop has no schedule');
  }
  return drop.scheduleId;
}

// ---------------------------------------------------------------------------------------------
// Waiting room
// ---------------------------------------------------------------------------------------------

/**
 * POST /api/concerts/{id}/queue: 201 on the first entry, 200 on a re-entry.
 * @param {string} token
 * @param {number} concertId
 * @returns {ApiResult<QueueView>}
 */
export function enterQueue(token, concertId) {
  return call('queue-enter', { token, params: { concertId } });
}

/**
 * GET /api/concerts/{id}/queue: the caller's place (404 not-in-queue).
 * @param {string} token
 * @param {number} concertId
 * @returns {ApiResult<QueueView>}
 */
export function queueStatus(token, concertId) {
  return call('queue-status', { token, params: { concertId } });
}

/**
 * DELETE /api/concerts/{id}/queue: leaves, which frees an admitted fan's active slot.
 * @param {string} token
 * @param {number} concertId
 * @returns {ApiResult<null>}
 */
export function leaveQueue(token, concertId) {
  return call('queue-leave', { token, params: { concertId } });
}

/**
 * How waiting ended.
 * @typedef {Object} Admission
 * @property {boolean} admitted
 * @property {string | null} queueToken the Queue-Token of the reservation calls
 * @property {number} waitedMs from the entry request to the ADMITTED answer
 * @property {number} polls status calls made
 * @property {number} entryStatus status of the entry call (201 first entry, 200 re-entry)
 * @property {QueueView | null} first the entry answer
 * @property {string | null} failure why the fan is not admitted (null when admitted)
 * @property {string | null} failureCode the problem `code` of a failed call (e.g. not-in-queue)
 */

/**
 * The seconds the service told the fan to wait before polling again: `pollAfterSeconds` of
 * the answer, else its `Retry-After` header, else 1.
 * @param {ApiResult<QueueView>} result
 * @returns {number}
 */
export function pollAfterSeconds(result) {
  const told = result.body !== null ? result.body.pollAfterSeconds : undefined;
  if (typeof told === 'number' && told >= 1) {
    return told;
  }
  const header = Number(result.res.headers['Retry-After']);
  return Number.isFinite(header) && header >= 1 ? header : 1;
}

/**
 * Waits as long as the service told, plus up to 20 % so fans told together spread out; never
 * less, so every poll gets a fresh answer and the room stays within its poll budget.
 * @param {ApiResult<QueueView>} result
 */
export function sleepAsTold(result) {
  sleep(pollAfterSeconds(result) * (1 + Math.random() * 0.2));
}

/**
 * Enters the waiting room and polls GET …/queue until ADMITTED or the deadline, each poll
 * after the `pollAfterSeconds` of the answer before (see sleepAsTold).
 * `onView` sees every answer while waiting (the queue soak measures positions with it).
 * @param {string} token
 * @param {number} concertId
 * @param {{ timeoutSeconds?: number, onView?: (view: QueueView, result: ApiResult<QueueView>) => void }} [options]
 * @returns {Admission}
 */
export function waitForAdmission(token, concertId, options = {}) {
  const timeoutMs = (options.timeoutSeconds ?? config.admissionTimeoutSeconds) * 1000;
  const started = Date.now();
  const entry = enterQueue(token, concertId);
  let latest = entry;
  let polls = 0;
  /**
   * @param {string | null} queueToken
   * @param {string | null} failure
   * @returns {Admission}
   */
  const finish = (queueToken, failure) => ({
    admitted: failure === null,
    queueToken,
    waitedMs: Date.now() - started,
    polls,
    entryStatus: entry.status,
    first: entry.body,
    failure,
    failureCode: failure === null ? null : latest.code,
  });
  for (;;) {
    const view = latest.body;
    if (!latest.ok || view === null) {
      return finish(null, `${polls === 0 ? 'enter' : 'status'}: ${describe(latest)}`);
    }
    if (view.status === 'ADMITTED') {
      return view.token ? finish(view.token, null) : finish(null, 'ADMITTED without a token');
    }
    if (options.onView) {
      options.onView(view, latest);
    }
    if (Date.now() - started > timeoutMs) {
      return finish(null, 'timeout');
    }
    sleepAsTold(latest);
    latest = queueStatus(token, concertId);
    polls++;
  }
}

/**
 * GET /api/admin/concerts/{id}/queue.
 * @param {number} concertId
 * @returns {ApiResult<QueueStats>}
 */
export function queueStats(concertId) {
  return call('queue-stats', { token: adminToken(), params: { concertId } });
}

// ---------------------------------------------------------------------------------------------
// Seats and holds
// ---------------------------------------------------------------------------------------------

/**
 * GET /api/schedules/{id}/seats (a snapshot at most 250 ms old); with `status`, only the
 * seats in that status (`?status=AVAILABLE` is what a shopper needs, and it shrinks as the
 * drop sells out). An admitted fan sends its `queueToken` (the Queue-Token header): the read
 * then runs as admitted work, ahead of the waiting room's, when the service is overloaded.
 * @param {string} token
 * @param {number} scheduleId
 * @param {SeatStatus} [status]
 * @param {string | null} [queueToken]
 * @returns {ApiResult<Seat[]>}
 */
export function seatMap(token, scheduleId, status, queueToken) {
  return call('seat-map', {
    token,
    params: { scheduleId },
    query: status ? { status } : {},
    headers: queueToken ? { 'Queue-Token': queueToken } : {},
  });
}

/**
 * Ids of the seats with a given status.
 * @param {Seat[]} seats
 * @param {SeatStatus} status
 * @returns {number[]}
 */
export function seatIdsWithStatus(seats, status) {
  return seats.filter((seat) => seat.status === status).map((seat) => seat.id);
}

/**
 * `count` distinct random elements of `items` (all of them when there are fewer).
 * @template T
 * @param {T[]} items
 * @param {number} count
 * @returns {T[]}
 */
export function pickRandom(items, count) {
  const pool = items.slice();
  const picked = [];
  while (picked.length < count && pool.length > 0) {
    const index = Math.floor(Math.random() * pool.length);
    picked.push(pool[index]);
    pool[index] = pool[pool.length - 1];
    pool.pop();
  }
  return picked;
}

/**
 * A whole number from `min` to `max`, both included.
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
export function randomInt(min, max) {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/**
 * GET /api/schedules/{id}/inventories: every quantity inventory of the schedule with its
 * available, held and sold counts.
 * @param {string} token
 * @param {number} scheduleId
 * @param {Record<string, string>} [tags]
 * @returns {ApiResult<Inventory[]>}
 */
export function inventories(token, scheduleId, tags) {
  return call('inventories', { token, params: { scheduleId }, tags });
}

/**
 * POST /api/schedules/{id}/reservations with the Queue-Token: holds all seats and units or
 * none. Without items the body is seats only, as before inventories existed.
 * @param {string} token
 * @param {string} queueToken
 * @param {number} scheduleId
 * @param {number[]} seatIds
 * @param {ItemRequest[]} [items]
 * @returns {ApiResult<Reservation>}
 */
export function hold(token, queueToken, scheduleId, seatIds, items = []) {
  const body = items.length > 0 ? { seatIds, items } : { seatIds };
  return call('hold', { token, params: { scheduleId }, headers: { 'Queue-Token': queueToken }, body });
}

/**
 * The units of one inventory in a reservation (0 when it has none).
 * @param {{ items?: Item[] }} reservation
 * @param {number} inventoryId
 * @returns {number}
 */
export function unitsOf(reservation, inventoryId) {
  return (reservation.items || [])
    .filter((item) => item.inventoryId === inventoryId)
    .reduce((sum, item) => sum + item.quantity, 0);
}

/**
 * How a fan's attempt to hold seats ended.
 * @typedef {Object} HoldOutcome
 * @property {Reservation | null} reservation the hold won (null otherwise)
 * @property {number} attempts hold requests sent
 * @property {number} lost 409 seat-unavailable answers
 * @property {boolean} soldOut the seat map had no AVAILABLE seat left
 * @property {boolean} unitsSoldOut a 409 inventory-unavailable: too few units left, the fan went on with seats only
 * @property {ApiResult<unknown> | null} error an answer that is neither 201 nor an expected 409
 */

/**
 * Picks 1 … maxSeats random AVAILABLE seats and holds them. A 409 seat-unavailable names the
 * taken seats: they are struck off and other seats are tried, up to `attempts` requests; the
 * seat map is fetched again when the local list runs short (it is a snapshot, so it lags).
 * `items` (units of quantity inventories) go in the same hold; a 409 inventory-unavailable
 * (too few units left) drops them and the fan goes on with seats only.
 * @param {string} token
 * @param {string} queueToken
 * @param {number} scheduleId
 * @param {{ maxSeats: number, attempts: number, items?: ItemRequest[] }} options
 * @returns {HoldOutcome}
 */
export function holdRandomSeats(token, queueToken, scheduleId, options) {
  const wanted = randomInt(1, options.maxSeats);
  let items = options.items || [];
  /** @type {HoldOutcome} */
  const outcome = { reservation: null, attempts: 0, lost: 0, soldOut: false, unitsSoldOut: false, error: null };
  /** @type {Set<number>} */
  const taken = new Set();
  /** @type {number[]} */
  let available = [];
  let fetched = false;
  while (outcome.attempts < options.attempts) {
    let candidates = available.filter((id) => !taken.has(id));
    if (!fetched || candidates.length < wanted) {
      const map = seatMap(token, scheduleId, 'AVAILABLE', queueToken);
      if (!map.ok || map.body === null) {
        outcome.error = map;
        return outcome;
      }
      fetched = true;
      available = seatIdsWithStatus(map.body, 'AVAILABLE');
      candidates = available.filter((id) => !taken.has(id));
      if (available.length === 0) {
        outcome.soldOut = true;
        return outcome;
      }
    }
    if (candidates.length === 0) {
      // the fresh map still lists only seats we just lost: it is older than our 409s
      candidates = available;
    }
    const seatIds = pickRandom(candidates, Math.min(wanted, candidates.length));
    const result = hold(token, queueToken, scheduleId, seatIds, items);
    outcome.attempts++;
    if (result.status === 201 && result.body !== null) {
      outcome.reservation = result.body;
      return outcome;
    }
    if (result.status === 409 && result.code === 'seat-unavailable') {
      outcome.lost++;
      const named = result.problem && Array.isArray(result.problem.seatIds) ? result.problem.seatIds : seatIds;
      named.forEach((id) => taken.add(id));
      continue;
    }
    if (result.status === 409 && result.code === 'inventory-unavailable' && items.length > 0) {
      outcome.unitsSoldOut = true;
      items = [];
      continue;
    }
    outcome.error = result;
    return outcome;
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Reservations, points, payment, cancellation
// ---------------------------------------------------------------------------------------------

/**
 * GET /api/reservations/{id} (owner or admin): the live state, from Redis.
 * @param {string} token
 * @param {string} reservationId
 * @returns {ApiResult<Reservation>}
 */
export function getReservation(token, reservationId) {
  return call('reservation', { token, params: { reservationId } });
}

/**
 * Polls a reservation until it is in one of `states` or the deadline passes.
 * @param {string} token
 * @param {string} reservationId
 * @param {ReservationState[]} states
 * @param {number} timeoutSeconds
 * @param {number} [pollSeconds]
 * @returns {Reservation | null} the reservation in a wanted state, or null at the deadline
 */
export function waitForState(token, reservationId, states, timeoutSeconds, pollSeconds = 0.25) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const result = getReservation(token, reservationId);
    if (result.ok && result.body !== null && states.indexOf(result.body.state) >= 0) {
      return result.body;
    }
    if (Date.now() >= deadline) {
      return null;
    }
    sleep(pollSeconds);
  }
}

/**
 * A fresh Idempotency-Key (1–255 characters; unique per fan and charge).
 * @param {string} userId
 * @returns {string}
 */
export function idempotencyKey(userId) {
  return `${userId}-${Date.now().toString(36)}-${randomToken(10)}`;
}

/**
 * POST /api/me/points/charges `{"amount"}` with an Idempotency-Key: 201 {chargeId, amount,
 * balance}; the same key and body again answer the stored response and credit nothing.
 * @param {string} token
 * @param {number} amount
 * @param {string} key
 * @returns {ApiResult<Charge>}
 */
export function chargePoints(token, amount, key) {
  return call('charge', { token, headers: { 'Idempotency-Key': key }, body: { amount } });
}

/**
 * GET /api/me/points.
 * @param {string} token
 * @returns {ApiResult<Points>}
 */
export function getPoints(token) {
  return call('points', { token });
}

/**
 * GET /api/me/points/ledger.
 * @param {string} token
 * @returns {ApiResult<LedgerEntry[]>}
 */
export function getLedger(token) {
  return call('ledger', { token });
}

/**
 * POST /api/reservations/{id}/payment: 200 CONFIRMED (again: 200, no second debit), 402
 * insufficient-points (the reservation goes back to HELD), 409 invalid-state.
 * @param {string} token
 * @param {string} reservationId
 * @returns {ApiResult<Reservation>}
 */
export function pay(token, reservationId) {
  return call('pay', { token, params: { reservationId } });
}

/**
 * POST /api/reservations/{id}/cancellation: HELD → 200 CANCELLED; CONFIRMED → 202
 * CANCELLING (later CANCELLED with one refund); repeats answer the current state.
 * @param {string} token
 * @param {string} reservationId
 * @returns {ApiResult<Reservation>}
 */
export function cancel(token, reservationId) {
  return call('cancel', { token, params: { reservationId } });
}

/**
 * The answers a cancellation may give for a reservation that was CONFIRMED: 202 while it is
 * CANCELLING, 200 once it is CANCELLED.
 * @param {ApiResult<Reservation>} result
 * @returns {boolean}
 */
export function isCancellationAnswer(result) {
  if (result.body === null) {
    return false;
  }
  return (
    (result.status === 202 && result.body.state === 'CANCELLING') ||
    (result.status === 200 && result.body.state === 'CANCELLED')
  );
}

// ---------------------------------------------------------------------------------------------
// End-of-test sales audit (oversell check)
// ---------------------------------------------------------------------------------------------

/**
 * What the audit found.
 * @typedef {Object} SalesAudit
 * @property {number} fansScanned fans whose reservations were listed
 * @property {number} reservations reservations of those fans on the schedule
 * @property {number} liveSales reservations now CONFIRMED or CANCELLING (their seats are sold)
 * @property {number} seatsInLiveSales seats of those reservations, counted once per reservation
 * @property {number} soldOnMap seats SOLD on the seat map
 * @property {number} heldOnMap seats HELD on the seat map
 * @property {number} availableOnMap seats AVAILABLE on the seat map
 * @property {number} oversell extra sales of a seat: Σ (live sales naming the seat − 1)
 * @property {number[]} doubleSoldSeats seats in more than one live sale
 * @property {number} soldWithoutSale SOLD seats that no live sale of the run names
 * @property {number} saleNotSold seats of live sales that the map does not show SOLD
 * @property {number} unitsInLiveSales units of the audited inventory in live sales (0 without one)
 * @property {number} unitsSoldListed the inventory's `sold` count (0 without one)
 * @property {number} unitsHeldListed the inventory's `held` count (0 without one)
 * @property {number} unitsAvailableListed the inventory's `available` count (0 without one)
 * @property {number} unitsMismatch |sold − units of live sales|, plus 1 if available < 0 or held + sold + available ≠ quantity
 * @property {number} lookupErrors answers other than 200 while auditing
 */

/** The audit's requests get their own endpoint tag, so they do not count in the latency thresholds. */
const AUDIT_TAGS = Object.freeze({ endpoint: 'audit' });

/**
 * Checks the sales of one schedule at the end of a run.
 *
 * What it can know: k6 VUs share no memory, and teardown cannot read the run's metrics, so
 * the audit rebuilds "the run's confirmed reservations" from the service: it lists the
 * reservations of every fan the run created (`userIds`, from GET /api/me/reservations — the
 * PostgreSQL record, which is how it learns the ids), then reads each one that is not final
 * there from Redis (GET /api/reservations/{id} as admin) for its live state. Reservations
 * the record has not received yet (events still in the outbox or in Kafka) are missed; the
 * scripts wait a few seconds first and audit again when the figures disagree. A seat sold
 * outside this run (another client on the same schedule) would show as `soldWithoutSale`;
 * the scripts create a fresh schedule per run, so there should be none.
 *
 * Oversell is a seat named by two live sales (CONFIRMED or CANCELLING — a CANCELLING seat
 * stays sold until its refund completes). The seat map must also show exactly the seats of
 * the live sales as SOLD. With `inventoryId`, the inventory's listed `sold` count must equal
 * the units of the live sales (a CANCELLING purchase's units stay sold until it completes),
 * and its counts must add up to its quantity.
 *
 * @param {number} scheduleId
 * @param {string[]} userIds
 * @param {number} [batchSize] parallel requests per http.batch
 * @param {number | null} [inventoryId] a quantity inventory of the schedule to audit too
 * @returns {SalesAudit}
 */
export function auditSales(scheduleId, userIds, batchSize = 50, inventoryId = null) {
  let lookupErrors = 0;
  /** @type {Set<string>} */
  const toRead = new Set();

  // 1. the reservation ids of the run's fans on this schedule (PostgreSQL record)
  let reservations = 0;
  for (let start = 0; start < userIds.length; start += batchSize) {
    const chunk = userIds.slice(start, start + batchSize);
    /** @type {ApiResult<PersistedReservation[]>[]} */
    const answers = callAll('my-reservations', chunk.map((userId) => ({ token: fanToken(userId), tags: AUDIT_TAGS })));
    answers.forEach((answer) => {
      if (!answer.ok || answer.body === null) {
        lookupErrors++;
        return;
      }
      answer.body
        .filter((r) => r.scheduleId === scheduleId)
        .forEach((r) => {
          reservations++;
          // CANCELLED and EXPIRED are final: such a reservation holds no seat whatever Redis says
          if (r.state !== 'CANCELLED' && r.state !== 'EXPIRED') {
            toRead.add(r.id);
          }
        });
    });
  }

  // 2. the live state of every reservation that may hold a sold seat (Redis, as admin)
  /** @type {Reservation[]} */
  const live = [];
  const ids = Array.from(toRead);
  for (let start = 0; start < ids.length; start += batchSize) {
    const chunk = ids.slice(start, start + batchSize);
    /** @type {ApiResult<Reservation>[]} */
    const answers = callAll(
      'reservation',
      chunk.map((reservationId) => ({ token: adminToken(), params: { reservationId }, tags: AUDIT_TAGS })),
    );
    answers.forEach((answer) => {
      if (!answer.ok || answer.body === null) {
        lookupErrors++;
      } else if (answer.body.state === 'CONFIRMED' || answer.body.state === 'CANCELLING') {
        live.push(answer.body);
      }
    });
  }

  // 3. the seat map, read last so that nothing the reservations show can be newer than it
  const map = call('seat-map', { token: adminToken(), params: { scheduleId }, tags: AUDIT_TAGS });
  /** @type {Seat[]} */
  const seats = map.ok && map.body !== null ? map.body : [];
  if (!map.ok) {
    lookupErrors++;
  }
  const sold = new Set(seatIdsWithStatus(seats, 'SOLD'));

  // 4. the inventory's counts against the units of the live sales
  let unitsInLiveSales = 0;
  let unitsSoldListed = 0;
  let unitsHeldListed = 0;
  let unitsAvailableListed = 0;
  let unitsMismatch = 0;
  if (inventoryId !== null) {
    live.forEach((reservation) => {
      unitsInLiveSales += unitsOf(reservation, inventoryId);
    });
    const listed = inventories(adminToken(), scheduleId, AUDIT_TAGS);
    const inventory = listed.ok && listed.body !== null ? listed.body.find((i) => i.id === inventoryId) : undefined;
    if (inventory === undefined) {
      lookupErrors++;
    } else {
      unitsSoldListed = inventory.sold;
      unitsHeldListed = inventory.held;
      unitsAvailableListed = inventory.available;
      unitsMismatch = Math.abs(inventory.sold - unitsInLiveSales);
      if (inventory.available < 0 || inventory.held + inventory.sold + inventory.available !== inventory.quantity) {
        unitsMismatch++;
      }
    }
  }

  /** @type {Map<number, number>} */
  const salesPerSeat = new Map();
  let seatsInLiveSales = 0;
  live.forEach((reservation) => {
    reservation.seatIds.forEach((seatId) => {
      seatsInLiveSales++;
      salesPerSeat.set(seatId, (salesPerSeat.get(seatId) || 0) + 1);
    });
  });
  /** @type {number[]} */
  const doubleSoldSeats = [];
  let oversell = 0;
  let saleNotSold = 0;
  salesPerSeat.forEach((count, seatId) => {
    if (count > 1) {
      doubleSoldSeats.push(seatId);
      oversell += count - 1;
    }
    if (!sold.has(seatId)) {
      saleNotSold++;
    }
  });
  let soldWithoutSale = 0;
  sold.forEach((seatId) => {
    if (!salesPerSeat.has(seatId)) {
      soldWithoutSale++;
    }
  });

  return {
    fansScanned: userIds.length,
    reservations,
    liveSales: live.length,
    seatsInLiveSales,
    soldOnMap: sold.size,
    heldOnMap: seatIdsWithStatus(seats, 'HELD').length,
    availableOnMap: seatIdsWithStatus(seats, 'AVAILABLE').length,
    oversell,
    doubleSoldSeats,
    soldWithoutSale,
    saleNotSold,
    unitsInLiveSales,
    unitsSoldListed,
    unitsHeldListed,
    unitsAvailableListed,
    unitsMismatch,
    lookupErrors,
  };
}

/**
 * Audits until the figures agree (or `attempts` audits were made), pausing between them so
 * that the persistence pipeline and in-flight cancellations can settle. The worst oversell
 * seen is kept: a seat that was in two live sales at any audit was sold twice.
 * @param {number} scheduleId
 * @param {string[]} userIds
 * @param {{ attempts: number, pauseSeconds: number, inventoryId?: number | null }} options
 * @returns {SalesAudit}
 */
export function auditSalesUntilSettled(scheduleId, userIds, options) {
  const inventoryId = options.inventoryId === undefined ? null : options.inventoryId;
  let worstOversell = 0;
  /** @type {number[]} */
  let worstSeats = [];
  let audit = auditSales(scheduleId, userIds, 50, inventoryId);
  for (let attempt = 1; ; attempt++) {
    if (audit.oversell > worstOversell) {
      worstOversell = audit.oversell;
      worstSeats = audit.doubleSoldSeats;
    }
    const settled =
      audit.soldWithoutSale === 0 && audit.saleNotSold === 0 && audit.unitsMismatch === 0 && audit.lookupErrors === 0;
    if (settled || attempt >= options.attempts) {
      break;
    }
    sleep(options.pauseSeconds);
    audit = auditSales(scheduleId, userIds, 50, inventoryId);
  }
  return Object.assign(audit, { oversell: worstOversell, doubleSoldSeats: worstSeats });
}
