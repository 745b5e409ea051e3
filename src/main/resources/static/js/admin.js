// The drop dashboard: pick a concert, follow its live figures (GET
// /api/admin/concerts/{id}/stats/stream, one event a second), create concerts and schedules,
// change the waiting room's settings.
import { API, TOKEN_KEY, ApiProblem, call, claims, el, follow, get, token } from './api.js';

const view = document.getElementById('view');
const notice = document.getElementById('notice');
const HISTORY = 300; // points kept per chart: the last five minutes at one event a second

function say(text, code) {
	notice.textContent = text || '';
	notice.hidden = !text;
	if (code) {
		notice.dataset.code = code;
	}
}

function problem(e) {
	say(e instanceof ApiProblem ? e.message : 'Something went wrong in this page. Please reload it.', e.code);
}

const TILES = [
	['waiting', 'Waiting', v => v.waiting],
	['active', 'Active (admitted)', v => v.active],
	['admissions', 'Admissions / s', v => v.admissionsPerSecond],
	['holds', 'Seats held / s', v => v.holdsPerSecond],
	['sales', 'Seats sold / s', v => v.salesPerSecond],
	['sold', 'Seats sold', v => v.schedules.reduce((s, x) => s + x.sold, 0)],
	['backlog', 'Outbox backlog', v => v.outboxBacklog],
	['lag', 'Persistence lag p99 (ms, bucket bound, last 10 s)', v => v.persistenceLagP99Millis == null ? 0 : Math.round(v.persistenceLagP99Millis)],
	['dead', 'Dead letters', v => v.deadLetters],
	['refused', 'Refused / s (rate limits, cooldowns; this instance)', v => v.refusalsPerSecond],
	['shed', 'Shed / s (overloaded; this instance)', v => v.shedPerSecond],
];

async function signIn() {
	const box = document.getElementById('account');
	const t = await token();
	if (t) {
		const c = claims(t);
		box.textContent = `Signed in as ${c.sub}${(c.roles || []).includes('admin') ? ' (admin)' : ''}`;
		return true;
	}
	box.textContent = 'Not signed in.';
	try {
		const response = await fetch(API + '/dev/sign-in', { headers: { Accept: 'application/json' } });
		if (response.ok) {
			box.append(' ', el('button', { type: 'button', id: 'dev-sign-in-admin', onclick: async () => {
				const answer = await fetch(API + '/dev/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"admin":true}' });
				sessionStorage.setItem(TOKEN_KEY, (await answer.json()).token);
				location.reload();
			} }, 'Development: sign in as admin'));
		}
	}
	catch (e) {
		// no development sign-in here
	}
	return false;
}

function sparkline(values) {
	const max = Math.max(1, ...values);
	const n = values.length;
	const points = values.map((v, i) => `${n < 2 ? 0 : (i * 100 / (n - 1)).toFixed(1)},${(38 - v * 36 / max).toFixed(1)}`).join(' ');
	return `<svg viewBox="0 0 100 40" preserveAspectRatio="none" aria-hidden="true"><polyline points="${points}"/></svg>`;
}

async function dashboard() {
	if (!(await signIn())) {
		view.replaceChildren(el('p', {}, 'Sign in with an admin token to see the dashboard.'));
		return;
	}
	const select = el('select', { id: 'concert', 'aria-label': 'Concert' });
	const tiles = el('div', { class: 'stats', id: 'stats' });
	const scheduleBody = el('tbody');
	const table = el('table', { id: 'schedule-stats' }, el('caption', {}, 'Seats by schedule'),
		el('thead', {}, el('tr', {}, ...['Schedule', 'Seats', 'Available', 'Held', 'Sold', 'Outbox', 'Sold out at'].map(h => el('th', { scope: 'col' }, h)))), scheduleBody);
	const refusalBody = el('tbody');
	const refusalTable = el('table', { id: 'refusal-breakdown' }, el('caption', {}, 'Fair-play refusals since this instance started'),
		el('thead', {}, el('tr', {}, ...['Endpoint class', 'Reason', 'Refused'].map(h => el('th', { scope: 'col' }, h)))), refusalBody);
	const updated = el('p', { id: 'updated', class: 'hint', 'aria-live': 'off' });
	const newConcert = el('form', { class: 'inline', id: 'new-concert' },
		el('label', {}, 'Title', el('input', { name: 'title', required: true })),
		el('label', {}, 'Venue', el('input', { name: 'venue', required: true })),
		el('button', { type: 'submit' }, 'Create concert'));
	const inMonth = new Date(Date.now() + 30 * 864e5);
	inMonth.setMinutes(0, 0, 0);
	const local = new Date(inMonth.getTime() - inMonth.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
	const newSchedule = el('form', { class: 'inline', id: 'new-schedule' },
		el('label', {}, 'Starts', el('input', { name: 'startsAt', type: 'datetime-local', value: local, required: true })),
		el('label', {}, 'Sections (name rows seats-per-row price; one per line)', el('textarea', { name: 'sections', rows: '2', cols: '30', required: true }, 'FLOOR 10 20 120\nBALCONY 5 20 80')),
		el('button', { type: 'submit' }, 'Create schedule'));
	const settings = el('form', { class: 'inline', id: 'queue-settings' },
		el('label', {}, 'Max active', el('input', { name: 'maxActive', type: 'number', min: '1', required: true })),
		el('label', {}, 'Admit / s', el('input', { name: 'admitPerSecond', type: 'number', min: '1', required: true })),
		el('label', {}, 'Admission TTL (s)', el('input', { name: 'activeTtlSeconds', type: 'number', min: '1', required: true })),
		el('button', { type: 'submit' }, 'Save queue settings'));
	view.replaceChildren(el('h1', {}, 'Drop dashboard'), el('p', {}, el('label', {}, 'Concert ', select)), updated, tiles, table, refusalTable,
		el('h2', {}, 'Waiting room settings'), settings, el('h2', {}, 'New schedule for this concert'), newSchedule,
		el('h2', {}, 'New concert'), newConcert);
	const history = Object.fromEntries(TILES.map(([id]) => [id, []]));
	for (const [id, label] of TILES) {
		tiles.append(el('div', { class: 'stat', id: 'stat-' + id }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, '–'), el('div', { class: 'chart' })));
	}
	let stream = null;

	async function loadConcerts(pick) {
		const concerts = await get('/api/concerts');
		select.replaceChildren(...concerts.map(c => el('option', { value: c.id }, `${c.title} (#${c.id})`)));
		if (pick) {
			select.value = String(pick);
		}
		else if (concerts.length) {
			select.value = String(concerts[concerts.length - 1].id);
		}
		await open();
	}

	async function open() {
		if (stream) {
			stream.close();
		}
		for (const id in history) {
			history[id].length = 0;
		}
		const id = select.value;
		if (!id) {
			return;
		}
		view.dataset.concert = id;
		const q = await get(`/api/admin/concerts/${id}/queue`);
		for (const name of ['maxActive', 'admitPerSecond', 'activeTtlSeconds']) {
			settings.elements[name].value = q[name];
		}
		stream = follow(`/api/admin/concerts/${id}/stats/stream`, { stats: show });
	}

	function show(v) {
		updated.textContent = `Updated ${new Date(v.at).toLocaleTimeString()}`;
		for (const [id, , pick] of TILES) {
			const value = pick(v);
			const h = history[id];
			h.push(value);
			if (h.length > HISTORY) {
				h.shift();
			}
			const tile = document.getElementById('stat-' + id);
			tile.querySelector('.value').textContent = String(value);
			tile.querySelector('.chart').innerHTML = sparkline(h);
		}
		scheduleBody.replaceChildren(...v.schedules.map(s => el('tr', { 'data-schedule': s.id },
			el('td', {}, String(s.id)), el('td', { class: 'seats' }, String(s.seats)), el('td', { class: 'available' }, String(s.available)),
			el('td', { class: 'held' }, String(s.held)), el('td', { class: 'sold' }, String(s.sold)), el('td', {}, String(s.outboxBacklog)),
			el('td', { class: 'sold-out' }, s.soldOutAt ? new Date(s.soldOutAt).toLocaleTimeString() : '–'))));
		refusalBody.replaceChildren(...(v.refusals || []).map(r => el('tr', { 'data-refusal': `${r.endpointClass}/${r.reason}` },
			el('td', {}, r.endpointClass), el('td', {}, r.reason), el('td', { class: 'total' }, String(r.total)))));
	}

	select.addEventListener('change', () => open().catch(problem));
	newConcert.addEventListener('submit', async (e) => {
		e.preventDefault();
		try {
			const { body } = await call('POST', '/api/admin/concerts', { title: newConcert.elements.title.value, venue: newConcert.elements.venue.value });
			say('');
			await loadConcerts(body.id);
		}
		catch (err) {
			problem(err);
		}
	});
	newSchedule.addEventListener('submit', async (e) => {
		e.preventDefault();
		try {
			const sections = newSchedule.elements.sections.value.split('\n').map(l => l.trim()).filter(Boolean).map((line) => {
				const [name, rows, seatsPerRow, price] = line.split(/\s+/);
				return { name, rows: Number(rows), seatsPerRow: Number(seatsPerRow), price: Number(price) };
			});
			await call('POST', `/api/admin/concerts/${select.value}/schedules`,
				{ startsAt: new Date(newSchedule.elements.startsAt.value).toISOString(), sections });
			say('Schedule created.');
		}
		catch (err) {
			problem(err);
		}
	});
	settings.addEventListener('submit', async (e) => {
		e.preventDefault();
		try {
			await call('PUT', `/api/admin/concerts/${select.value}/queue`, Object.fromEntries(
				['maxActive', 'admitPerSecond', 'activeTtlSeconds'].map(n => [n, Number(settings.elements[n].value)])));
			say('Queue settings saved.');
		}
		catch (err) {
			problem(err);
		}
	});
	const wanted = new URLSearchParams(location.search).get('concert');
	await loadConcerts(wanted);
}

dashboard().catch(problem);
