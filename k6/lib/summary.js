// End-of-test summaries: handleSummary() of each script returns summaryOutputs(...), which
// prints a short text report and writes it, with the full k6 summary data as JSON, to
// SUMMARY_DIR/<script>-summary.{txt,json}. Defining handleSummary replaces k6's own
// end-of-test report, so the text here lists every threshold and the latencies per endpoint.

import { config } from './stagedoor.js';

/**
 * The data k6 passes to handleSummary (the parts used here).
 * @typedef {{ ok: boolean }} ThresholdResult
 * @typedef {{ type: string, contains?: string, values: Record<string, number>, thresholds?: Record<string, ThresholdResult> }} SummaryMetric
 * @typedef {{ metrics: Record<string, SummaryMetric>, state?: { testRunDurationMs?: number }, [key: string]: unknown }} SummaryData
 */

/**
 * One statistic of a metric, or null when the metric has no samples.
 * @param {SummaryData} data
 * @param {string} metric
 * @param {string} key `count`, `rate`, `value`, `p(95)`, …
 * @returns {number | null}
 */
export function stat(data, metric, key) {
  const found = data.metrics[metric];
  if (!found || found.values[key] === undefined) {
    return null;
  }
  return found.values[key];
}

/**
 * A Counter's count (0 when it has no samples).
 * @param {SummaryData} data
 * @param {string} metric
 * @returns {number}
 */
export function count(data, metric) {
  return stat(data, metric, 'count') ?? 0;
}

/**
 * A number for the report: whole numbers as they are, others with `digits` decimals.
 * @param {number | null} value
 * @param {number} [digits]
 * @returns {string}
 */
export function fmt(value, digits = 1) {
  if (value === null || Number.isNaN(value)) {
    return '-';
  }
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/**
 * Every threshold with its verdict, failed ones first.
 * @param {SummaryData} data
 * @returns {{ lines: string[], failed: number, passed: number }}
 */
function thresholdReport(data) {
  /** @type {string[]} */
  const failedLines = [];
  /** @type {string[]} */
  const passedLines = [];
  Object.keys(data.metrics)
    .sort()
    .forEach((name) => {
      const metric = data.metrics[name];
      const thresholds = metric.thresholds || {};
      Object.keys(thresholds).forEach((expression) => {
        const shown = Object.keys(metric.values)
          .map((key) => `${key}=${fmt(metric.values[key], 2)}`)
          .join(' ');
        const line = `  ${thresholds[expression].ok ? 'ok  ' : 'FAIL'} ${name}: ${expression}   (${shown})`;
        (thresholds[expression].ok ? passedLines : failedLines).push(line);
      });
    });
  return { lines: failedLines.concat(passedLines), failed: failedLines.length, passed: passedLines.length };
}

/**
 * p95 / p99 / max of http_req_duration per endpoint tag that has a threshold.
 * @param {SummaryData} data
 * @returns {string[]}
 */
function latencyReport(data) {
  const prefix = 'http_req_duration{endpoint:';
  return Object.keys(data.metrics)
    .filter((name) => name.indexOf(prefix) === 0)
    .sort()
    .map((name) => {
      const endpoint = name.slice(prefix.length, -1);
      const values = data.metrics[name].values;
      return `  ${endpoint.padEnd(16)} p95 ${fmt(values['p(95)'] ?? null).padStart(8)} ms   p99 ${fmt(
        values['p(99)'] ?? null,
      ).padStart(8)} ms   max ${fmt(values.max ?? null).padStart(8)} ms   n=${fmt(values.count ?? null)}`;
    });
}

/**
 * The outputs handleSummary returns: the text report on stdout and in a .txt file, and a
 * JSON file with the script's key figures and k6's full summary data.
 * @param {string} script e.g. `ticket-drop`
 * @param {SummaryData} data what k6 passed to handleSummary
 * @param {Record<string, number | string | null>} figures the script's key figures
 * @param {string[]} notes extra lines for the text report (verdicts in words)
 * @returns {Record<string, string>}
 */
export function summaryOutputs(script, data, figures, notes) {
  const thresholds = thresholdReport(data);
  const duration = data.state && data.state.testRunDurationMs ? data.state.testRunDurationMs / 1000 : null;
  const requests = count(data, 'http_reqs');
  const failedRate = stat(data, 'http_req_failed', 'rate');
  const lines = [
    '',
    `Stagedoor k6 — ${script}   (${fmt(duration)} s, ${requests} requests, unexpected statuses ${fmt(
      failedRate === null ? null : failedRate * 100,
      2,
    )} %)`,
    '',
    'key figures:',
    ...Object.keys(figures).map((key) => `  ${key.padEnd(40)} ${figures[key] === null ? '-' : String(figures[key])}`),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `  ${note}`)] : []),
    '',
    'latency per endpoint:',
    ...latencyReport(data),
    '',
    `thresholds: ${thresholds.passed} passed, ${thresholds.failed} failed`,
    ...thresholds.lines,
    '',
  ];
  const text = lines.join('\n');
  const base = `${config.summaryDir}/${script}-summary`;
  return {
    stdout: text,
    [`${base}.txt`]: text,
    [`${base}.json`]: JSON.stringify(
      { script, generatedAt: new Date().toISOString(), thresholdsFailed: thresholds.failed, figures, k6: data },
      null,
      2,
    ),
  };
}
