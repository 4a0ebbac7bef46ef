import * as hdr from 'hdr-histogram-js';

/** Latency histograms: microseconds, 3 significant digits, 1 µs .. 10 min. Mergeable. */
export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(s: string): Histogram {
  if (s === '') return newHistogram();
  return hdr.decodeFromCompressedBase64(s);
}

/** Record a latency in milliseconds. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

/** Percentile in ms, or null when the histogram is empty. */
export function percentileMs(h: Histogram, p: number): number | null {
  if (h.totalCount === 0) return null;
  return h.getValueAtPercentile(p) / 1000;
}

export function meanMs(h: Histogram): number | null {
  if (h.totalCount === 0) return null;
  return h.mean / 1000;
}

export function maxMs(h: Histogram): number | null {
  if (h.totalCount === 0) return null;
  return h.maxValue / 1000;
}

/** Merge encoded per-second histograms into one (the only way window percentiles are made). */
export function mergeEncoded(encoded: Iterable<string>): Histogram {
  const out = newHistogram();
  for (const e of encoded) {
    if (e === '') continue;
    out.add(decodeHistogram(e));
  }
  return out;
}
