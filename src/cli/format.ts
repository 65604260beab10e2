// Small text helpers for the CLI's tables and durations.
import type { PageOffer } from '../pipeline/subscribe-page.ts';
import { offerLines } from './page-source-output.ts';

export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

/** "3 min ago", "in 2 h", "never". */
export function relativeTime(date: Date | null | undefined, now = new Date()): string {
  if (!date) return 'never';
  const s = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(s);
  if (abs < 2) return 'just now';
  const text = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} d`;
  return s < 0 ? `${text} ago` : `in ${text}`;
}

/** The lines that tell a person what an AppError (a refused admin action) means. */
export function explainRefusal(err: { message: string; extra?: Record<string, unknown>; details?: unknown }): string[] {
  const lines = [`error: ${err.message}`];
  const candidates = err.extra?.candidates as { feedUrl: string; title?: string }[] | undefined;
  if (candidates?.length) {
    lines.push('feeds found (run again with --feed and the one you want):');
    for (const c of candidates) lines.push(`  ${c.feedUrl}${c.title ? `  (${c.title})` : ''}`);
  }
  const problems = err.extra?.problems as string[] | undefined;
  for (const p of problems ?? []) lines.push(`  - ${p}`);
  lines.push(...offerLines(err.extra?.page as PageOffer | undefined));
  return lines;
}
