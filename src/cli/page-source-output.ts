// `passerelle sources add` for pages that publish no feed: the flags that make a page source
// (--page and the selectors), what --preview prints (the items as they would be stored, or the
// blocks proposed), and the blocks a refusal offers, as the flags to run again with.
import type { PageSelectors } from '../core/types.ts';
import type { SelectorProposal } from '../parse/page/index.ts';
import type { PageOffer } from '../pipeline/subscribe-page.ts';
import type { SourcePreview } from '../pipeline/subscribe.ts';

/** The selector flags, in the order feeds.yaml lists the keys. */
const SELECTOR_FLAGS: [keyof PageSelectors, string][] = [
  ['item', 'item'],
  ['title', 'item-title'],
  ['link', 'item-link'],
  ['date', 'item-date'],
  ['summary', 'item-summary'],
];

export const PAGE_OPTIONS = {
  page: { type: 'boolean' },
  preview: { type: 'boolean' },
  ...Object.fromEntries(SELECTOR_FLAGS.map(([, flag]) => [flag, { type: 'string' }])),
} as const satisfies Record<string, { type: 'boolean' | 'string' }>;

/** The registration fields the page flags give: kind "page" (with --page or any selector), and the selectors. */
export function pageInputOf(values: Record<string, unknown>): Record<string, unknown> {
  const selectors = Object.fromEntries(SELECTOR_FLAGS.flatMap(([key, flag]) => (typeof values[flag] === 'string' ? [[key, values[flag]]] : [])));
  const hasSelectors = Object.keys(selectors).length > 0;
  if (!values.page && !hasSelectors) return {};
  return { kind: 'page', ...(hasSelectors ? { selectors } : {}) };
}

/** A value for the shell, quoted only when it needs to be. */
function shellQuote(value: string): string {
  return /^[\w.#:>=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function selectorFlags(selectors: PageSelectors): string {
  return SELECTOR_FLAGS.flatMap(([key, flag]) => (selectors[key] ? [`--${flag} ${shellQuote(selectors[key]!)}`] : [])).join(' ');
}

function proposalLines(proposals: SelectorProposal[]): string[] {
  return proposals.flatMap((p, i) => [
    `  ${i + 1}. ${p.itemCount} items, ${p.withDate} with a date: --page ${selectorFlags(p.selectors)}`,
    ...p.preview.map((item) => `       ${item.title ?? item.link ?? '?'}${item.date ? `  (${item.date})` : ''}`),
  ]);
}

/** What a refusal's offer says: the blocks found, as flags to run again with. */
export function offerLines(offer: PageOffer | undefined): string[] {
  if (!offer?.proposals.length) return [];
  return [
    'the hub can read the page itself: blocks found on it (run again with one, and --preview to see its items first):',
    ...proposalLines(offer.proposals),
  ];
}

/** What --preview prints: the items as they would be stored, or the blocks to choose from. */
export function previewLines(preview: SourcePreview): string[] {
  const lines = [`would add: ${preview.title} (${preview.kind === 'page' ? 'web page' : 'feed'}) — nothing saved`, `  url      ${preview.url}`];
  if (preview.kind === 'page' && !preview.selectors) {
    lines.push(preview.proposals?.length ? 'blocks found on the page (run again with one):' : 'no repeated blocks with links found on the page: give --item and the other selectors');
    lines.push(...proposalLines(preview.proposals ?? []));
    return lines;
  }
  if (preview.selectors) lines.push(`  read as  ${selectorFlags(preview.selectors)}`);
  lines.push(`  languages ${preview.languages.join(', ') || '(none declared: give --lang)'}`);
  lines.push(`${preview.itemCount} item${preview.itemCount === 1 ? '' : 's'}${preview.items.length < preview.itemCount ? `, the first ${preview.items.length}` : ''}:`);
  for (const item of preview.items) {
    lines.push(`  ${item.dateFromFeed ? item.published.slice(0, 10) : 'no date   '}  ${item.title}`);
    if (item.url) lines.push(`              ${item.url}`);
  }
  for (const url of preview.feedLinks ?? []) lines.push(`note: the page announces a feed, usually the better source: ${url}`);
  return lines;
}
