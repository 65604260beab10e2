// The headers every HTML answer carries. No page needs a script, so none may run, but for the
// embed's resize script, allowed by its hash; the embed alone may be framed, by anyone.
import { EMBED_FRAME_SCRIPT_HASH, EMBED_PAGE_CSS_HASH } from './assets.ts';

export const HTML = 'text/html; charset=utf-8';

const PAGE_CSP =
  "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; img-src 'self' https: http: data:; style-src 'self'; frame-ancestors 'self'";
const EMBED_CSP = `default-src 'none'; style-src ${EMBED_PAGE_CSS_HASH}; script-src ${EMBED_FRAME_SCRIPT_HASH}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *`;

/** Every answer of the reader, even a redirect or a stylesheet. */
export const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'strict-origin-when-cross-origin' };
/** Reader and admin pages. */
export const PAGE_HEADERS = { ...COMMON_HEADERS, 'Content-Security-Policy': PAGE_CSP, 'X-Frame-Options': 'SAMEORIGIN' };
/** The embed, framed by other sites. */
export const EMBED_HEADERS = { ...COMMON_HEADERS, 'Content-Security-Policy': EMBED_CSP };
