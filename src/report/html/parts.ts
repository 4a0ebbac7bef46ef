/**
 * Small HTML pieces every section uses: escaping, status tags, target swatches, and the
 * HtmlSection contract the page is assembled from.
 */
import type { ReportData } from '../data.ts';

/** What a section may know about the page besides the data. */
export interface PageContext {
  /** files beside index.html that the reporters before the HTML one wrote (relative paths) */
  readonly files: readonly string[];
}

/**
 * One section of index.html. The page is the sections of HTML_SECTIONS in order; a new
 * section (Capacity, Plan) is a new entry there.
 */
export interface HtmlSection {
  /** the element id, so other sections can link to it (`#gates`) */
  readonly id: string;
  /** The section's HTML, or '' to leave it out. Pure; called once per page, in order. */
  render(d: ReportData, page: PageContext): string;
}

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escaped text with `backticked` parts as <code> (verdict lines carry commands that way). */
export function escCode(s: string): string {
  return esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function statusTag(status: string): string {
  const cls = status === 'completed' ? 'ok' : status === 'interrupted' || status === 'running' ? 'warn' : 'bad';
  return `<span class="tag ${cls}">${esc(status === 'running' ? 'interrupted (never finished)' : status)}</span>`;
}

export function swatch(t: { name: string; color: string }): string {
  return `<span class="sw" style="background:${esc(t.color)}"></span>${esc(t.name)}`;
}
