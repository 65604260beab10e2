/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The widget as a page for an iframe on any site: small, no cookies, its stylesheet inline (allowed
// by its hash in the CSP), and one tiny script, also inline and hashed, that tells the host page its
// height only when the host page asks. Links open the original sites in a new tab, so the host
// page stays where it is. With `rows`, items sit in rows of a fixed height (embedHeight).
import { formatDate } from '../../core/locale.ts';
import type { ItemLanguage } from '../../core/types.ts';
import { LANGUAGE_LABELS } from '../../core/words.ts';
import type { ItemView } from '../../store/items-query.ts';
import { EMBED_FRAME_SCRIPT, EMBED_PAGE_CSS } from '../assets.ts';
import { EventWhen } from './event-parts.tsx';
import { foreignLang, pageHref, type PageContext } from './layout.tsx';

/** The pixel height of the widget with `rows` rows (embed.css's .rows: padding, heading, rows, footer). */
export function embedHeight(rows: number): number {
  return 12 + 28 + 73 * rows + 25 + 12;
}

export function EmbedPage(props: { ctx: PageContext; heading: string; items: ItemView[]; moreHref: string; dark: boolean; message?: string; empty?: string; rows?: number; hubEmpty?: boolean }) {
  const { ctx, rows } = props;
  // An iframe sized for `rows` rows shows that many items, however many were asked for.
  const items = rows ? props.items.slice(0, rows) : props.items;
  const { w, ui } = ctx;
  const classes = ['psl', props.dark ? 'dark' : '', rows ? 'rows' : ''].filter(Boolean).join(' ');
  return (
    <html lang={ui}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.heading} — Passerelle`}</title>
        <style dangerouslySetInnerHTML={{ __html: EMBED_PAGE_CSS }} />
        <script dangerouslySetInnerHTML={{ __html: EMBED_FRAME_SCRIPT }} />
      </head>
      <body class={classes}>
        <main>
          <h1>
            <a href={props.moreHref} target="_blank" rel="noopener">
              {props.heading}
            </a>
          </h1>
          {props.message ? <p class="m">{props.message}</p> : null}
          {items.length ? (
            <ul>
              {items.map((item) => {
                const lang = foreignLang(ctx, item.language);
                return (
                  <li>
                    <a href={item.url ?? `${ctx.publicUrl}${pageHref({ ...ctx, base: '' }, `items/${item.id}`)}`} target="_blank" rel="noopener" lang={lang}>
                      {item.title}
                    </a>
                    <p class="m">
                      {item.source.organization} · {item.event ? <EventWhen ctx={ctx} event={item.event} /> : <time datetime={item.publishedAt.toISOString()}>{formatDate(item.publishedAt, ui)}</time>}
                      {lang ? ` · ${LANGUAGE_LABELS[item.language as ItemLanguage][ui]}` : ''}
                    </p>
                  </li>
                );
              })}
            </ul>
          ) : props.message ? null : (
            <p class="m">{props.hubEmpty ? w.embedHubEmpty : (props.empty ?? w.embedEmpty)}</p>
          )}
          <p class="f">
            <a href={props.moreHref} target="_blank" rel="noopener">
              {w.embedMore}
            </a>{' '}
            <span class="vh">({w.embedNewTab})</span>
          </p>
        </main>
      </body>
    </html>
  );
}
