// What a query selects, said in words for feed titles and page headings. The words themselves, in
// English and French, are in core/words.ts.
import type { Language } from '../core/types.ts';
import { FEED_WORDS, LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS, TYPE_LABELS } from '../core/words.ts';
import type { ItemQuery } from '../store/items-query.ts';

export function t(ui: Language, key: keyof typeof FEED_WORDS): string {
  return FEED_WORDS[key][ui];
}

/** "Housing, Health · Atlantic · French · Events" — what a query selects, in words. */
export function describeQuery(q: ItemQuery, ui: Language, topicLabels: Map<string, string>): string {
  const parts: string[] = [];
  const join = (values: string[] | undefined, label: (v: string) => string) => {
    if (values?.length) parts.push(values.map(label).join(', '));
  };
  join(q.topics, (s) => topicLabels.get(s) ?? s);
  join(q.regions, (r) => REGION_LABELS[r as keyof typeof REGION_LABELS][ui]);
  join(q.provinces, (p) => PROVINCE_LABELS[p as keyof typeof PROVINCE_LABELS][ui]);
  join(q.languages, (l) => LANGUAGE_LABELS[l as keyof typeof LANGUAGE_LABELS][ui]);
  join(q.types, (ty) => TYPE_LABELS[ty as keyof typeof TYPE_LABELS][ui]);
  if (q.sources?.length) parts.push(`${t(ui, 'sources')} ${q.sources.join(', ')}`);
  const searched = q.q;
  if (searched) parts.push(t(ui, 'search').replace('{q}', () => searched));
  if (q.since) parts.push(`${t(ui, 'since')} ${q.since.toISOString().slice(0, 10)}`);
  if (!parts.length) return t(ui, 'everything');
  return parts.join(' · ');
}
