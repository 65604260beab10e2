// The admin pages' session and their defence against cross-site requests.
//
// Session: signing in puts the token itself in a cookie (HttpOnly, SameSite=Strict, Secure when
// PUBLIC_URL is https, 8 hours) whose Path is the admin pages of each language, so the reader,
// the feeds and the JSON API never receive it, and the API never accepts it. Every page view
// checks it as the API checks a bearer token (hash lookup, read-only flag, failure throttle), so a
// revoked token ends its sessions at once and any number of web processes share sessions with no
// session table and no new secret to configure.
//
// Cross-site requests: every change is a POST, and a POST that rides on the cookie must pass two
// checks. (1) Where it comes from: Sec-Fetch-Site, when sent, must not be cross-site or same-site
// (a sibling subdomain is another site), and Origin (or, without one, Referer) must be PUBLIC_URL's
// origin or the address the request was sent to (an operator may reach the pages through a
// tunnel); a request that names neither is refused. (2) A form token: a hidden field holding
// HMAC-SHA256(session token, fixed label), which a page of another site cannot compute without
// the token. SameSite=Strict already keeps the cookie off cross-site requests in current browsers;
// these checks do not depend on it. A request that carries its own Authorization header has no
// ambient credential to abuse and skips them.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { LANGUAGES } from '../core/types.ts';

export const SESSION_COOKIE = 'passerelle_admin';
export const SESSION_MAX_AGE_SECONDS = 8 * 3600;
/** Longer than any token we make (psl_ and 43 characters) or anyone would paste as ADMIN_TOKEN. */
export const MAX_TOKEN_LENGTH = 1024;
export const FORM_TOKEN_FIELD = '_csrf';
const FORM_TOKEN_LABEL = 'passerelle admin form v1';

export interface CookieScope {
  /** Path prefix of the hub from PUBLIC_URL ('' at the root). */
  base: string;
  secure: boolean;
}

/** The session token from a Cookie header, if one is there. */
export function readSessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    try {
      const value = decodeURIComponent(part.slice(eq + 1).trim());
      if (value && value.length <= MAX_TOKEN_LENGTH) return value;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Set-Cookie values that open (token) or end (null) a session: one cookie per language's admin
 * path, because /en/admin and /fr/admin share no path but the root and the cookie must reach
 * neither the reader nor the API.
 */
export function sessionCookies(scope: CookieScope, token: string | null): string[] {
  return LANGUAGES.map((ui) =>
    [
      `${SESSION_COOKIE}=${token === null ? '' : encodeURIComponent(token)}`,
      `Path=${scope.base}/${ui}/admin`,
      `Max-Age=${token === null ? 0 : SESSION_MAX_AGE_SECONDS}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(scope.secure ? ['Secure'] : []),
    ].join('; '),
  );
}

/** The hidden field value that proves a form was rendered for this session. */
export function formTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update(FORM_TOKEN_LABEL).digest('base64url');
}

export function isFormTokenValid(sessionToken: string, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const expected = Buffer.from(formTokenFor(sessionToken));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * True when a POST shows it was sent by a page of this hub: see the header of this file. Browsers
 * send Origin with every form POST; Referer is the fallback for the few that do not.
 */
export function isSentFromOurPages(c: Context, publicOrigin: string): boolean {
  // 'none' is a navigation the person started (a reload, a bookmark): no other site can cause one.
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const allowed = new Set([publicOrigin, new URL(c.req.url).origin]);
  const origin = c.req.header('origin');
  if (origin !== undefined) return allowed.has(origin);
  const referer = c.req.header('referer');
  if (!referer) return false;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}

/** Where to go after signing in: only an admin page of ours, never another site or path. */
export function safeNextPath(next: unknown): string | undefined {
  if (typeof next !== 'string') return undefined;
  // Dot segments are refused: a browser would resolve "/en/admin/../../x" to "/x".
  const ok = /^\/(en|fr)\/admin(\/[A-Za-z0-9._~-]+)*\/?$/.test(next) && !next.split('/').some((segment) => segment === '.' || segment === '..');
  return ok ? next : undefined;
}
