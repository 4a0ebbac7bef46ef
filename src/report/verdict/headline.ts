/**
 * How each verdict kind reads at the top of the HTML page and of summary.md: one table, so
 * the two outputs say the same, and a new kind (INCONCLUSIVE, INVALID) does not compile
 * until it says how it reads.
 */
import type { VerdictKind, Verdict } from './verdict.ts';

export interface VerdictLook {
  /** the short word in the badge */
  badge: string;
  /** CSS class of the HTML block */
  cls: string;
  /** summary.md's icon */
  icon: string;
  /** the one line under the badge */
  headline(v: Verdict): string;
  /** what the deciding figures are, as a caption */
  decidingCaption: string;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const VERDICT_LOOK: Record<VerdictKind, VerdictLook> = {
  GO: {
    badge: 'GO',
    cls: 'go',
    icon: '✅',
    headline: (v) => `Every Kubernetes target passed every gate (${plural(v.gates.filter((g) => g.candidate).length, 'gate')} checked).`,
    decidingCaption: 'closest to their limits',
  },
  'NO-GO': {
    badge: 'NO-GO',
    cls: 'nogo',
    icon: '❌',
    headline: (v) => `${plural(v.failedGates.length, 'gate')} failed on Kubernetes.`,
    decidingCaption: 'furthest over their limits',
  },
  INCONCLUSIVE: {
    badge: 'INCONCLUSIVE',
    cls: 'inconclusive',
    icon: '❔',
    headline: (v) => `No gate failed on Kubernetes, but ${plural(v.inconclusiveGates.length, 'gate')} cannot be decided from these repetitions: the interval contains the limit.${v.nextStep ? ` Next: ${v.nextStep}.` : ''}`,
    decidingCaption: 'undecided, nearest over their limits',
  },
  INVALID: {
    badge: 'INVALID',
    cls: 'invalid',
    icon: '⛔',
    headline: (v) => v.reason,
    decidingCaption: '',
  },
  'NO DATA': {
    badge: 'no verdict',
    cls: 'nodata',
    icon: 'ℹ️',
    headline: (v) => v.reason,
    decidingCaption: '',
  },
};
