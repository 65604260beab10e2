// An item's language: its own declaration, then the feed's, then the source's single language.
import type { ItemLanguage, Language } from '../core/types.ts';

/** "fr-CA", "FR", "français" → "fr"; "en-us" → "en"; anything else → "other"; nothing → undefined. */
export function languageFromTag(tag: string | undefined | null): ItemLanguage | undefined {
  if (!tag) return undefined;
  const t = tag.trim().toLowerCase();
  if (!t) return undefined;
  if (/^(en|eng)(?:[-_]|$)/.test(t) || t === 'english' || t === 'anglais') return 'en';
  if (/^(fr|fra|fre)(?:[-_]|$)/.test(t) || t === 'french' || t === 'français' || t === 'francais') return 'fr';
  return 'other';
}

export function chooseLanguage(itemTag: string | undefined, feedTag: string | undefined, sourceLanguages: Language[]): ItemLanguage {
  return languageFromTag(itemTag) ?? languageFromTag(feedTag) ?? (sourceLanguages.length === 1 ? sourceLanguages[0] : 'other');
}
