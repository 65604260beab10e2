// What registering or changing a source would read, as the admin API shows it before anything is
// saved: the items as they would be stored, the proposed selectors of a page, the warnings in
// English beside their codes.
import type { SourcePreview } from '../pipeline/subscribe.ts';
import { warningLine } from './error-words.ts';

export function previewJson(p: SourcePreview) {
  return {
    kind: p.kind,
    url: p.url,
    title: p.title,
    languages: p.languages,
    discoveredVia: p.via,
    siteUrl: p.siteUrl ?? null,
    selectors: p.selectors ?? null,
    itemCount: p.itemCount,
    items: p.items,
    warnings: p.warnings.map((w) => warningLine(w, 'en')),
    warningCodes: p.warnings.map((w) => w.code),
    ...(p.proposals ? { proposals: p.proposals } : {}),
    ...(p.feedLinks ? { feedLinks: p.feedLinks } : {}),
  };
}
