/**
 * Streaming parser of k6's `--out json` NDJSON. One line in, zero or one call on a sink out;
 * nothing is accumulated, so memory stays flat however long the run.
 *
 * Lines: `{"type":"Metric","data":{...},"metric":"<name>"}` declarations (ignored) and
 * `{"type":"Point","metric":"<name>","data":{"time":"<RFC3339 ns>","value":n,"tags":{...}}}`.
 * Used points:
 *   http_req_duration  → one finished request (time = its end, value = ms; tags status, expected_response, error_code)
 *   vus                → active VUs
 *   dropped_iterations → arrivals the open model could not start
 *   capbench_version   → responses per app version / replica (scenarios/k6/common.ts)
 * Every other metric is ignored (counted in `stats.ignoredPoints`).
 */
import type { RequestOutcome } from '../recorder.ts';

/** Where parsed points go (the driver's LoadRecorder). Times are ms since load start (may be negative: before t=0). */
export interface K6PointSink {
  record(o: RequestOutcome): void;
  setVUs(atMs: number, vus: number): void;
  dropped(atMs: number, count: number): void;
  /** `count` responses at `atMs` came from `version` / `servedBy` ('' = header absent) */
  countVersion(atMs: number, version: string, servedBy: string, count: number): void;
}

export interface K6ParseStats {
  lines: number;
  points: number;
  requests: number;
  failures: number;
  /** points of metrics capbench does not use */
  ignoredPoints: number;
  /** lines that were not JSON, or JSON without the expected shape; skipped */
  badLines: number;
  /** wall-clock epoch ms of the first and last point seen */
  firstPointEpochMs: number | null;
  lastPointEpochMs: number | null;
  /** last `vus` value seen */
  vus: number;
}

const MAX_WARNINGS = 20;

/**
 * k6 error code (https://grafana.com/docs/k6/latest/javascript-api/error-codes/) → failure
 * reason. Reasons are the ones the builtin driver uses where the meaning is the same
 * (`timeout`, `ECONNREFUSED`, `ECONNRESET`, `status_<n>`), so both drivers' timelines read alike.
 */
export function k6ErrorReason(code: string, status: number): string {
  switch (code) {
    case '1050': // request timeout
    case '1211': // dial timeout
      return 'timeout';
    case '1212':
      return 'ECONNREFUSED';
    case '1220':
      return 'ECONNRESET';
    default: {
      const n = Number(code);
      // 1400–1599: the response had an error status; the status is the better name
      if (n >= 1400 && n < 1600) return `status_${status > 0 ? status : n - 1000}`;
      return `k6_error_${code}`;
    }
  }
}

const TIME_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** RFC3339 with up to ns (as k6 writes it, any zone) → epoch ms with sub-ms precision; NaN when malformed. */
export function parseK6Time(s: string): number {
  const m = TIME_RE.exec(s);
  if (!m) return Number.NaN;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const frac = m[2] === undefined ? 0 : Number(`0.${m[2]}`) * 1000;
  return whole + frac;
}

interface PointData {
  time: string;
  value: number;
  tags: Record<string, string>;
}

function pointData(o: unknown): { metric: string; data: PointData } | 'declaration' | null {
  if (typeof o !== 'object' || o === null) return null;
  const r = o as { type?: unknown; metric?: unknown; data?: unknown };
  if (r.type === 'Metric') return 'declaration';
  if (r.type !== 'Point' || typeof r.metric !== 'string' || typeof r.data !== 'object' || r.data === null) return null;
  const d = r.data as { time?: unknown; value?: unknown; tags?: unknown };
  if (typeof d.time !== 'string' || typeof d.value !== 'number') return null;
  const tags = typeof d.tags === 'object' && d.tags !== null ? (d.tags as Record<string, string>) : {};
  return { metric: r.metric, data: { time: d.time, value: d.value, tags } };
}

/**
 * Feed lines with `line()`, then call `end()` once. A bad line is skipped and warned about:
 * in the middle of the file as "not JSON", as the last line as "truncated" (k6 stopped
 * mid-write). Never throws on input.
 */
export class K6NdjsonParser {
  readonly stats: K6ParseStats = {
    lines: 0, points: 0, requests: 0, failures: 0, ignoredPoints: 0, badLines: 0,
    firstPointEpochMs: null, lastPointEpochMs: null, vus: 0,
  };
  /** the first warnings (at most 20); `stats.badLines` has the full count */
  readonly warnings: string[] = [];
  private pendingBad: { lineNo: number; why: string } | null = null;
  private ended = false;

  /**
   * @param sink receives every used point
   * @param loadStartEpochMs wall-clock epoch ms of t=0; a function so the driver may
   *   fix t=0 after construction (it is read for every point)
   */
  constructor(private readonly sink: K6PointSink, private readonly loadStartEpochMs: () => number) {}

  line(text: string): void {
    if (this.ended) throw new Error('K6NdjsonParser: line() after end()');
    this.stats.lines++;
    this.flushPendingBad(false);
    const trimmed = text.trim();
    if (trimmed === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      this.pendingBad = { lineNo: this.stats.lines, why: 'not JSON' };
      return;
    }
    const p = pointData(parsed);
    if (p === 'declaration') return;
    if (p === null) {
      this.pendingBad = { lineNo: this.stats.lines, why: 'not a k6 Metric or Point' };
      return;
    }
    const epochMs = parseK6Time(p.data.time);
    if (Number.isNaN(epochMs)) {
      this.pendingBad = { lineNo: this.stats.lines, why: `bad time ${JSON.stringify(p.data.time)}` };
      return;
    }
    this.stats.points++;
    if (this.stats.firstPointEpochMs === null) this.stats.firstPointEpochMs = epochMs;
    this.stats.lastPointEpochMs = Math.max(this.stats.lastPointEpochMs ?? epochMs, epochMs);
    const atMs = epochMs - this.loadStartEpochMs();
    const { value, tags } = p.data;
    switch (p.metric) {
      case 'http_req_duration':
        this.request(atMs, value, tags);
        break;
      case 'vus':
        this.stats.vus = value;
        this.sink.setVUs(atMs, value);
        break;
      case 'dropped_iterations':
        this.sink.dropped(atMs, value);
        break;
      case 'capbench_version':
        this.sink.countVersion(atMs, tags['version'] ?? '', tags['served_by'] ?? '', value);
        break;
      default:
        this.stats.ignoredPoints++;
    }
  }

  /** No more lines: a pending bad line was the last one. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.flushPendingBad(true);
    this.ended = true;
  }

  private request(atMs: number, durationMs: number, tags: Record<string, string>): void {
    const status = Number(tags['status'] ?? '0') || 0;
    const errorCode = tags['error_code'] ?? '';
    // k6's http_req_failed meaning: expected_response=false; no response (status 0) always fails
    const failed = tags['expected_response'] === 'false' || status === 0;
    let error: string | undefined;
    if (failed) {
      if (status === 0) error = errorCode !== '' ? k6ErrorReason(errorCode, 0) : 'no_response';
      else if (status >= 200 && status <= 399) error = errorCode !== '' ? k6ErrorReason(errorCode, status) : `unexpected_status_${status}`;
      // otherwise the recorder derives status_<n> from the status itself
    }
    this.stats.requests++;
    if (failed) this.stats.failures++;
    // k6 stamps every http_req_* point with the request's end (lib/netext/httpext: Trail.EndTime,
    // v1.3.0 and v2.2.0 alike) and http_req_duration = sending + waiting + receiving, so the
    // request started about `value` ms before the point (later than the truth by the time spent
    // getting a connection, which on a kept-alive loopback connection is well under a ms)
    this.sink.record({ atMs, startMs: atMs - durationMs, durationMs, status, ...(error === undefined ? {} : { error }) });
  }

  private flushPendingBad(isLast: boolean): void {
    const bad = this.pendingBad;
    if (bad === null) return;
    this.pendingBad = null;
    this.stats.badLines++;
    if (this.warnings.length < MAX_WARNINGS) {
      this.warnings.push(isLast
        ? `k6 NDJSON: last line ${bad.lineNo} is truncated (${bad.why}); skipped — k6 probably stopped mid-write`
        : `k6 NDJSON: line ${bad.lineNo} skipped (${bad.why})`);
    } else if (this.warnings.length === MAX_WARNINGS) {
      this.warnings.push('k6 NDJSON: more bad lines; see stats.badLines for the count');
    }
  }
}

/** Feed every line of `lines` into `parser`, then end it. */
export async function parseLines(lines: AsyncIterable<string>, parser: K6NdjsonParser): Promise<void> {
  for await (const l of lines) parser.line(l);
  parser.end();
}
