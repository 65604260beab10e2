// Sites without feeds, for tests of page sources: the pages of tests/fixtures/page/ served from a
// local server as their sites would serve them, a news page whose layout can be switched between
// two fetches, and addresses that are no page (JSON, a feed, a sign-in page, a page with no list).
//
//   const server = await startFeedServer();
//   const sites = servePageSites(server);
//   sites.redesign();   // /news now answers with the new layout
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveBody, type FeedServer } from './feed-server.ts';
import { rss } from './hub.ts';

const HTML = { 'content-type': 'text/html; charset=utf-8' };

export function pageFixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../fixtures/page/${name}`, import.meta.url)));
}

/** The selectors an operator would give for the WordPress list, the Drupal table and the card grid. */
export const FIXTURE_SELECTORS = {
  wordpress: { item: 'article.post', title: 'h2.entry-title', date: 'time', summary: 'div.entry-content' },
  drupal: { item: 'table.views-table tbody tr', title: 'td.views-field-title a', date: 'time', summary: 'td.views-field-body' },
  cards: { item: 'div.carte', title: 'h3.carte__titre', date: 'p.carte__date', summary: 'p.carte__texte' },
  /** The news page before its redesign. */
  news: { item: 'ul.news-list > li.news-item', title: 'h3 a', date: 'span.date', summary: 'p' },
  /** The same page after it. */
  redesigned: { item: 'article.story-card', title: 'h2.story-card__title', link: 'a.story-card__link', date: 'time', summary: 'div.story-card__teaser' },
} as const;

export interface PageSites {
  /** /news answers with the redesigned layout from now on (or the old one again). */
  redesign(after?: boolean): void;
}

export function servePageSites(server: FeedServer): PageSites {
  let redesigned = false;
  server.route('/wp/news/', serveBody(pageFixture('wordpress-list.html'), { headers: HTML }));
  server.route('/table/appels', serveBody(pageFixture('drupal-views-table.html'), { headers: HTML }));
  server.route('/cartes/evenements', serveBody(pageFixture('card-grid-french-dates.html'), { headers: HTML }));
  // The same grid at a second address: a second organization's copy of the page, to register it twice.
  server.route('/copie/evenements', serveBody(pageFixture('card-grid-french-dates.html'), { headers: HTML }));
  server.route('/portal/news', serveBody(pageFixture('login-wall.html'), { headers: HTML }));
  server.route('/news', (_req, res) => {
    const body = pageFixture(redesigned ? 'layout-change-2-after.html' : 'layout-change-1-before.html');
    res.writeHead(200, { ...HTML, 'content-length': body.length }).end(body);
  });
  server.route('/api/items.json', serveBody('{"items": [{"title": "Not a page"}]}', { headers: { 'content-type': 'application/json' } }));
  server.route('/feed.xml', serveBody(rss([['f1', 'A feed item']]), { headers: { 'content-type': 'application/rss+xml' } }));
  server.route(
    '/plain/',
    serveBody('<!doctype html><html lang="en"><head><title>About us</title></head><body><h1>About us</h1><p>We help newcomers settle.</p></body></html>', { headers: HTML }),
  );
  return {
    redesign(after = true) {
      redesigned = after;
    },
  };
}
