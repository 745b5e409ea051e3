// The public API from a page: bearer token from the embedding site, problem+json as
// ApiProblem, streams over EventSource with stream tickets (reopened with a new ticket and
// lastEventId when the connection drops).
import { describe } from './problems.js';

/** The sessionStorage key an embedding site puts the fan's (or admin's) bearer token under. */
export const TOKEN_KEY = 'stagedoor.token';

const config = window.stagedoorConfig || {};

/** Base URL of the API ('' = the page's own origin). */
export const API = (config.api || '').replace(/\/$/, '');

/**
 * The bearer token: `window.stagedoorConfig.getToken()` (sync or async) when the embedding site
 * provides one, else sessionStorage[TOKEN_KEY].
 */
export async function token() {
	if (typeof config.getToken === 'function') {
		const t = await config.getToken();
		if (t) {
			return t;
		}
	}
	return sessionStorage.getItem(TOKEN_KEY);
}

export function signOut() {
	sessionStorage.removeItem(TOKEN_KEY);
}

/** The JWT's claims, unverified (only to greet the user and show admin links). */
export function claims(jwt) {
	try {
		const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
		return JSON.parse(atob(part));
	}
	catch (e) {
		return {};
	}
}

export class ApiProblem extends Error {
	constructor(status, problem) {
		super(describe(problem));
		this.status = status;
		this.problem = problem || {};
		this.code = this.problem.code;
	}
}

/** How often a request shed by an overloaded instance (503 `overloaded`) is sent again. */
export const OVERLOAD_RETRIES = 3;

/**
 * fetch with the bearer token; JSON in and out; a problem answer (or network failure) throws
 * ApiProblem. A request the service shed (503 `overloaded`: it never reached a handler, so
 * nothing changed) is sent again after its `Retry-After`, up to OVERLOAD_RETRIES times.
 */
export async function call(method, path, body, headers = {}) {
	for (let attempt = 0; ; attempt++) {
		try {
			return await callOnce(method, path, body, headers);
		}
		catch (e) {
			if (!(e instanceof ApiProblem) || e.status !== 503 || e.code !== 'overloaded' || attempt >= OVERLOAD_RETRIES) {
				throw e;
			}
			const told = Number(e.retryAfter);
			const seconds = Number.isFinite(told) && told >= 1 ? Math.min(told, 30) : 1;
			// up to 20 % more, so fans shed together do not come back together
			await new Promise(resolve => setTimeout(resolve, seconds * 1000 * (1 + Math.random() * 0.2)));
		}
	}
}

async function callOnce(method, path, body, headers) {
	const t = await token();
	const h = { Accept: 'application/json', ...headers };
	if (t) {
		h.Authorization = 'Bearer ' + t;
	}
	if (body !== undefined) {
		h['Content-Type'] = 'application/json';
	}
	let response;
	try {
		response = await fetch(API + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
	}
	catch (e) {
		throw new ApiProblem(0, null);
	}
	const text = await response.text();
	let json = null;
	if (text) {
		try {
			json = JSON.parse(text);
		}
		catch (e) {
			json = null;
		}
	}
	if (!response.ok) {
		const problem = new ApiProblem(response.status, json);
		problem.retryAfter = response.headers.get('Retry-After');
		throw problem;
	}
	return { status: response.status, body: json, headers: response.headers };
}

export const get = (path) => call('GET', path).then(r => r.body);

/**
 * Follows an SSE endpoint with a fresh stream ticket per connection. `handlers` maps event
 * names to functions of the parsed data; `onOpen`, `onDrop` (return false to stop) are
 * optional. A dropped connection is reopened with a new ticket and `lastEventId` after a
 * short backoff. Returns { close() }.
 */
export function follow(path, handlers, { onOpen, onDrop } = {}) {
	let source = null;
	let closed = false;
	let lastEventId = null;
	let attempt = 0;
	let timer = null;
	async function open() {
		if (closed) {
			return;
		}
		let ticket;
		try {
			ticket = (await call('POST', '/api/me/stream-tickets')).body.ticket;
		}
		catch (e) {
			return retry(e);
		}
		if (closed) {
			return;
		}
		const sep = path.includes('?') ? '&' : '?';
		let url = API + path + sep + 'ticket=' + encodeURIComponent(ticket);
		if (lastEventId) {
			url += '&lastEventId=' + encodeURIComponent(lastEventId);
		}
		source = new EventSource(url);
		source.onopen = () => {
			attempt = 0;
			onOpen && onOpen();
		};
		for (const [name, handler] of Object.entries(handlers)) {
			source.addEventListener(name, (event) => {
				if (event.lastEventId) {
					lastEventId = event.lastEventId;
				}
				handler(JSON.parse(event.data));
			});
		}
		source.onerror = () => {
			source.close();
			source = null;
			retry(null);
		};
	}
	async function retry(problem) {
		if (closed) {
			return;
		}
		if (onDrop && (await onDrop(problem)) === false) {
			closed = true;
			return;
		}
		attempt++;
		timer = setTimeout(open, Math.min(10000, 250 * 2 ** Math.min(attempt, 6)));
	}
	open();
	return {
		close() {
			closed = true;
			clearTimeout(timer);
			if (source) {
				source.close();
			}
		},
	};
}

/** A random key for one charge attempt (kept and reused when that attempt is retried). */
export function newIdempotencyKey() {
	if (crypto.randomUUID) {
		return crypto.randomUUID();
	}
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** The Queue-Token of an admission, kept per concert for this tab. */
export const admissions = {
	get(concertId) {
		const raw = sessionStorage.getItem('stagedoor.admission.' + concertId);
		if (!raw) {
			return null;
		}
		const a = JSON.parse(raw);
		return new Date(a.expiresAt).getTime() > Date.now() ? a : null;
	},
	set(concertId, token, expiresAt) {
		sessionStorage.setItem('stagedoor.admission.' + concertId, JSON.stringify({ token, expiresAt }));
	},
	clear(concertId) {
		sessionStorage.removeItem('stagedoor.admission.' + concertId);
	},
};

export function el(tag, attrs = {}, ...children) {
	const node = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v == null || v === false) {
			continue;
		}
		if (k.startsWith('on')) {
			node.addEventListener(k.slice(2), v);
		}
		else if (k === 'text') {
			node.textContent = v;
		}
		else {
			node.setAttribute(k, v === true ? '' : v);
		}
	}
	for (const c of children.flat()) {
		if (c != null) {
			node.append(c.nodeType ? c : String(c));
		}
	}
	return node;
}
