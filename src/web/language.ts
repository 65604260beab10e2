// Which language a page speaks. An address under /en/ or /fr/ says it; the bare entry points (/
// and /admin) follow the reader's cookie, then the browser's Accept-Language, then English. The
// embed takes its `ui` parameter, else the one language its filter asks for.
import type { Context } from 'hono';
import { isOneOf, LANGUAGES, type Language } from '../core/types.ts';

/** The cookie that remembers the reader's language (set by reader pages, never by the embed). */
export const UI_COOKIE = 'passerelle_ui';

/** The reader's language from Accept-Language (RFC 9110 §12.5.4): the best-weighted of en and fr. */
export function negotiateLanguage(header: string | undefined): Language | undefined {
  let best: { lang: Language; q: number } | undefined;
  for (const part of (header ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const lang = tag.split('-')[0];
    if (!isOneOf(LANGUAGES, lang)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang;
}

export function cookieLanguage(header: string | undefined): Language | undefined {
  const m = new RegExp(`(?:^|;\\s*)${UI_COOKIE}=(en|fr)(?:;|$)`).exec(header ?? '');
  const lang = m?.[1];
  return isOneOf(LANGUAGES, lang) ? lang : undefined;
}

/** The cookie that remembers "only items in my language" (the page's language, whichever it is). */
export const ONLY_COOKIE = 'passerelle_only';

/** Where the river's "only items in my language" link leads (then back to the river). */
export const ONLY_PATH = 'only-my-language';

export function onlyOwnLanguage(header: string | undefined): boolean {
  return new RegExp(`(?:^|;\\s*)${ONLY_COOKIE}=1(?:;|$)`).test(header ?? '');
}

/** Sets the choice for a year, as the language cookie does, or forgets it. */
export function onlyLanguageCookie(on: boolean, scope: { base: string; secure: boolean }): string {
  return `${ONLY_COOKIE}=${on ? '1' : ''}; Path=${scope.base || '/'}; Max-Age=${on ? 31536000 : 0}; SameSite=Lax; HttpOnly${scope.secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value that remembers a reader's language for a year, on every page of the hub. */
export function languageCookie(ui: Language, scope: { base: string; secure: boolean }): string {
  return `${UI_COOKIE}=${ui}; Path=${scope.base || '/'}; Max-Age=31536000; SameSite=Lax; HttpOnly${scope.secure ? '; Secure' : ''}`;
}

/** Where a bare entry point sends a visitor: the language of the cookie, else of the browser, else English. */
export function preferredLanguage(c: Context): Language {
  return cookieLanguage(c.req.header('cookie')) ?? negotiateLanguage(c.req.header('accept-language')) ?? 'en';
}

/** The `ui` parameter, when it names one of our languages. */
export function askedLanguage(params: URLSearchParams): Language | undefined {
  const asked = params.get('ui');
  return asked === 'en' || asked === 'fr' ? asked : undefined;
}

/** The one language a filter's `lang` asks for, when it is en or fr alone: the words a widget without `ui` takes. */
export function onlyLanguage(params: URLSearchParams): Language | undefined {
  const langs = params.getAll('lang').flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  const [lang] = langs;
  return new Set(langs).size === 1 && isOneOf(LANGUAGES, lang) ? lang : undefined;
}

export function otherLanguage(ui: Language): Language {
  return ui === 'en' ? 'fr' : 'en';
}

/**
 * This page's address in the other language: the same path under the other /en/ or /fr/, with the
 * same query, but for the answer to a form, which switches to the page itself. `base` is the
 * hub's path prefix from PUBLIC_URL.
 */
export function otherLanguageHref(c: Context, ui: Language, base: string): string {
  const url = new URL(c.req.url);
  const search = c.req.method === 'POST' ? '' : url.search;
  return `${base}/${otherLanguage(ui)}${url.pathname.slice(`/${ui}`.length)}${search}`;
}
