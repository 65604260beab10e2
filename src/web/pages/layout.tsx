/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The frame of every reader page: language, skip link, header with the language switch, footer.
// (Each .tsx names its JSX runtime above, so it compiles the same with or without tsconfig.json.)
import type { Child } from 'hono/jsx';
import type { Language } from '../../core/types.ts';
import { uiQuery } from '../../publish/feed-address.ts';
import { ICON, SITE_CSS, type Asset } from '../assets.ts';
import { otherLanguage } from '../language.ts';
import type { Words } from '../reader-words.ts';

/** The events page's path in each language (/en/events, /fr/evenements). */
export const EVENTS_PATH: Record<Language, string> = { en: 'events', fr: 'evenements' };

export interface PageContext {
  ui: Language;
  w: Words;
  /** Path prefix of the hub from PUBLIC_URL ('' when served at the root). */
  base: string;
  /** PUBLIC_URL without a trailing slash: the start of every address meant to be copied. */
  publicUrl: string;
  /** Topic labels in the page's language. */
  topicLabels: Map<string, string>;
  now: number;
}

export interface FeedLink {
  type: string;
  title: string;
  href: string;
}

/** The address of a reader page in the page's language: home('', 'directory') → /en/directory */
export function pageHref(ctx: PageContext, path = '', query = '', ui: Language = ctx.ui): string {
  return `${ctx.base}/${ui}/${path}${query ? `?${query}` : ''}`;
}

/** `lang` for text in an item's language when it is not the page's (unknown languages get none). */
export function foreignLang(ctx: PageContext, language: string): string | undefined {
  return (language === 'en' || language === 'fr') && language !== ctx.ui ? language : undefined;
}

export function Layout(props: {
  ctx: PageContext;
  title: string;
  /** This page in the other language. */
  switchHref: string;
  current?: 'river' | 'directory' | 'events';
  feeds?: FeedLink[];
  description?: string;
  /** Stylesheets of the page's own, after the reader's. */
  stylesheets?: Asset[];
  children: Child;
}) {
  const { ctx, switchHref } = props;
  const { w, ui } = ctx;
  const other = otherLanguage(ui);
  return (
    <html lang={ui}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        <link rel="stylesheet" href={ctx.base + SITE_CSS.path} />
        {(props.stylesheets ?? []).map((sheet) => (
          <link rel="stylesheet" href={ctx.base + sheet.path} />
        ))}
        <link rel="icon" type="image/svg+xml" href={ctx.base + ICON.path} />
        {(props.feeds ?? []).map((f) => (
          <link rel="alternate" type={f.type} title={f.title} href={f.href} />
        ))}
        <link rel="alternate" hreflang={other} href={switchHref} />
      </head>
      <body>
        <a class="skip" href="#main">
          {w.skip}
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href={pageHref(ctx)}>
              <svg aria-hidden="true" viewBox="0 0 32 32">
                <path d="M3 21h26M8 21v-6m16 6v-6M4 16q12-12 24 0" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" />
              </svg>
              Passerelle
            </a>
            <nav aria-label={w.navLabel}>
              <ul>
                <li>
                  <a href={pageHref(ctx)} aria-current={props.current === 'river' ? 'page' : undefined}>
                    {w.navRiver}
                  </a>
                </li>
                <li>
                  <a href={pageHref(ctx, EVENTS_PATH[ui])} aria-current={props.current === 'events' ? 'page' : undefined}>
                    {w.navEvents}
                  </a>
                </li>
                <li>
                  <a href={pageHref(ctx, 'directory')} aria-current={props.current === 'directory' ? 'page' : undefined}>
                    {w.navDirectory}
                  </a>
                </li>
                <li class="lang">
                  <a href={switchHref} lang={other} hreflang={other}>
                    {w.otherLanguageName}
                  </a>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-foot">
          <div class="wrap">
            <p>{w.footer}</p>
            <p>
              <a href={`${ctx.publicUrl}/opml/topics.opml${uiQuery(ui)}`}>OPML</a> · <a href={`${ctx.publicUrl}/api/items`}>{w.footerApi}</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** The finished document: a doctype, then the tree as a string. */
export async function renderDocument(node: unknown): Promise<string> {
  return `<!doctype html>${await (node as { toString(): string | Promise<string> }).toString()}`;
}
