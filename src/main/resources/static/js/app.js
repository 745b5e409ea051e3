// The fan pages: concerts -> schedules and the waiting room -> seat map, hold, payment,
// cancellation; "my tickets". Hash routes: #/, #/concerts/{id}, #/schedules/{id}, #/tickets.
import { API, TOKEN_KEY, ApiProblem, admissions, call, claims, el, follow, get, newIdempotencyKey, signOut, token } from './api.js';
import { describe } from './problems.js';
import { SeatMapView } from './seatmap.js';

const config = window.stagedoorConfig || {};
const view = document.getElementById('view');
const notice = document.getElementById('notice');
const live = document.getElementById('live');
let cleanups = [];

function onLeave(fn) {
	cleanups.push(fn);
}

function say(text, code) {
	notice.textContent = text || '';
	notice.hidden = !text;
	if (code) {
		notice.dataset.code = code;
	}
	else {
		delete notice.dataset.code;
	}
}

function problem(e) {
	if (e instanceof ApiProblem) {
		say(e.message, e.code);
		if (e.code === 'unauthorized') {
			renderSignIn();
		}
	}
	else {
		say('Something went wrong in this page. Please reload it.');
		console.warn(e);
	}
}

function announce(text) {
	live.textContent = text;
}

const delay = (ms) => new Promise(resolve => setTimeout(resolve, ms));

function mmss(ms) {
	const s = Math.max(0, Math.ceil(ms / 1000));
	return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

function duration(seconds) {
	if (seconds < 60) {
		return `${seconds} s`;
	}
	return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

// ---- signing in -------------------------------------------------------------------------

async function renderSignIn() {
	const box = document.getElementById('account');
	box.replaceChildren();
	const t = await token();
	if (t) {
		const c = claims(t);
		box.append(el('span', { id: 'whoami', text: `Signed in as ${c.sub}` }), ' · ',
			el('span', { id: 'balance', 'aria-live': 'polite' }), ' ',
			sessionStorage.getItem(TOKEN_KEY) ? el('button', { type: 'button', id: 'sign-out', onclick: () => { signOut(); location.hash = '#/'; renderSignIn(); route(); } }, 'Sign out') : null);
		refreshBalance();
		return true;
	}
	box.append(el('span', { text: 'Not signed in.' }));
	// only `./mvnw spring-boot:test-run` (and the browser tests) serve /dev/sign-in
	try {
		const response = await fetch(API + '/dev/sign-in', { headers: { Accept: 'application/json' } });
		if (response.ok) {
			const fan = el('input', { id: 'dev-fan', type: 'number', min: '1', value: '1', 'aria-label': 'Fan number' });
			const signIn = async (admin) => {
				const answer = await fetch(API + '/dev/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify(admin ? { admin: true } : { fan: Number(fan.value) }) });
				sessionStorage.setItem(TOKEN_KEY, (await answer.json()).token);
				await renderSignIn();
				route();
			};
			box.append(' Development: sign in as fan ', fan, ' ',
				el('button', { type: 'button', id: 'dev-sign-in-fan', onclick: () => signIn(false) }, 'Sign in as fan'), ' ',
				el('button', { type: 'button', id: 'dev-sign-in-admin', onclick: () => signIn(true) }, 'Sign in as admin'));
		}
	}
	catch (e) {
		// no development sign-in here
	}
	return false;
}

async function refreshBalance() {
	const node = document.getElementById('balance');
	if (!node) {
		return null;
	}
	try {
		const { balance } = await get('/api/me/points');
		node.textContent = `${balance} points`;
		node.dataset.balance = String(balance);
		return balance;
	}
	catch (e) {
		problem(e);
		return null;
	}
}

// ---- concerts ---------------------------------------------------------------------------

async function concerts() {
	const list = el('ul', { id: 'concerts', class: 'cards' });
	view.replaceChildren(el('h1', {}, 'Concerts'), list);
	const all = await get('/api/concerts');
	if (!all.length) {
		list.append(el('li', {}, 'No concerts on sale yet.'));
	}
	for (const c of all) {
		list.append(el('li', {}, el('a', { href: `#/concerts/${c.id}`, 'data-concert': c.id }, el('strong', {}, c.title)), el('br'), c.venue));
	}
}

async function concert(id) {
	const c = await get(`/api/concerts/${id}`);
	const table = el('table', { id: 'schedules' }, el('caption', {}, 'Performances (availability refreshed live)'),
		el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Starts'), el('th', { scope: 'col' }, 'Available seats'), el('th', { scope: 'col' }, ''))));
	const body = el('tbody');
	table.append(body);
	const queue = el('section', { id: 'queue', 'aria-labelledby': 'queue-title' });
	view.replaceChildren(el('p', {}, el('a', { href: '#/' }, '← All concerts')), el('h1', {}, c.title), el('p', {}, c.venue), queue, table);
	const rows = new Map();
	async function refresh() {
		const schedules = await get(`/api/concerts/${id}/schedules`);
		const admitted = admissions.get(id) != null;
		for (const s of schedules) {
			let row = rows.get(s.id);
			if (!row) {
				row = el('tr', { 'data-schedule': s.id }, el('td', {}, new Date(s.startsAt).toLocaleString()),
					el('td', { class: 'available' }), el('td', { class: 'action' }));
				rows.set(s.id, row);
				body.append(row);
			}
			row.querySelector('.available').textContent = `${s.available} of ${s.seatCount}`;
			row.querySelector('.available').dataset.available = String(s.available);
			const action = row.querySelector('.action');
			const link = action.querySelector('a');
			if (!link || link.classList.contains('choose') !== admitted) {
				action.replaceChildren(admitted
					? el('a', { href: `#/schedules/${s.id}`, class: 'choose button', 'data-schedule': s.id }, 'Choose seats')
					: el('a', { href: `#/schedules/${s.id}`, class: 'preview' }, 'See the seat map'));
			}
		}
	}
	await refresh();
	const timer = setInterval(() => refresh().catch(problem), 5000);
	onLeave(() => clearInterval(timer));
	waitingRoom(id, queue, refresh);
}

// ---- waiting room -----------------------------------------------------------------------

/** sessionStorage marker: this tab holds a place in the concert's waiting room. */
const WAITING = 'stagedoor.waiting.';

function waitingRoom(concertId, box, admittedChanged) {
	const status = el('p', { id: 'queue-status', role: 'status' });
	const position = el('span', { id: 'queue-position' });
	const eta = el('span', { id: 'queue-eta' });
	const progress = el('progress', { id: 'queue-progress', max: '100', value: '0', 'aria-label': 'Progress to the front of the queue' });
	const expires = el('p', { id: 'queue-expires', class: 'hint' });
	const join = el('button', { type: 'button', id: 'join' }, 'Join the waiting room');
	const leave = el('button', { type: 'button', id: 'leave', hidden: true }, 'Leave the waiting room');
	const details = el('p', { id: 'queue-details', hidden: true }, 'Position ', position, ' · about ', eta, ' to go');
	box.replaceChildren(el('h2', { id: 'queue-title' }, 'Waiting room'), status, details, progress, expires, join, leave);
	let first = null;
	let stream = null;
	let pollTimer = null;
	const stop = () => {
		if (stream) {
			stream.close();
			stream = null;
			delete box.dataset.live;
		}
		clearTimeout(pollTimer);
	};
	onLeave(stop);

	function show(v) {
		box.dataset.status = v.status;
		if (v.status === 'WAITING') {
			sessionStorage.setItem(WAITING + concertId, '1');
		}
		else {
			sessionStorage.removeItem(WAITING + concertId);
		}
		if (v.status === 'ADMITTED') {
			stop();
			admissions.set(concertId, v.token, v.expiresAt);
			status.textContent = `It's your turn! You can pick seats until ${new Date(v.expiresAt).toLocaleTimeString()}.`;
			details.hidden = true;
			progress.value = 100;
			expires.textContent = '';
			join.hidden = true;
			leave.hidden = true;
			admittedChanged().catch(problem);
			return;
		}
		if (first == null || v.position > first) {
			first = v.position;
		}
		status.textContent = 'You are in the waiting room. Keep this page open.';
		details.hidden = false;
		position.textContent = String(v.position);
		eta.textContent = duration(v.etaSeconds);
		// the share of the way from the first position seen to the door
		progress.value = Math.round(100 * (first - v.position + 1) / (first + 1));
		progress.setAttribute('aria-valuetext', `Position ${v.position}`);
		expires.textContent = `Your place is kept while this page is open (until ${new Date(v.expiresAt).toLocaleTimeString()} without contact).`;
		join.hidden = true;
		leave.hidden = false;
	}

	function lapsed() {
		stop();
		sessionStorage.removeItem(WAITING + concertId);
		box.dataset.status = 'LAPSED';
		status.textContent = 'Your place in the waiting room has lapsed. Join again to get a new place (at the back).';
		details.hidden = true;
		join.hidden = false;
		leave.hidden = true;
	}

	/**
	 * Asks for the place once. WAITING: the stream is reopened (new ticket) at once, or, when
	 * the last stream dropped soon after opening, after the server's pollAfterSeconds (polling
	 * in between, as the server paces it). 404: the place has lapsed.
	 */
	async function poll(reopenNow) {
		try {
			const v = await get(`/api/concerts/${concertId}/queue`);
			show(v);
			if (v.status === 'WAITING') {
				if (reopenNow) {
					openStream();
				}
				else {
					pollTimer = setTimeout(() => poll(true), v.pollAfterSeconds * 1000);
				}
			}
		}
		catch (e) {
			if (e.code === 'not-in-queue') {
				lapsed();
				return;
			}
			problem(e);
			pollTimer = setTimeout(() => poll(false), 5000);
		}
	}

	function openStream() {
		if (stream) {
			return;
		}
		const openedAt = Date.now();
		stream = follow(`/api/concerts/${concertId}/queue/stream`, { status: show }, {
			onOpen: () => {
				box.dataset.live = 'true';
			},
			onDrop: async () => {
				delete box.dataset.live;
				// the stream ends after ADMITTED, when the place is gone, or when the connection
				// drops: find out which (this stream is not reopened; poll opens a new one)
				stream = null;
				if (box.dataset.status !== 'ADMITTED') {
					await poll(Date.now() - openedAt > 5000);
				}
				return false;
			},
		});
	}

	async function enter() {
		try {
			say('');
			const { body: v } = await call('POST', `/api/concerts/${concertId}/queue`);
			first = null;
			show(v);
			if (v.status === 'WAITING') {
				openStream();
			}
		}
		catch (e) {
			problem(e);
		}
	}

	join.addEventListener('click', enter);
	leave.addEventListener('click', async () => {
		stop();
		try {
			await call('DELETE', `/api/concerts/${concertId}/queue`);
		}
		catch (e) {
			problem(e);
		}
		box.dataset.status = 'LEFT';
		sessionStorage.removeItem(WAITING + concertId);
		status.textContent = 'You left the waiting room.';
		details.hidden = true;
		join.hidden = false;
		leave.hidden = true;
	});
	const admission = admissions.get(concertId);
	if (admission) {
		show({ status: 'ADMITTED', token: admission.token, expiresAt: admission.expiresAt });
	}
	else {
		status.textContent = 'Join the waiting room to buy tickets. You will be let in in the order you arrived.';
		// already waiting in this tab (a reload): resume the place without taking a new one
		if (sessionStorage.getItem(WAITING + concertId)) {
			poll(true);
		}
	}
}

// ---- seat map, hold, payment, cancellation ----------------------------------------------

async function schedule(id) {
	const s = await get(`/api/schedules/${id}`);
	const c = await get(`/api/concerts/${s.concertId}`);
	const admission = admissions.get(s.concertId);
	const legend = el('p', { class: 'legend' }, el('span', { class: 'key AVAILABLE' }), ' available ',
		el('span', { class: 'key HELD' }), ' held ', el('span', { class: 'key SOLD' }), ' sold ',
		el('span', { class: 'key picked' }), ' picked');
	const mapBox = el('div', { id: 'seatmap' });
	const selection = el('p', { id: 'selection', 'aria-live': 'polite' });
	const hold = el('button', { type: 'button', id: 'hold', disabled: true }, 'Hold the picked seats');
	const panel = el('section', { id: 'reservation', hidden: true, 'aria-live': 'polite' });
	const wait = el('button', { type: 'button', id: 'join-waiting-list' }, 'Sold out? Join the waiting list');
	const waitStatus = el('p', { id: 'waiting-list', 'aria-live': 'polite' });
	view.replaceChildren(...[el('p', {}, el('a', { href: `#/concerts/${s.concertId}` }, `← ${c.title}`)),
		el('h1', {}, `${c.title}, ${new Date(s.startsAt).toLocaleString()}`),
		admission ? null : el('p', { class: 'hint', id: 'not-admitted' }, 'You can look at the map; to pick seats, ',
			el('a', { href: `#/concerts/${s.concertId}` }, 'join the waiting room'), ' first.'),
		legend, el('div', { class: 'columns' }, el('div', { class: 'map-scroll' }, mapBox), el('aside', {}, selection, hold, wait, waitStatus, panel))].filter(Boolean));
	const map = new SeatMapView(mapBox, {
		limit: config.maxSeatsPerUser || 4,
		announce,
		onSelection: (ids) => {
			selection.textContent = ids.length
				? `Picked: ${ids.map(i => map.seat(i).label).join(', ')} (${ids.reduce((sum, i) => sum + map.seat(i).price, 0)} points)`
				: `Pick up to ${map.limit} seats.`;
			hold.disabled = !ids.length || !admission;
		},
	});
	window.stagedoorSeatMap = map; // for the embedding page and the browser tests
	const stream = follow(`/api/schedules/${id}/seats/stream`, {
		snapshot: (seats) => map.render(seats),
		seats: (changes) => map.apply(changes),
	});
	onLeave(() => stream.close());

	waitingList(id, wait, waitStatus, panel, map);

	hold.addEventListener('click', async () => {
		say('');
		const seatIds = [...map.selected];
		hold.disabled = true;
		try {
			const { body: r } = await call('POST', `/api/schedules/${id}/reservations`, { seatIds }, { 'Queue-Token': admission.token });
			map.clearSelection();
			reservation(r, panel, map);
		}
		catch (e) {
			problem(e);
			if (e.code === 'seat-unavailable') {
				map.flash(e.problem.seatIds || []);
			}
			else if (e.code === 'seat-limit-exceeded' && e.problem.limit) {
				map.limit = e.problem.limit;
			}
			else if (e.code === 'not-admitted') {
				admissions.clear(s.concertId);
			}
			hold.disabled = !map.selected.size;
		}
	});
}

/**
 * The waiting list of a schedule: joining for the picked number of seats (1 when none is
 * picked), the place as it changes, and the offer: a reservation held in the fan's name,
 * shown like a hold of their own.
 */
function waitingList(id, wait, waitStatus, panel, map) {
	let stream = null;
	let offered = false;
	function place(p) {
		wait.hidden = true;
		waitStatus.textContent = `Waiting list: you are number ${p.position} of ${p.waiting}.`;
	}
	function following() {
		if (stream) {
			return;
		}
		stream = follow(`/api/schedules/${id}/waiting-list/stream`, {
			position: place,
			offer: async (p) => {
				offered = true;
				stream.close();
				waitStatus.textContent = 'Seats came back and are held for you: pay before the offer ends.';
				announce(waitStatus.textContent);
				reservation(await get(`/api/reservations/${p.offer}`), panel, map);
			},
		}, { onDrop: () => !offered });
		onLeave(() => stream.close());
	}
	wait.addEventListener('click', async () => {
		say('');
		try {
			const { body } = await call('POST', `/api/schedules/${id}/waiting-list`, { seats: Math.max(1, map.selected.size) });
			place({ position: body.position, waiting: body.position });
			following();
		}
		catch (e) {
			problem(e);
		}
	});
}

const FINAL = ['CANCELLED', 'EXPIRED'];

function reservation(r, panel, map) {
	const state = el('strong', { id: 'reservation-state' });
	const countdown = el('span', { id: 'countdown', role: 'timer', 'aria-live': 'off' });
	const pay = el('button', { type: 'button', id: 'pay' }, 'Pay with points');
	const cancel = el('button', { type: 'button', id: 'cancel', class: 'secondary' }, 'Cancel');
	const refund = el('p', { id: 'refund' });
	const seats = r.seatIds.map(i => (map.seat(i) || { label: i }).label).join(', ');
	panel.hidden = false;
	panel.replaceChildren(el('h2', {}, 'Your reservation'), el('p', {}, `Seats ${seats} · `, el('span', { id: 'amount' }, `${r.amount} points`)),
		el('p', {}, 'State: ', state), el('p', { class: 'countdown' }, countdown), pay, ' ', cancel, refund);
	panel.dataset.reservation = r.id;
	let current = r;
	let ticker = null;
	function tick() {
		if (current.state !== 'HELD' || !current.heldUntil) {
			countdown.textContent = '';
			return;
		}
		const left = new Date(current.heldUntil).getTime() - Date.now();
		countdown.textContent = left > 0 ? `Held for you for ${mmss(left)}` : 'Your hold has expired.';
	}
	function show(next) {
		if (next.version < current.version) {
			return;
		}
		current = next;
		state.textContent = next.state;
		panel.dataset.state = next.state;
		pay.hidden = next.state !== 'HELD';
		cancel.hidden = !(next.state === 'HELD' || next.state === 'CONFIRMED');
		cancel.textContent = next.state === 'CONFIRMED' ? 'Cancel my tickets' : 'Release the seats';
		if (next.state === 'CONFIRMED') {
			refund.textContent = 'Paid. Enjoy the show!';
		}
		if (FINAL.includes(next.state)) {
			clearInterval(ticker);
		}
		tick();
	}
	show(r);
	ticker = setInterval(tick, 1000);
	onLeave(() => clearInterval(ticker));
	const stream = follow(`/api/reservations/${r.id}/stream`, { state: show },
		{ onDrop: () => !FINAL.includes(current.state) });
	onLeave(() => stream.close());

	pay.addEventListener('click', async () => {
		say('');
		pay.disabled = true;
		try {
			const balance = await refreshBalance();
			if (balance != null && balance < current.amount) {
				await charge(current.amount - balance);
			}
			let paid;
			try {
				paid = await call('POST', `/api/reservations/${current.id}/payment`);
			}
			catch (e) {
				if (e.code !== 'insufficient-points') {
					throw e;
				}
				// the balance changed meanwhile: charge the shortfall, then pay once more
				await charge(e.problem.amount - e.problem.balance);
				paid = await call('POST', `/api/reservations/${current.id}/payment`);
			}
			show(paid.body);
			refreshBalance();
		}
		catch (e) {
			problem(e);
			if (e.problem && e.problem.reservation) {
				show(e.problem.reservation);
			}
		}
		finally {
			pay.disabled = false;
		}
	});
	cancel.addEventListener('click', async () => {
		say('');
		cancel.disabled = true;
		try {
			const { body } = await call('POST', `/api/reservations/${current.id}/cancellation`);
			const wasPaid = current.state === 'CONFIRMED';
			show(body);
			if (wasPaid) {
				refund.textContent = 'Cancelling… your refund is on its way.';
				await until(() => current.state === 'CANCELLED');
				const ledger = await get('/api/me/points/ledger?limit=50');
				const entry = ledger.find(e => e.type === 'REFUND' && e.reservationId === current.id);
				refund.textContent = entry ? `Cancelled. ${entry.amount} points refunded; your balance is ${entry.balanceAfter} points.`
					: 'Cancelled. Your refund will show in your balance shortly.';
				refreshBalance();
			}
			else {
				refund.textContent = 'Released. The seats are back on sale.';
			}
		}
		catch (e) {
			problem(e);
		}
		finally {
			cancel.disabled = false;
		}
	});
	async function until(condition) {
		for (let i = 0; i < 600 && !condition(); i++) {
			await delay(100);
		}
	}
}

/**
 * Buys points. One Idempotency-Key per charge attempt, reused when that same attempt is
 * retried after a lost answer or a 503, so a retry never credits twice.
 */
async function charge(amount) {
	const key = newIdempotencyKey();
	for (let attempt = 0; ; attempt++) {
		try {
			return (await call('POST', '/api/me/points/charges', { amount }, { 'Idempotency-Key': key })).body;
		}
		catch (e) {
			// a lost answer, or refused before it ran (503 unavailable/overloaded, 429): the same
			// attempt again, with the same key
			if ((e.status === 0 || e.status === 503 || e.status === 429) && attempt < 3) {
				await delay(Math.max(500 * 2 ** attempt, 1000 * (e.problem.retryAfterSeconds || 0)));
				continue;
			}
			throw e;
		}
	}
}

// ---- my tickets -------------------------------------------------------------------------

async function tickets() {
	const body = el('tbody');
	view.replaceChildren(el('h1', {}, 'My tickets'),
		el('table', { id: 'tickets' }, el('thead', {}, el('tr', {}, ...['Reservation', 'Performance', 'Seats', 'Points', 'State'].map(h => el('th', { scope: 'col' }, h)))), body));
	const mine = await get('/api/me/reservations');
	if (!mine.length) {
		body.append(el('tr', {}, el('td', { colspan: '5' }, 'No tickets yet.')));
	}
	for (const r of mine) {
		const state = el('td', { class: 'state' }, r.state);
		body.append(el('tr', { 'data-reservation': r.id }, el('td', {}, r.id), el('td', {}, el('a', { href: `#/schedules/${r.scheduleId}` }, String(r.scheduleId))),
			el('td', {}, String(r.seatIds.length)), el('td', {}, String(r.amount)), state));
		if (['HELD', 'PAYING', 'CANCELLING'].includes(r.state)) {
			let last = r.state;
			const stream = follow(`/api/reservations/${r.id}/stream`, { state: (next) => { last = next.state; state.textContent = next.state; } },
				{ onDrop: () => !FINAL.includes(last) && last !== 'CONFIRMED' });
			onLeave(() => stream.close());
		}
	}
}

// ---- routing ----------------------------------------------------------------------------

async function route() {
	for (const fn of cleanups) {
		fn();
	}
	cleanups = [];
	say('');
	view.dataset.route = location.hash || '#/';
	if (!(await token())) {
		view.replaceChildren(el('h1', {}, 'Welcome'), el('p', {}, 'Please sign in on the site that sent you here to buy tickets.'));
		return;
	}
	const [, page, id] = (location.hash || '#/').split('/');
	try {
		if (page === 'concerts' && id) {
			await concert(Number(id));
		}
		else if (page === 'schedules' && id) {
			await schedule(Number(id));
		}
		else if (page === 'tickets') {
			await tickets();
		}
		else {
			await concerts();
		}
		view.dataset.ready = 'true';
	}
	catch (e) {
		problem(e);
	}
}

window.addEventListener('hashchange', route);
renderSignIn().then(route);
