/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// A saved selection: its title, the short addresses of its feeds (what "Save this selection" gives)
// and the way back to it in the reader; or, when it could not be saved, why, in the page's language.
import { Layout, pageHref, type FeedLink, type PageContext } from './layout.tsx';

export interface SavedSelection {
  title: string;
  /** The canonical filter it saved. */
  query: string;
  urls: { rss: string; atom: string; json: string };
}

export function SavedPage(props: { ctx: PageContext; saved: SavedSelection; switchHref: string }) {
  const { ctx, saved } = props;
  const { w } = ctx;
  const feeds: FeedLink[] = [
    { type: 'application/rss+xml', title: `${saved.title} (RSS)`, href: saved.urls.rss },
    { type: 'application/atom+xml', title: `${saved.title} (Atom)`, href: saved.urls.atom },
    { type: 'application/feed+json', title: `${saved.title} (JSON Feed)`, href: saved.urls.json },
  ];
  return (
    <Layout ctx={ctx} title={`${saved.title} — ${w.savedTitle} — Passerelle`} switchHref={props.switchHref} feeds={feeds}>
      <p class="notice-ok" role="status">
        {w.savedTitle}
      </p>
      <h1>{saved.title}</h1>
      <p>{w.savedIntro}</p>
      <ul class="feeds">
        <li>
          <b>{w.feedRss}</b> <a href={saved.urls.rss}>{saved.urls.rss}</a>
        </li>
        <li>
          <b>{w.feedAtom}</b> <a href={saved.urls.atom}>{saved.urls.atom}</a>
        </li>
        <li>
          <b>{w.feedJson}</b> <a href={saved.urls.json}>{saved.urls.json}</a>
        </li>
      </ul>
      <p>
        <a href={pageHref(ctx, '', saved.query)}>{w.savedOpen}</a>
      </p>
    </Layout>
  );
}

/** Why a selection was not saved, with the way back to it. */
export function SaveRefusedPage(props: { ctx: PageContext; text: string; backQuery: string; switchHref: string }) {
  const { ctx } = props;
  const { w } = ctx;
  return (
    <Layout ctx={ctx} title={`${w.saveRefusedTitle} — Passerelle`} switchHref={props.switchHref}>
      <div class="problem">
        <h1>{w.saveRefusedTitle}</h1>
        <p>{props.text}</p>
      </div>
      <p>
        <a href={pageHref(ctx, '', props.backQuery)}>{w.back}</a>
      </p>
    </Layout>
  );
}
