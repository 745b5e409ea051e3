// The seat map: one SVG, a grid per section, one <rect> per seat whose data-status
// (AVAILABLE / HELD / SOLD) the seat stream updates in place. Keyboard: the map is one tab
// stop (a listbox with aria-activedescendant); arrows move between seats, PageUp/PageDown
// between sections, Space or Enter picks a seat; the current seat is announced.
const CELL = 14;
const SIZE = 12;
const HEADING = 22;
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAP_KEYS = new Set(['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End', ' ', 'Enter']);

export class SeatMapView {
	constructor(container, { limit = 4, onSelection = () => {}, announce = () => {} } = {}) {
		this.container = container;
		this.limit = limit;
		this.onSelection = onSelection;
		this.announce = announce;
		this.seats = new Map(); // id -> { seat, node, status }
		this.grid = new Map(); // "section|row|number" -> id
		this.order = []; // ids in drawing order
		this.sections = []; // { name, firstId }
		this.selected = new Set();
		this.active = null;
		container.classList.add('seatmap');
		container.tabIndex = 0;
		container.setAttribute('role', 'listbox');
		container.setAttribute('aria-multiselectable', 'true');
		container.setAttribute('aria-label', 'Seat map: arrow keys move, Space picks a seat, Page Up and Page Down change section');
		container.addEventListener('click', (e) => {
			const id = e.target && e.target.dataset ? Number(e.target.dataset.seat) : NaN;
			if (id) {
				this.activate(id);
				this.toggle(id);
			}
		});
		container.addEventListener('keydown', (e) => this.key(e));
		container.addEventListener('focus', () => {
			if (this.active == null && this.order.length) {
				this.activate(this.order[0]);
			}
		});
	}

	/** Draws a full snapshot (the stream's first event, and again after a reconnect). */
	render(seats) {
		performance.mark('seatmap-render-start');
		// a picked seat that is gone or no longer available (taken while the stream was down)
		// is unpicked before drawing, so no rect is drawn picked that the selection lacks
		const available = new Set(seats.filter(seat => seat.status === 'AVAILABLE').map(seat => seat.id));
		for (const id of [...this.selected]) {
			if (!available.has(id)) {
				this.selected.delete(id);
			}
		}
		const bySection = new Map();
		for (const seat of seats) {
			let s = bySection.get(seat.section);
			if (!s) {
				s = [];
				bySection.set(seat.section, s);
			}
			s.push(seat);
		}
		let y = 0;
		let width = 0;
		const parts = [];
		this.order = [];
		this.sections = [];
		this.grid.clear();
		for (const [name, list] of bySection) {
			let maxRow = 0;
			let maxNumber = 0;
			for (const seat of list) {
				maxRow = Math.max(maxRow, seat.row);
				maxNumber = Math.max(maxNumber, seat.number);
			}
			parts.push(`<text x="0" y="${y + 15}" class="section-name">${escapeXml(name)}</text>`);
			y += HEADING;
			this.sections.push({ name, firstId: list[0].id });
			for (const seat of list) {
				const x = (seat.number - 1) * CELL;
				const sy = y + (seat.row - 1) * CELL;
				parts.push(`<rect id="seat-${seat.id}" data-seat="${seat.id}" data-status="${seat.status}" role="option" aria-selected="${this.selected.has(seat.id)}" x="${x}" y="${sy}" width="${SIZE}" height="${SIZE}" rx="2"/>`);
				this.order.push(seat.id);
				this.grid.set(seat.section + '|' + seat.row + '|' + seat.number, seat.id);
			}
			y += maxRow * CELL + 8;
			width = Math.max(width, maxNumber * CELL);
		}
		this.container.innerHTML = `<svg xmlns="${SVG_NS}" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" aria-hidden="false">${parts.join('')}</svg>`;
		const nodes = this.container.querySelectorAll('rect');
		this.seats.clear();
		seats.forEach((seat, i) => {
			// the rects were written section by section; find each by id only if the order differs
			const node = nodes[i] && Number(nodes[i].dataset.seat) === seat.id ? nodes[i]
				: this.container.querySelector('#seat-' + seat.id);
			this.seats.set(seat.id, { seat, node, status: seat.status });
		});
		this.container.dataset.seats = String(seats.length);
		performance.mark('seatmap-render-end');
		performance.measure('seatmap-render', 'seatmap-render-start', 'seatmap-render-end');
		// first paint: the frame after the next animation frame has been produced
		requestAnimationFrame(() => setTimeout(() => {
			performance.mark('seatmap-painted');
			performance.measure('seatmap-first-paint', 'seatmap-render-start', 'seatmap-painted');
			this.container.dataset.painted = 'true';
		}, 0));
		if (this.active != null && this.seats.has(this.active)) {
			this.activate(this.active, false);
		}
		this.onSelection([...this.selected]);
	}

	/** Applies a `seats` event: [{id, status}]. */
	apply(changes) {
		performance.mark('seatmap-apply-start');
		let lostSelection = false;
		for (const change of changes) {
			const s = this.seats.get(change.id);
			if (!s || s.status === change.status) {
				continue;
			}
			s.status = change.status;
			s.node.setAttribute('data-status', change.status);
			if (change.status !== 'AVAILABLE' && this.selected.delete(change.id)) {
				s.node.setAttribute('aria-selected', 'false');
				lostSelection = true;
			}
		}
		performance.mark('seatmap-apply-end');
		performance.measure('seatmap-apply', 'seatmap-apply-start', 'seatmap-apply-end');
		if (this.active != null && changes.some(c => c.id === this.active)) {
			this.activate(this.active, true);
		}
		if (lostSelection) {
			this.onSelection([...this.selected]);
		}
	}

	status(id) {
		const s = this.seats.get(id);
		return s ? s.status : null;
	}

	seat(id) {
		const s = this.seats.get(id);
		return s ? s.seat : null;
	}

	toggle(id) {
		const s = this.seats.get(id);
		if (!s) {
			return;
		}
		if (this.selected.has(id)) {
			this.selected.delete(id);
		}
		else if (s.status !== 'AVAILABLE') {
			this.announce(`${s.seat.label} is ${s.status.toLowerCase()} and cannot be picked.`);
			return;
		}
		else if (this.selected.size >= this.limit) {
			this.announce(`You can pick at most ${this.limit} seats.`);
			return;
		}
		else {
			this.selected.add(id);
		}
		s.node.setAttribute('aria-selected', String(this.selected.has(id)));
		this.activate(id, true);
		this.onSelection([...this.selected]);
	}

	clearSelection() {
		for (const id of this.selected) {
			const s = this.seats.get(id);
			if (s) {
				s.node.setAttribute('aria-selected', 'false');
			}
		}
		this.selected.clear();
		this.onSelection([]);
	}

	/** Taken seats blink for a moment and are deselected. */
	flash(ids) {
		for (const id of ids) {
			const s = this.seats.get(id);
			if (!s) {
				continue;
			}
			this.selected.delete(id);
			s.node.setAttribute('aria-selected', 'false');
			s.node.classList.remove('flash');
			// restart the animation
			void s.node.getBoundingClientRect();
			s.node.classList.add('flash');
			s.node.addEventListener('animationend', () => s.node.classList.remove('flash'), { once: true });
		}
		this.onSelection([...this.selected]);
	}

	describe(id) {
		const s = this.seats.get(id);
		return `${s.seat.section} row ${s.seat.row} seat ${s.seat.number}, ${s.status.toLowerCase()}, ${s.seat.price} points${this.selected.has(id) ? ', picked' : ''}`;
	}

	activate(id, speak = true) {
		const previous = this.active != null ? this.seats.get(this.active) : null;
		if (previous) {
			previous.node.classList.remove('active');
			previous.node.removeAttribute('aria-label');
		}
		const s = this.seats.get(id);
		if (!s) {
			return;
		}
		this.active = id;
		s.node.classList.add('active');
		s.node.setAttribute('aria-label', this.describe(id));
		this.container.setAttribute('aria-activedescendant', 'seat-' + id);
		if (speak) {
			this.announce(this.describe(id));
		}
	}

	key(e) {
		if (this.active == null) {
			// focused before the seats arrived (the focus handler found none): the first of the
			// map's keys lands on the first seat
			if (this.order.length && MAP_KEYS.has(e.key)) {
				e.preventDefault();
				this.activate(this.order[0]);
			}
			return;
		}
		const s = this.seats.get(this.active).seat;
		let next = null;
		const at = (row, number) => this.grid.get(s.section + '|' + row + '|' + number);
		switch (e.key) {
			case 'ArrowRight': next = at(s.row, s.number + 1); break;
			case 'ArrowLeft': next = at(s.row, s.number - 1); break;
			case 'ArrowDown': next = at(s.row + 1, s.number); break;
			case 'ArrowUp': next = at(s.row - 1, s.number); break;
			case 'PageDown':
			case 'PageUp': {
				const i = this.sections.findIndex(x => x.name === s.section);
				const j = e.key === 'PageDown' ? i + 1 : i - 1;
				if (j >= 0 && j < this.sections.length) {
					next = this.sections[j].firstId;
				}
				break;
			}
			case 'Home': next = this.order[0]; break;
			case 'End': next = this.order[this.order.length - 1]; break;
			case ' ':
			case 'Enter':
				e.preventDefault();
				this.toggle(this.active);
				return;
			default:
				return;
		}
		e.preventDefault();
		if (next != null) {
			this.activate(next);
			const node = this.seats.get(next).node;
			if (node.scrollIntoView) {
				node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
			}
		}
	}
}

function escapeXml(text) {
	return String(text).replace(/[<>&"]/g, c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
}
