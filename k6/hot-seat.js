// Hot seat: in each round every VU — a different admitted fan per round — asks for the same
// single seat at the same instant. Exactly one may get 201; all others must get 409
// seat-unavailable naming that seat. Rounds use different seats, so a round never meets the
// previous round's hold.
//
// The rounds are started by the clock, not by k6: setup fixes when round 0 starts and each
// round starts ROUND_SECONDS later. A VU gets its fan admitted first, then sleeps until the
// round's instant and fires; k6 has no barrier between VUs, and a shared wall-clock instant
// is the closest thing to "all at once".
//
//   k6 run hot-seat.js
//   k6 run -e VUS=500 -e ROUNDS=10 hot-seat.js

import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import * as sd from './lib/stagedoor.js';
import { count, summaryOutputs } from './lib/summary.js';

const VUS = sd.envInt('VUS', 200); // fans per round
const ROUNDS = sd.envInt('ROUNDS', 5);
const ROUND_SECONDS = sd.envNumber('ROUND_SECONDS', 10); // time between two rounds
const LEAD_SECONDS = sd.envNumber('LEAD_SECONDS', 10); // from the end of setup to round 0

/** Thresholds of one round: one winner, VUS − 1 losers. */
function roundThresholds() {
  /** @type {Record<string, string[]>} */
  const thresholds = {};
  for (let round = 0; round < ROUNDS; round++) {
    thresholds[`hot_wins{round:${round}}`] = ['count==1'];
    thresholds[`hot_losses{round:${round}}`] = [`count==${VUS - 1}`];
  }
  return thresholds;
}

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    rounds: {
      executor: 'per-vu-iterations',
      vus: VUS,
      iterations: ROUNDS, // iteration i of every VU is round i
      maxDuration: `${Math.ceil(LEAD_SECONDS + ROUNDS * ROUND_SECONDS + 120)}s`,
    },
  },
  thresholds: {
    ...roundThresholds(),
    // anything but 201 or 409 seat-unavailable naming the seat
    hot_unexpected: ['count==0'],
    // after the rounds, every round's seat must be HELD on the seat map
    hot_seat_map_wrong: ['count==0'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    // VUS requests for one seat at once: answered by the service's request rate, not by Redis
    ...sd.latencyThresholds({ hold: [500, 1000], 'queue-enter': [200, 500], 'queue-status': [200, 500] }),
  },
  summaryTrendStats: sd.SUMMARY_TREND_STATS,
  setupTimeout: '2m',
};

const wins = new Counter('hot_wins'); // 201 per round (tag round)
const losses = new Counter('hot_losses'); // 409 seat-unavailable naming the seat, per round
const unexpected = new Counter('hot_unexpected');
const late = new Counter('hot_late'); // VUs not admitted by the round's instant (they fire late)
const seatMapWrong = new Counter('hot_seat_map_wrong');
const spread = new Trend('hot_fire_spread', true); // how far after the round's instant a VU fired

/**
 * @typedef {Object} HotSeatData
 * @property {import('./lib/stagedoor.js').Drop} drop
 * @property {number[]} seatIds the seat of round i is seatIds[i]
 * @property {number} firstRoundAt epoch ms of round 0
 */

/** @returns {HotSeatData} */
export function setup() {
  const drop = sd.createDrop({
    title: 'k6 hot seat',
    sections: [{ name: 'HOT', rows: 1, seatsPerRow: ROUNDS, price: 100 }],
    // everyone admitted at once; admissions last long enough for the whole test
    queue: { maxActive: 1000000, admitPerSecond: 100000, activeTtlSeconds: 3600 },
  });
  const seats = sd.expectStatus(sd.seatMap(sd.adminToken(), sd.scheduleOf(drop)), 200);
  const seatIds = seats.map((seat) => seat.id).sort((a, b) => a - b);
  console.log(`hot seat: schedule ${drop.scheduleId}, seats ${seatIds.join(', ')}, ${VUS} fans per round`);
  return { drop, seatIds, firstRoundAt: Date.now() + LEAD_SECONDS * 1000 };
}

/** @param {HotSeatData} data */
export default function (data) {
  const round = exec.vu.iterationInScenario;
  const tags = { round: String(round) };
  const seatId = data.seatIds[round];
  const userId = `${data.drop.runId}-r${round}-vu${exec.vu.idInTest}`;
  const token = sd.fanToken(userId);
  const startsAt = data.firstRoundAt + round * ROUND_SECONDS * 1000;

  const admission = sd.waitForAdmission(token, data.drop.concertId, {
    timeoutSeconds: Math.max(5, (startsAt - Date.now()) / 1000 + 30),
  });
  if (!admission.admitted || admission.queueToken === null) {
    // counted as unexpected: the round then has fewer contenders than VUS
    unexpected.add(1, tags);
    sd.warn(`${userId} not admitted: ${admission.failure}`);
    return;
  }

  const wait = startsAt - Date.now();
  if (wait > 0) {
    sleep(wait / 1000);
  } else {
    late.add(1, tags);
  }
  spread.add(Date.now() - startsAt, tags);
  const result = sd.hold(token, admission.queueToken, sd.scheduleOf(data.drop), [seatId]);
  classify(result, seatId, tags);
  sd.leaveQueue(token, data.drop.concertId);
}

/**
 * Counts one answer of a round as a win, a loss or unexpected.
 * @param {import('./lib/stagedoor.js').ApiResult<import('./lib/stagedoor.js').Reservation>} result
 * @param {number} seatId
 * @param {{ round: string }} tags
 */
function classify(result, seatId, tags) {
  const won = result.status === 201 && result.body !== null;
  const lost =
    result.status === 409 &&
    result.code === 'seat-unavailable' &&
    result.problem !== null &&
    Array.isArray(result.problem.seatIds) &&
    result.problem.seatIds.indexOf(seatId) >= 0;
  // add 0 too, so that every round's counters exist even if nobody won
  wins.add(won ? 1 : 0, tags);
  losses.add(lost ? 1 : 0, tags);
  unexpected.add(won || lost ? 0 : 1, tags);
  check(result, {
    'hot seat: 201 HELD for that seat, or 409 seat-unavailable naming it': () =>
      lost || (won && result.body !== null && result.body.state === 'HELD' && result.body.seatIds[0] === seatId),
  });
  if (!won && !lost) {
    sd.warn(`round ${tags.round}: ${sd.describe(result)}`);
  }
}

/** @param {HotSeatData} data */
export function teardown(data) {
  // each round's winner still holds its seat (holds last stagedoor.hold.ttl, 5 min by default)
  const map = sd.seatMap(sd.adminToken(), sd.scheduleOf(data.drop));
  if (!map.ok || map.body === null) {
    seatMapWrong.add(data.seatIds.length);
    return;
  }
  /** @type {Map<number, string>} */
  const statusOf = new Map(map.body.map((seat) => [seat.id, seat.status]));
  data.seatIds.forEach((seatId, round) => {
    const status = statusOf.get(seatId);
    seatMapWrong.add(status === 'HELD' ? 0 : 1, { round: String(round) });
    if (status !== 'HELD') {
      console.warn(`round ${round}: seat ${seatId} is ${status}, expected HELD`);
    }
  });
}

/** @param {import('./lib/summary.js').SummaryData} data */
export function handleSummary(data) {
  /** @type {Record<string, string>} */
  const figures = {};
  for (let round = 0; round < ROUNDS; round++) {
    figures[`round ${round}: 201 / 409 (want 1 / ${VUS - 1})`] = `${count(data, `hot_wins{round:${round}}`)} / ${count(
      data,
      `hot_losses{round:${round}}`,
    )}`;
  }
  figures['unexpected answers (must be 0)'] = String(count(data, 'hot_unexpected'));
  figures['late VUs (fired after the instant)'] = String(count(data, 'hot_late'));
  figures['seat map wrong (must be 0)'] = String(count(data, 'hot_seat_map_wrong'));
  return summaryOutputs('hot-seat', data, figures, []);
}
