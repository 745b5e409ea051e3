// Ticket drop: fans arrive at an open-model rate (ramping-arrival-rate, so a slow service
// meets more concurrent fans, not fewer requests), and each iteration is one fan:
//
//   token → enter the waiting room → poll until ADMITTED → hold 1–4 random AVAILABLE seats
//   (other seats after a 409 seat-unavailable, a few times) → charge the points the hold
//   costs → pay → with CANCEL_RATE, cancel the purchase and wait for CANCELLED → leave.
//
// Some fans (UNDERFUND_RATE) charge one point too few first: their payment must be declined
// with 402 insufficient-points, and pass after they top up.
//
// Some fans (GA_RATE, 1 in 5 by default) also buy 1–GA_MAX_UNITS general-admission passes:
// the schedule has a quantity inventory of GA_QUANTITY units, and their hold carries
// `items` beside the seats, all or nothing. Once the passes are gone (409
// inventory-unavailable) such a fan holds seats only.
//
// At the end (teardown) the sales are audited against the seat map: no seat may be in two
// live sales (oversell, threshold count==0) and the map must show exactly the sold seats;
// the inventory's `sold` count must equal the passes of the live sales (units_mismatch).
//
//   k6 run ticket-drop.js
//   k6 run -e PEAK_RATE=100 -e PEAK=2m -e SECTIONS=A=20x50@100 ticket-drop.js

import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import * as sd from './lib/stagedoor.js';
import { count, fmt, stat, summaryOutputs } from './lib/summary.js';

// ---------------------------------------------------------------------------------------------
// Settings (k6 run -e NAME=value)
// ---------------------------------------------------------------------------------------------

const START_RATE = sd.envInt('START_RATE', 5); // fans arriving per second at the start
const PEAK_RATE = sd.envInt('PEAK_RATE', 40); // fans arriving per second at the peak
const RAMP = sd.envString('RAMP', '20s'); // from START_RATE to PEAK_RATE
const PEAK = sd.envString('PEAK', '60s'); // at PEAK_RATE
const RAMP_DOWN = sd.envString('RAMP_DOWN', '10s'); // down to 0
const PRE_VUS = sd.envInt('PRE_VUS', 100);
const MAX_VUS = sd.envInt('MAX_VUS', 1000);
const SECTIONS = sd.parseSections(sd.envString('SECTIONS', 'A=10x50@100,B=10x50@150'));
const MAX_SEATS = sd.envInt('MAX_SEATS', 4); // each fan wants 1 … MAX_SEATS seats (the service allows 4)
const HOLD_ATTEMPTS = sd.envInt('HOLD_ATTEMPTS', 4);
const CANCEL_RATE = sd.envProbability('CANCEL_RATE', 0.1);
const UNDERFUND_RATE = sd.envProbability('UNDERFUND_RATE', 0.05);
const CANCEL_TIMEOUT = sd.envNumber('CANCEL_TIMEOUT', 30); // seconds from 202 CANCELLING to CANCELLED
const SETTLE_SECONDS = sd.envNumber('SETTLE_SECONDS', 5); // before the audit, for the event pipeline
const GA_RATE = sd.envProbability('GA_RATE', 0.2); // fans who also buy GA passes (0: no inventory)
const GA_QUANTITY = sd.envInt('GA_QUANTITY', 500); // GA passes on sale
const GA_PRICE = sd.envInt('GA_PRICE', 60); // points per pass
const GA_MAX_UNITS = sd.envInt('GA_MAX_UNITS', 2); // such a fan wants 1 … GA_MAX_UNITS passes
/** @type {import('./lib/stagedoor.js').QueueSettings} */
const QUEUE = {
  // admission fast enough that the drop is about seats, not the waiting room
  maxActive: sd.envInt('QUEUE_MAX_ACTIVE', 5000),
  admitPerSecond: sd.envInt('QUEUE_ADMIT_PER_SECOND', 500),
  activeTtlSeconds: sd.envInt('QUEUE_ACTIVE_TTL', 900),
};

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    fans: {
      executor: 'ramping-arrival-rate',
      startRate: START_RATE,
      timeUnit: '1s',
      preAllocatedVUs: PRE_VUS,
      maxVUs: MAX_VUS,
      stages: [
        { target: PEAK_RATE, duration: RAMP },
        { target: PEAK_RATE, duration: PEAK },
        { target: 0, duration: RAMP_DOWN },
      ],
      gracefulStop: '60s',
    },
  },
  thresholds: {
    // statuses outside each endpoint's expected set (409 on hold and 402 on pay are expected)
    http_req_failed: ['rate<0.01'],
    'http_req_failed{endpoint:hold}': ['rate<0.01'],
    'http_req_failed{endpoint:pay}': ['rate<0.01'],
    // contract checks (status codes, states, balances)
    checks: ['rate>0.99'],
    // fans whose flow ended as the contract says (bought, sold out, or gave up after losing)
    fan_ok: ['rate>0.99'],
    // the audit: never a seat in two live sales, and the map shows exactly the sold seats
    oversell: ['count==0'],
    seat_map_mismatch: ['count==0'],
    // the GA inventory's sold count = the passes of the live sales, its counts add up
    units_mismatch: ['count==0'],
    audit_errors: ['count==0'],
    ...sd.latencyThresholds({
      'queue-enter': [200, 500],
      'queue-status': [200, 500],
      'seat-map': [500, 1000],
      hold: [250, 500],
      charge: [300, 600],
      pay: [400, 800],
      cancel: [400, 800],
      'queue-leave': [200, 500],
    }),
  },
  summaryTrendStats: sd.SUMMARY_TREND_STATS,
  // the audit reads reservations 50 at a time
  batch: 50,
  batchPerHost: 50,
  setupTimeout: '2m',
  teardownTimeout: '10m',
};

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

const seatsSold = new Counter('seats_sold'); // seats of payments answered 200 CONFIRMED
const seatsRefunded = new Counter('seats_refunded'); // seats of those purchases seen CANCELLED again
const holdsWon = new Counter('holds_won');
const holdsLost = new Counter('holds_lost'); // 409 seat-unavailable answers
const payments = new Counter('payments');
const paymentsDeclined = new Counter('payments_declined'); // 402 insufficient-points, as intended
const cancels = new Counter('cancels'); // purchases cancelled and seen CANCELLED
const cancelTimeouts = new Counter('cancel_timeouts');
const fansSoldOut = new Counter('fans_sold_out'); // admitted, but the map had no AVAILABLE seat
const fansGaveUp = new Counter('fans_gave_up'); // lost every hold attempt
const fansNotAdmitted = new Counter('fans_not_admitted');
const timeToAdmission = new Trend('time_to_admission', true);
const timeToConfirm = new Trend('time_to_confirm', true); // from admission to CONFIRMED
const selloutTime = new Trend('sellout_time', true); // since the drop opened, when a fan found no seat (min = sell-out)
const fanOk = new Rate('fan_ok');
// the audit (teardown); a VU also counts an oversell it sees itself (see recordSale)
const oversell = new Counter('oversell');
const seatMapMismatch = new Counter('seat_map_mismatch');
const auditErrors = new Counter('audit_errors');
const seatmapSold = new Gauge('seatmap_sold');
const seatmapHeld = new Gauge('seatmap_held');
const seatmapAvailable = new Gauge('seatmap_available');
const auditLiveSales = new Gauge('audit_live_sales');
const holdsWithUnits = new Counter('holds_with_units'); // holds won with GA passes in them
const unitsSold = new Counter('units_sold'); // passes of payments answered 200 CONFIRMED
const unitsRefunded = new Counter('units_refunded'); // passes of those purchases seen CANCELLED again
const fansUnitsSoldOut = new Counter('fans_units_sold_out'); // wanted passes, got 409 inventory-unavailable
const unitsMismatch = new Counter('units_mismatch');
const unitsSoldListed = new Gauge('units_sold_listed');
const unitsAvailableListed = new Gauge('units_available_listed');

// ---------------------------------------------------------------------------------------------
// Set-up: a fresh concert and schedule per run, so the audit sees only this run's sales
// ---------------------------------------------------------------------------------------------

/** @returns {import('./lib/stagedoor.js').Drop} */
export function setup() {
  const inventory =
    GA_RATE > 0 && GA_QUANTITY > 0
      ? { name: 'GA pass', quantity: GA_QUANTITY, price: GA_PRICE, maxPerUser: Math.max(1, GA_MAX_UNITS) }
      : null;
  const drop = sd.createDrop({ title: 'k6 ticket drop', sections: SECTIONS, queue: QUEUE, inventory });
  const ga = drop.inventory === null ? 'no GA' : `GA inventory ${drop.inventory.id} (${drop.inventory.quantity} passes)`;
  console.log(
    `drop: concert ${drop.concertId}, schedule ${drop.scheduleId}, ${drop.seatCount} seats, ${ga}, run ${drop.runId}`,
  );
  return drop;
}

/**
 * The user id of the run's n-th fan (the teardown lists the same ids).
 * @param {import('./lib/stagedoor.js').Drop} drop
 * @param {number} n
 * @returns {string}
 */
function fanId(drop, n) {
  return `${drop.runId}-fan-${n}`;
}

// ---------------------------------------------------------------------------------------------
// One fan
// ---------------------------------------------------------------------------------------------

/** @param {import('./lib/stagedoor.js').Drop} drop */
export default function (drop) {
  const userId = fanId(drop, exec.scenario.iterationInTest);
  const token = sd.fanToken(userId);
  const admission = sd.waitForAdmission(token, drop.concertId);
  if (!admission.admitted || admission.queueToken === null) {
    fansNotAdmitted.add(1);
    fanOk.add(false);
    sd.warn(`${userId} not admitted: ${admission.failure}`);
    return;
  }
  timeToAdmission.add(admission.waitedMs);
  try {
    fanOk.add(buyTickets(drop, userId, token, admission.queueToken));
  } finally {
    // frees the active slot for the next fan
    sd.leaveQueue(token, drop.concertId);
  }
}

/**
 * Hold, pay and maybe cancel. True when the fan's flow ended as the contract says.
 * @param {import('./lib/stagedoor.js').Drop} drop
 * @param {string} userId
 * @param {string} token
 * @param {string} queueToken
 * @returns {boolean}
 */
function buyTickets(drop, userId, token, queueToken) {
  const admittedAt = Date.now();
  /** @type {import('./lib/stagedoor.js').ItemRequest[]} */
  const items =
    drop.inventory !== null && Math.random() < GA_RATE
      ? [{ inventoryId: drop.inventory.id, quantity: sd.randomInt(1, Math.max(1, GA_MAX_UNITS)) }]
      : [];
  const outcome = sd.holdRandomSeats(token, queueToken, sd.scheduleOf(drop), {
    maxSeats: MAX_SEATS,
    attempts: HOLD_ATTEMPTS,
    items,
  });
  holdsLost.add(outcome.lost);
  if (outcome.unitsSoldOut) {
    fansUnitsSoldOut.add(1);
  }
  if (outcome.error !== null) {
    check(outcome.error, { 'hold: 201, or 409 seat-unavailable': () => false });
    sd.warn(`${userId} hold: ${sd.describe(outcome.error)}`);
    return false;
  }
  if (outcome.soldOut) {
    fansSoldOut.add(1);
    selloutTime.add(Date.now() - drop.openedAt);
    return true;
  }
  if (outcome.reservation === null) {
    fansGaveUp.add(1);
    return true;
  }
  holdsWon.add(1);
  const held = outcome.reservation;
  check(held, { 'hold: 201 HELD': (r) => r.state === 'HELD' && r.seatIds.length > 0 });
  if (items.length > 0 && !outcome.unitsSoldOut) {
    holdsWithUnits.add(1);
    check(held, {
      'hold: the passes asked for, in the amount': (r) =>
        sd.unitsOf(r, items[0].inventoryId) === items[0].quantity &&
        (r.items || []).every((item) => item.price === GA_PRICE),
    });
  }

  const confirmed = payFor(userId, token, held);
  if (confirmed === null) {
    return false;
  }
  timeToConfirm.add(Date.now() - admittedAt);
  recordSale(confirmed);
  if (Math.random() < CANCEL_RATE) {
    return cancelPurchase(userId, token, confirmed);
  }
  return true;
}

/**
 * Charges `amount` points with a fresh Idempotency-Key (nothing to do for 0).
 * @param {string} userId
 * @param {string} token
 * @param {number} amount
 * @returns {boolean}
 */
function topUp(userId, token, amount) {
  if (amount <= 0) {
    return true;
  }
  const result = sd.chargePoints(token, amount, sd.idempotencyKey(userId));
  const ok = check(result, {
    'charge: 201 with the amount': (r) => r.status === 201 && r.body !== null && r.body.amount === amount,
  });
  if (!ok) {
    sd.warn(`${userId} charge: ${sd.describe(result)}`);
  }
  return ok;
}

/**
 * Charges what the hold costs (one point short for an underfunded fan, whose first payment
 * must then be declined) and pays. Returns the CONFIRMED reservation, or null.
 * @param {string} userId
 * @param {string} token
 * @param {import('./lib/stagedoor.js').Reservation} held
 * @returns {import('./lib/stagedoor.js').Reservation | null}
 */
function payFor(userId, token, held) {
  // a new fan has no points yet, so the hold's amount is exactly enough
  const underfund = held.amount > 1 && Math.random() < UNDERFUND_RATE;
  if (!topUp(userId, token, underfund ? held.amount - 1 : held.amount)) {
    return null;
  }
  let result = sd.pay(token, held.id);
  if (underfund) {
    const declined = check(result, {
      'pay: 402 insufficient-points when a point short': (r) => r.status === 402 && r.code === 'insufficient-points',
    });
    if (!declined) {
      sd.warn(`${userId} underfunded payment: ${sd.describe(result)}`);
      return null;
    }
    paymentsDeclined.add(1);
    // PAYING went back to HELD: top up the missing point and pay again
    if (!topUp(userId, token, 1)) {
      return null;
    }
    result = sd.pay(token, held.id);
  }
  const paid = check(result, {
    'pay: 200 CONFIRMED': (r) => r.status === 200 && r.body !== null && r.body.state === 'CONFIRMED',
  });
  if (!paid || result.body === null) {
    sd.warn(`${userId} payment: ${sd.describe(result)}`);
    return null;
  }
  payments.add(1);
  return result.body;
}

/**
 * Seats this VU has seen sold and not cancelled → the reservation that bought them.
 * Only this VU's fans are in it (VUs share no memory), so it catches a double sale between
 * two fans of the same VU at the moment it happens; the teardown audit covers the whole run.
 * @type {Map<number, string>}
 */
const soldByThisVu = new Map();

/** @param {import('./lib/stagedoor.js').Reservation} reservation */
function recordSale(reservation) {
  seatsSold.add(reservation.seatIds.length);
  unitsSold.add(unitsOfAny(reservation));
  reservation.seatIds.forEach((seatId) => {
    const earlier = soldByThisVu.get(seatId);
    if (earlier !== undefined && earlier !== reservation.id) {
      oversell.add(1, { seen: 'vu' });
      sd.warn(`seat ${seatId} sold to ${earlier} and to ${reservation.id}`);
    }
    soldByThisVu.set(seatId, reservation.id);
  });
}

/**
 * Cancels a purchase: 202 CANCELLING, then CANCELLED (with one refund) within CANCEL_TIMEOUT.
 * @param {string} userId
 * @param {string} token
 * @param {import('./lib/stagedoor.js').Reservation} confirmed
 * @returns {boolean}
 */
function cancelPurchase(userId, token, confirmed) {
  const answer = sd.cancel(token, confirmed.id);
  const accepted = check(answer, {
    'cancel of CONFIRMED: 202 CANCELLING': (r) => r.status === 202 && r.body !== null && r.body.state === 'CANCELLING',
  });
  if (!accepted) {
    sd.warn(`${userId} cancel: ${sd.describe(answer)}`);
    return false;
  }
  // from here the seats may be sold again to someone else
  confirmed.seatIds.forEach((seatId) => soldByThisVu.delete(seatId));
  const done = sd.waitForState(token, confirmed.id, ['CANCELLED'], CANCEL_TIMEOUT, 0.5);
  if (done === null) {
    cancelTimeouts.add(1);
    sd.warn(`${userId} ${confirmed.id} not CANCELLED within ${CANCEL_TIMEOUT} s`);
    return false;
  }
  cancels.add(1);
  seatsRefunded.add(confirmed.seatIds.length);
  unitsRefunded.add(unitsOfAny(confirmed));
  return true;
}

/**
 * Every unit (of any inventory) in a reservation; the run's schedule has one inventory.
 * @param {import('./lib/stagedoor.js').Reservation} reservation
 * @returns {number}
 */
function unitsOfAny(reservation) {
  return (reservation.items || []).reduce((sum, item) => sum + item.quantity, 0);
}

// ---------------------------------------------------------------------------------------------
// Teardown: the sales audit
// ---------------------------------------------------------------------------------------------

/** @param {import('./lib/stagedoor.js').Drop} drop */
export function teardown(drop) {
  sleep(SETTLE_SECONDS);
  // iterationInTest numbers the fans 0 … started-1 (one k6 instance); a few more ids are
  // listed in case an iteration was counted late, they simply have no reservations
  const started = exec.instance.iterationsCompleted + exec.instance.iterationsInterrupted;
  /** @type {string[]} */
  const userIds = [];
  for (let n = 0; n < started + 20; n++) {
    userIds.push(fanId(drop, n));
  }
  const audit = sd.auditSalesUntilSettled(sd.scheduleOf(drop), userIds, {
    attempts: 4,
    pauseSeconds: 5,
    inventoryId: drop.inventory === null ? null : drop.inventory.id,
  });
  oversell.add(audit.oversell, { seen: 'audit' });
  seatMapMismatch.add(audit.soldWithoutSale + audit.saleNotSold);
  auditErrors.add(audit.lookupErrors);
  seatmapSold.add(audit.soldOnMap);
  seatmapHeld.add(audit.heldOnMap);
  seatmapAvailable.add(audit.availableOnMap);
  auditLiveSales.add(audit.liveSales);
  unitsMismatch.add(audit.unitsMismatch);
  if (drop.inventory !== null) {
    unitsSoldListed.add(audit.unitsSoldListed);
    unitsAvailableListed.add(audit.unitsAvailableListed);
  }
  console.log(`audit: ${JSON.stringify(audit)}`);
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

/** @param {import('./lib/summary.js').SummaryData} data */
export function handleSummary(data) {
  // what the fans themselves saw: seats paid for, less those refunded
  const runSold = count(data, 'seats_sold') - count(data, 'seats_refunded');
  const mapSold = stat(data, 'seatmap_sold', 'value');
  const sellout = stat(data, 'sellout_time', 'min');
  /** @type {string[]} */
  const notes = [];
  if (count(data, 'oversell') > 0) {
    notes.push(`OVERSELL: ${count(data, 'oversell')} extra sale(s) of a seat — a seat was sold twice`);
  } else {
    notes.push('oversell: 0 (no seat in two live sales)');
  }
  if (mapSold !== null && runSold > mapSold) {
    notes.push(`OVERSELL by the fans' own count: they paid for ${runSold} seats, the map shows ${mapSold} SOLD`);
  } else if (mapSold !== null && runSold < mapSold) {
    notes.push(
      `the map shows ${mapSold - runSold} SOLD seat(s) the fans did not see confirmed (a lost answer or a cancel still running)`,
    );
  }
  return summaryOutputs(
    'ticket-drop',
    data,
    {
      'sold seats (fans: paid − refunded)': runSold,
      'SOLD seats on the seat map': mapSold,
      'oversell (must be 0)': count(data, 'oversell'),
      'seat map mismatches (must be 0)': count(data, 'seat_map_mismatch'),
      'seats available at the end': stat(data, 'seatmap_available', 'value'),
      'GA passes sold (fans: paid − refunded) / listed sold': `${count(data, 'units_sold') - count(data, 'units_refunded')} / ${stat(data, 'units_sold_listed', 'value')}`,
      'GA mismatches (must be 0)': count(data, 'units_mismatch'),
      'holds with passes / fans who found them sold out': `${count(data, 'holds_with_units')} / ${count(data, 'fans_units_sold_out')}`,
      'holds won / lost (409)': `${count(data, 'holds_won')} / ${count(data, 'holds_lost')}`,
      'payments / declined (402)': `${count(data, 'payments')} / ${count(data, 'payments_declined')}`,
      'cancels / timed out': `${count(data, 'cancels')} / ${count(data, 'cancel_timeouts')}`,
      'fans sold out / gave up / not admitted': `${count(data, 'fans_sold_out')} / ${count(data, 'fans_gave_up')} / ${count(data, 'fans_not_admitted')}`,
      'time to admission p95 (ms)': fmt(stat(data, 'time_to_admission', 'p(95)')),
      'sell-out after (s)': sellout === null ? 'not sold out' : fmt(sellout / 1000),
    },
    notes,
  );
}
