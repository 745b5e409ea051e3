// Cancel storm: each iteration is one fan who buys 1–2 seats and then fires STORM
// cancellations of that one CONFIRMED reservation at once (http.batch). The contract:
//
//   - every answer is 202 CANCELLING or, once the refund is done, 200 CANCELLED; at least one
//     is 202 (the call that performed CONFIRMED → CANCELLING);
//   - the reservation ends CANCELLED, and a cancellation after that answers 200 CANCELLED;
//   - exactly one refund: the points balance comes back to what it was before the payment,
//     exactly, and stays there; the ledger has one PAYMENT and one REFUND for the reservation.
//
// On the way it also checks the points contract: a charge replayed with the same
// Idempotency-Key and body answers the stored response and credits nothing, and paying a
// CONFIRMED reservation again answers 200 without a second debit.
//
//   k6 run cancel-storm.js
//   k6 run -e STORM=200 -e ITERATIONS=50 cancel-storm.js

import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import * as sd from './lib/stagedoor.js';
import { count, fmt, stat, summaryOutputs } from './lib/summary.js';

const VUS = sd.envInt('VUS', 5);
const ITERATIONS = sd.envInt('ITERATIONS', 20); // fans, shared by the VUs
const STORM = sd.envInt('STORM', 50); // parallel cancellations of one reservation
const CANCEL_TIMEOUT = sd.envNumber('CANCEL_TIMEOUT', 30); // seconds from the storm to CANCELLED
const REFUND_SETTLE_SECONDS = sd.envNumber('REFUND_SETTLE_SECONDS', 2); // then the balance must not move

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    storms: {
      executor: 'shared-iterations',
      vus: VUS,
      iterations: ITERATIONS,
      maxDuration: '10m',
    },
  },
  thresholds: {
    storm_bad_answers: ['count==0'], // answers other than 202 CANCELLING / 200 CANCELLED
    storm_without_202: ['count==0'], // storms where nobody got 202
    cancel_timeouts: ['count==0'],
    refund_count_wrong: ['count==0'], // reservations with other than one REFUND in the ledger
    balance_wrong: ['count==0'], // balances not back to the pre-payment value, or moving after
    idempotency_broken: ['count==0'], // a replayed charge that credited again or answered otherwise
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    ...sd.latencyThresholds({ cancel: [500, 1000], pay: [400, 800], charge: [300, 600], points: [200, 500] }),
  },
  summaryTrendStats: sd.SUMMARY_TREND_STATS,
  // the whole storm in flight at once
  batch: STORM,
  batchPerHost: STORM,
  setupTimeout: '2m',
};

const stormAnswers202 = new Counter('storm_answers_202');
const stormAnswers200 = new Counter('storm_answers_200');
const stormBadAnswers = new Counter('storm_bad_answers');
const stormWithout202 = new Counter('storm_without_202');
const storms = new Counter('storms');
const cancelTimeouts = new Counter('cancel_timeouts');
const refundCountWrong = new Counter('refund_count_wrong');
const balanceWrong = new Counter('balance_wrong');
const idempotencyBroken = new Counter('idempotency_broken');
const refunds = new Counter('refunds_seen');
const cancelCompletion = new Trend('cancel_completion', true); // storm start → CANCELLED seen

/** @returns {import('./lib/stagedoor.js').Drop} */
export function setup() {
  const drop = sd.createDrop({
    title: 'k6 cancel storm',
    // two seats per fan at most, with room to spare
    sections: [{ name: 'S', rows: Math.max(1, Math.ceil((ITERATIONS * 2 * 1.5) / 50)), seatsPerRow: 50, price: 120 }],
    queue: { maxActive: 100000, admitPerSecond: 10000, activeTtlSeconds: 3600 },
  });
  console.log(`cancel storm: schedule ${drop.scheduleId}, ${drop.seatCount} seats, ${STORM} cancels per fan`);
  return drop;
}

/** @param {import('./lib/stagedoor.js').Drop} drop */
export default function (drop) {
  const userId = `${drop.runId}-storm-${exec.scenario.iterationInTest}`;
  const token = sd.fanToken(userId);
  const admission = sd.waitForAdmission(token, drop.concertId);
  if (!admission.admitted || admission.queueToken === null) {
    check(admission, { 'fan admitted': () => false });
    sd.warn(`${userId} not admitted: ${admission.failure}`);
    return;
  }
  try {
    const purchase = buy(userId, token, admission.queueToken, sd.scheduleOf(drop));
    if (purchase !== null) {
      storm(token, purchase.reservation);
      verifyRefund(token, purchase.reservation, purchase.balanceBeforePayment);
    }
  } finally {
    sd.leaveQueue(token, drop.concertId);
  }
}

/**
 * The balance, or null when it cannot be read.
 * @param {string} token
 * @returns {number | null}
 */
function balance(token) {
  const result = sd.getPoints(token);
  check(result, { 'points: 200 {balance}': (r) => r.status === 200 && r.body !== null && typeof r.body.balance === 'number' });
  return result.body === null ? null : result.body.balance;
}

/**
 * Holds 1–2 seats, charges more than they cost (replaying the charge once), pays (twice).
 * @param {string} userId
 * @param {string} token
 * @param {string} queueToken
 * @param {number} scheduleId
 * @returns {{ reservation: import('./lib/stagedoor.js').Reservation, balanceBeforePayment: number } | null}
 */
function buy(userId, token, queueToken, scheduleId) {
  const outcome = sd.holdRandomSeats(token, queueToken, scheduleId, { maxSeats: 2, attempts: 5 });
  if (outcome.reservation === null) {
    check(outcome, { 'hold: 201 HELD': () => false });
    sd.warn(`${userId} no hold: ${outcome.error ? sd.describe(outcome.error) : 'every attempt lost'}`);
    return null;
  }
  const held = outcome.reservation;
  const start = balance(token);
  if (start === null) {
    return null;
  }

  // more than the price, so that a refund lands on a balance that is not zero
  const amount = held.amount + sd.randomInt(1, 50);
  const key = sd.idempotencyKey(userId);
  const charged = sd.chargePoints(token, amount, key);
  if (!check(charged, { 'charge: 201': (r) => r.status === 201 && r.body !== null && r.body.amount === amount })) {
    sd.warn(`${userId} charge: ${sd.describe(charged)}`);
    return null;
  }
  // the same key and body again: the stored response, nothing credited
  const replay = sd.chargePoints(token, amount, key);
  const replayOk = check(replay, {
    'charge replay: 201, the same chargeId and balance': (r) =>
      r.status === 201 &&
      r.body !== null &&
      charged.body !== null &&
      r.body.chargeId === charged.body.chargeId &&
      r.body.balance === charged.body.balance,
  });
  const funded = balance(token);
  const creditedOnce = check(funded, { 'charge replay: credited once': (b) => b === start + amount });
  idempotencyBroken.add(replayOk && creditedOnce ? 0 : 1);
  if (funded === null) {
    return null;
  }

  const paid = sd.pay(token, held.id);
  if (!check(paid, { 'pay: 200 CONFIRMED': (r) => r.status === 200 && r.body !== null && r.body.state === 'CONFIRMED' })) {
    sd.warn(`${userId} payment: ${sd.describe(paid)}`);
    return null;
  }
  const afterPayment = balance(token);
  check(afterPayment, { 'pay: debited the amount once': (b) => b === funded - held.amount });
  const again = sd.pay(token, held.id);
  check(again, { 'pay again: 200 CONFIRMED': (r) => r.status === 200 && r.body !== null && r.body.state === 'CONFIRMED' });
  check(balance(token), { 'pay again: no second debit': (b) => b === afterPayment });
  return { reservation: paid.body === null ? held : paid.body, balanceBeforePayment: funded };
}

/**
 * STORM parallel cancellations of one CONFIRMED reservation, then waits for CANCELLED.
 * @param {string} token
 * @param {import('./lib/stagedoor.js').Reservation} reservation
 */
function storm(token, reservation) {
  storms.add(1);
  const started = Date.now();
  /** @type {import('./lib/stagedoor.js').CallOptions[]} */
  const calls = [];
  for (let i = 0; i < STORM; i++) {
    calls.push({ token, params: { reservationId: reservation.id } });
  }
  /** @type {import('./lib/stagedoor.js').ApiResult<import('./lib/stagedoor.js').Reservation>[]} */
  const answers = sd.callAll('cancel', calls);
  let accepted = 0;
  answers.forEach((answer) => {
    if (answer.status === 202 && sd.isCancellationAnswer(answer)) {
      accepted++;
      stormAnswers202.add(1);
    } else if (answer.status === 200 && sd.isCancellationAnswer(answer)) {
      stormAnswers200.add(1);
    } else {
      stormBadAnswers.add(1);
      sd.warn(`storm on ${reservation.id}: ${sd.describe(answer)}`);
    }
  });
  stormWithout202.add(accepted === 0 ? 1 : 0);
  stormBadAnswers.add(0); // a sample per storm, so the threshold always has data
  check(answers, {
    'storm: every answer 202 CANCELLING or 200 CANCELLED': (all) => all.every((a) => sd.isCancellationAnswer(a)),
    'storm: one call performed the cancel (a 202)': () => accepted > 0,
  });

  const done = sd.waitForState(token, reservation.id, ['CANCELLED'], CANCEL_TIMEOUT);
  cancelTimeouts.add(done === null ? 1 : 0);
  if (done === null) {
    sd.warn(`${reservation.id} not CANCELLED within ${CANCEL_TIMEOUT} s`);
    return;
  }
  cancelCompletion.add(Date.now() - started);
  const after = sd.cancel(token, reservation.id);
  check(after, { 'cancel after CANCELLED: 200 CANCELLED': (r) => r.status === 200 && r.body !== null && r.body.state === 'CANCELLED' });
}

/**
 * Exactly one refund: the balance is back where it was before the payment (the refund is
 * made before the reservation turns CANCELLED, so it is there already) and stays there, and
 * the ledger has one PAYMENT and one REFUND for the reservation.
 * @param {string} token
 * @param {import('./lib/stagedoor.js').Reservation} reservation
 * @param {number} expected the balance before the payment
 */
function verifyRefund(token, reservation, expected) {
  const now = balance(token);
  sleep(REFUND_SETTLE_SECONDS);
  const later = balance(token);
  const balanceOk = check(
    { now, later },
    {
      'refund: balance back to the pre-payment value': (b) => b.now === expected,
      'refund: balance does not move afterwards': (b) => b.later === expected,
    },
  );
  balanceWrong.add(balanceOk ? 0 : 1);
  if (!balanceOk) {
    sd.warn(`${reservation.id}: balance ${now} then ${later}, expected ${expected}`);
  }

  const ledger = sd.getLedger(token);
  if (!check(ledger, { 'ledger: 200': (r) => r.status === 200 && Array.isArray(r.body) })) {
    refundCountWrong.add(1);
    return;
  }
  const entries = (ledger.body || []).filter((e) => e.reservationId === reservation.id);
  const payments = entries.filter((e) => e.type === 'PAYMENT');
  const refundEntries = entries.filter((e) => e.type === 'REFUND');
  refunds.add(refundEntries.length);
  // the contract does not say whether a PAYMENT's amount is negative: compare magnitudes
  const ledgerOk = check(entries, {
    'ledger: one PAYMENT for the reservation': () => payments.length === 1,
    'ledger: exactly one REFUND for the reservation': () => refundEntries.length === 1,
    'ledger: the REFUND returns the payment': () =>
      refundEntries.length === 1 && Math.abs(refundEntries[0].amount) === Math.abs(reservation.amount),
  });
  refundCountWrong.add(refundEntries.length === 1 && ledgerOk ? 0 : 1);
}

/** @param {import('./lib/summary.js').SummaryData} data */
export function handleSummary(data) {
  return summaryOutputs(
    'cancel-storm',
    data,
    {
      storms: count(data, 'storms'),
      'cancellations per storm': STORM,
      'answers 202 / 200 / other': `${count(data, 'storm_answers_202')} / ${count(data, 'storm_answers_200')} / ${count(
        data,
        'storm_bad_answers',
      )}`,
      'storms without a 202 (must be 0)': count(data, 'storm_without_202'),
      'REFUND ledger entries seen': count(data, 'refunds_seen'),
      'wrong refund counts (must be 0)': count(data, 'refund_count_wrong'),
      'wrong balances (must be 0)': count(data, 'balance_wrong'),
      'broken idempotent charges (must be 0)': count(data, 'idempotency_broken'),
      'cancel timeouts (must be 0)': count(data, 'cancel_timeouts'),
      'storm → CANCELLED p95 (ms)': fmt(stat(data, 'cancel_completion', 'p(95)')),
    },
    [],
  );
}
