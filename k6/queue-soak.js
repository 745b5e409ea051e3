// Queue soak: many long waiters. VUS fans wait in one waiting room at a time (constant-vus
// for DURATION), admitted slowly (QUEUE_ADMIT_PER_SECOND, default 2/s), each following its
// place by polling GET …/queue when the service says (each answer's pollAfterSeconds).
// What is measured and asserted:
//
//   - positions only move forward: a waiter's position never grows (nobody is let in ahead
//     of it; people ahead leaving or being admitted move it up);
//   - re-entry is idempotent: every REENTRY_EVERY polls the fan POSTs again, which must
//     answer 200 (never a second 201) with the same position — compared with the polls
//     just before and just after, since admissions may move it in between;
//   - a waiter that keeps polling never loses its place (404 not-in-queue);
//   - how often positions change, the time to admission and how far the first ETA was off.
//
// Once admitted a fan leaves (DELETE), freeing the slot, and the VU starts a new fan.
// A second scenario reads the room's admin stats every 10 s: active never above maxActive.
//
//   k6 run queue-soak.js
//   k6 run -e VUS=1000 -e DURATION=30m -e QUEUE_ADMIT_PER_SECOND=5 queue-soak.js

import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import * as sd from './lib/stagedoor.js';
import { count, fmt, stat, summaryOutputs } from './lib/summary.js';

const VUS = sd.envInt('VUS', 300); // waiters at any time
const DURATION = sd.envString('DURATION', '15m');
const REENTRY_EVERY = sd.envInt('REENTRY_EVERY', 6); // polls between two re-entries
const WAIT_TIMEOUT = sd.envNumber('WAIT_TIMEOUT', 3600); // seconds one fan waits at most
/** @type {import('./lib/stagedoor.js').QueueSettings} */
const QUEUE = {
  maxActive: sd.envInt('QUEUE_MAX_ACTIVE', 10),
  admitPerSecond: sd.envInt('QUEUE_ADMIT_PER_SECOND', 2),
  activeTtlSeconds: sd.envInt('QUEUE_ACTIVE_TTL', 60),
};

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    waiters: {
      executor: 'constant-vus',
      vus: VUS,
      duration: DURATION,
      gracefulStop: '10s', // waiters still in the queue at the end are simply cut off
    },
    monitor: {
      executor: 'constant-vus',
      exec: 'monitor',
      vus: 1,
      duration: DURATION,
      gracefulStop: '10s',
    },
  },
  thresholds: {
    position_regressions: ['count==0'],
    reentry_created: ['count==0'],
    reentry_same_position: ['rate==1'],
    lost_places: ['count==0'],
    active_over_max: ['count==0'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    ...sd.latencyThresholds({ 'queue-enter': [200, 500], 'queue-status': [200, 500], 'queue-leave': [200, 500] }),
  },
  summaryTrendStats: sd.SUMMARY_TREND_STATS,
  setupTimeout: '1m',
};

const positions = new Trend('queue_position'); // every position a waiter was told
const firstPositions = new Trend('queue_position_at_entry');
const positionUpdates = new Counter('position_updates'); // polls whose position differed from the last
const polls = new Counter('queue_polls');
const positionRegressions = new Counter('position_regressions'); // a position that grew
const reentries = new Counter('reentries');
const reentryCreated = new Counter('reentry_created'); // a re-entry answered 201: a second place
const reentrySamePosition = new Rate('reentry_same_position');
const lostPlaces = new Counter('lost_places'); // 404 not-in-queue while polling
const admitted = new Counter('waiters_admitted');
const timeToAdmission = new Trend('time_to_admission', true);
const etaError = new Trend('eta_error_seconds'); // |first etaSeconds − the actual wait|
const waitingGauge = new Gauge('queue_waiting');
const activeGauge = new Gauge('queue_active');
const activeOverMax = new Counter('active_over_max');

/** @returns {import('./lib/stagedoor.js').Drop} */
export function setup() {
  // a concert with a waiting room and no schedule: this script never holds seats
  const drop = sd.createDrop({ title: 'k6 queue soak', sections: [], queue: QUEUE });
  console.log(`queue soak: concert ${drop.concertId}, ${VUS} waiters, admitting ${QUEUE.admitPerSecond}/s`);
  return drop;
}

/**
 * Follows one waiter's positions and runs the re-entry check every REENTRY_EVERY polls.
 * @param {string} token
 * @param {number} concertId
 */
function follower(token, concertId) {
  /** @type {number | null} */
  let last = null;
  let seen = 0;
  /** @type {{ before: number, during: number } | null} */
  let pendingReentry = null;

  /**
   * @param {import('./lib/stagedoor.js').QueueView} view
   */
  return function onView(view) {
    const position = view.position;
    if (typeof position !== 'number') {
      return;
    }
    seen++;
    polls.add(1);
    positions.add(position);
    if (last !== null && position !== last) {
      positionUpdates.add(1);
    }
    const regressed = last !== null && position > last;
    positionRegressions.add(regressed ? 1 : 0);
    if (regressed) {
      sd.warn(`position went from ${last} to ${position}`);
    }
    if (pendingReentry !== null) {
      // before ≥ during ≥ after; with no move between the polls, exactly the same position
      const { before, during } = pendingReentry;
      const same = before === position ? during === before : during <= before && during >= position;
      reentrySamePosition.add(same);
      if (!same) {
        sd.warn(`re-entry gave ${during}; polls around it gave ${before} and ${position}`);
      }
      pendingReentry = null;
    }
    last = position;
    if (seen % REENTRY_EVERY === 0) {
      pendingReentry = reenter(token, concertId, position);
    }
  };
}

/**
 * POSTs the entry again: 200 with the place the fan has.
 * @param {string} token
 * @param {number} concertId
 * @param {number} before the position of the poll just before
 * @returns {{ before: number, during: number } | null} what the next poll is compared with
 */
function reenter(token, concertId, before) {
  reentries.add(1);
  const again = sd.enterQueue(token, concertId);
  reentryCreated.add(again.status === 201 ? 1 : 0);
  check(again, { 're-entry: 200, not a new place': (r) => r.status === 200 && r.body !== null });
  if (again.body === null || again.body.status !== 'WAITING' || typeof again.body.position !== 'number') {
    return null; // admitted meanwhile (or an error, counted above): nothing to compare
  }
  return { before, during: again.body.position };
}

/** @param {import('./lib/stagedoor.js').Drop} drop */
export default function (drop) {
  const userId = `${drop.runId}-waiter-${exec.scenario.iterationInTest}`;
  const token = sd.fanToken(userId);
  const admission = sd.waitForAdmission(token, drop.concertId, {
    timeoutSeconds: WAIT_TIMEOUT,
    onView: follower(token, drop.concertId),
  });
  const first = admission.first;
  check(admission, { 'entry: 201 first entry': (a) => a.entryStatus === 201 });
  if (first !== null && typeof first.position === 'number') {
    firstPositions.add(first.position);
  }
  lostPlaces.add(admission.failureCode === 'not-in-queue' ? 1 : 0);
  if (!admission.admitted) {
    sd.warn(`${userId}: ${admission.failure}`);
    return;
  }
  admitted.add(1);
  timeToAdmission.add(admission.waitedMs);
  if (first !== null && typeof first.etaSeconds === 'number') {
    etaError.add(Math.abs(first.etaSeconds - admission.waitedMs / 1000));
  }
  const left = sd.leaveQueue(token, drop.concertId);
  check(left, { 'leave: 204': (r) => r.status === 204 });
}

/**
 * The room as the admin sees it, every 10 s.
 * @param {import('./lib/stagedoor.js').Drop} drop
 */
export function monitor(drop) {
  const stats = sd.queueStats(drop.concertId);
  if (check(stats, { 'admin stats: 200': (r) => r.status === 200 && r.body !== null }) && stats.body !== null) {
    waitingGauge.add(stats.body.waiting);
    activeGauge.add(stats.body.active);
    activeOverMax.add(stats.body.active > QUEUE.maxActive ? 1 : 0);
  }
  sleep(10);
}

/** @param {import('./lib/summary.js').SummaryData} data */
export function handleSummary(data) {
  return summaryOutputs(
    'queue-soak',
    data,
    {
      'waiters admitted': count(data, 'waiters_admitted'),
      'polls / position changes': `${count(data, 'queue_polls')} / ${count(data, 'position_updates')}`,
      'position at entry: median / max': `${fmt(stat(data, 'queue_position_at_entry', 'med'))} / ${fmt(
        stat(data, 'queue_position_at_entry', 'max'),
      )}`,
      'time to admission: median / p95 (s)': `${fmt((stat(data, 'time_to_admission', 'med') ?? NaN) / 1000)} / ${fmt(
        (stat(data, 'time_to_admission', 'p(95)') ?? NaN) / 1000,
      )}`,
      'first ETA off by: median (s)': fmt(stat(data, 'eta_error_seconds', 'med')),
      'position regressions (must be 0)': count(data, 'position_regressions'),
      're-entries / answered 201 (must be 0)': `${count(data, 'reentries')} / ${count(data, 'reentry_created')}`,
      're-entries with the same position': fmt((stat(data, 'reentry_same_position', 'rate') ?? NaN) * 100) + ' %',
      'places lost (must be 0)': count(data, 'lost_places'),
      'waiting at the last look': stat(data, 'queue_waiting', 'value'),
    },
    [],
  );
}
