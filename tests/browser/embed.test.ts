// The two embeds on a host page served from another origin, with a strict CSP of its own: the
// iframe (/embed, framable by anyone, while the reader's pages are not) and the script
// (/embed.js, from the public JSON API with CORS, in a shadow root, in the host page's font and
// colours). No cookies either way. The iframe fits its content: in rows of a fixed height, or told
// its height by the page, which answers only once the host page's one-line listener asks.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { ENTRIES, HOSTILE_TITLE, seedHostile, seedReader } from '../helpers/reader-fixture.ts';
import { embedHeight } from '../../src/web/pages/embed-page.tsx';
import { describeViolations, launchBrowser, newContext, runAxe } from './browser.ts';
import { startHostPage, startHub, type RunningHub } from './reader-server.ts';

function hostPage(hub: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src ${hub}; connect-src ${hub}; frame-src ${hub}; style-src 'self'">
<title>A member agency's website</title>
<link rel="stylesheet" href="/host.css">
</head>
<body>
<main>
<h1>Our news page</h1>
<iframe id="frame" src="${hub}/embed?topic=housing&amp;ui=fr" title="Passerelle — Logement" width="400" height="400"></iframe>
<iframe id="reader" src="${hub}/en/" title="The reader (must refuse to be framed)" width="400" height="200"></iframe>
<h2>From the sector</h2>
<div id="w1" data-passerelle="topic=housing&amp;ui=fr&amp;limit=3"><a href="${hub}/fr/?topic=housing">Logement sur Passerelle</a></div>
<h2>In French, words in English, dark</h2>
<div id="w2" data-passerelle="lang=fr&amp;ui=en&amp;theme=dark&amp;limit=4"></div>
<h2>Hostile titles</h2>
<div id="w3" data-passerelle="source=hostile&amp;q=markup"></div>
<h2>French items, no ui: French words on this English page</h2>
<div id="w5" data-passerelle="topic=housing&amp;lang=fr"></div>
<h2>A mistake in the attribute</h2>
<div id="w4" data-passerelle="topic=nope"></div>
<h2>The host page's own accent and background</h2>
<div id="w6" data-passerelle="topic=housing&amp;limit=2"></div>
<h2>A misspelt parameter, in French</h2>
<div id="w7" data-passerelle="topc=housing&amp;ui=fr"></div>
</main>
<script src="${hub}/embed.js" async></script>
</body>
</html>`;
}

describe('embeds on another site, in Chromium', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let hub: RunningHub;
  let host: RunningHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const ran: string[] = [];

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    const { topics } = await seedReader(database.db);
    await seedHostile(database.db, { topics });
    hub = await startHub(database, topics);
    // "localhost" and "127.0.0.1" are different origins (and different sites) to the browser.
    host = await startHostPage(
      hostPage(hub.url),
      'body { color: rgb(40, 40, 60); } a { color: rgb(153, 0, 0); } * { font-family: serif; } li { border: 5px solid lime; } #w6 { --passerelle-accent: rgb(0, 90, 0); --passerelle-background: rgb(255, 250, 230); }',
    );
    browser = await launchBrowser();
    context = await newContext(browser, { bypassCSP: false });
    await context.exposeBinding('__hostileRan', (_source, what: string) => void ran.push(what));
    page = await context.newPage();
    page.on('dialog', (d) => {
      ran.push(`dialog ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(host.url.replace('127.0.0.1', 'localhost'));
    await page.waitForFunction(() => ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'].every((id) => document.getElementById(id)?.shadowRoot?.querySelector('.psl p')));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await host?.close();
    await hub?.close();
    await cleanup?.();
  });

  it('the iframe embed shows the selection; the reader itself refuses to be framed', async () => {
    const frame = page.frame({ url: /\/embed\?/ })!;
    expect(frame).toBeTruthy();
    await frame.waitForSelector('li');
    const titles = await frame.locator('li a').allTextContents();
    // A French widget lists the clinic, told in both languages, once: in French.
    expect(titles).toEqual([ENTRIES.housingFr.title]);
    expect(await frame.locator('html').getAttribute('lang')).toBe('fr');
    expect(await frame.locator('li a').first().getAttribute('target')).toBe('_blank');
    // frame-ancestors 'self' on the reader's pages: Chromium shows an error page instead.
    const reader = page.frames().find((f) => f !== page.mainFrame() && f !== frame)!;
    expect(reader.url()).toBe('chrome-error://chromewebdata/');
  });

  it('the script embed fills each element from the JSON API, in the asked language and theme', async () => {
    const widget = (id: string) => page.locator(`#${id}`);
    const w1 = await widget('w1').evaluate((el) => {
      const root = el.shadowRoot!;
      return {
        lang: root.querySelector('.psl')!.getAttribute('lang'),
        links: [...root.querySelectorAll('li a')].map((a) => ({ text: a.textContent, href: (a as HTMLAnchorElement).href, lang: a.getAttribute('lang') })),
        more: (root.querySelector('.f a') as HTMLAnchorElement).href,
        moreText: root.querySelector('.f a')!.textContent,
      };
    });
    expect(w1.lang).toBe('fr');
    expect(w1.links.map((l) => l.text).sort()).toEqual([ENTRIES.housing.title, ENTRIES.housingFr.title].sort());
    // Links go to the original sites; an English item is marked as such in a French widget.
    expect(w1.links.find((l) => l.text === ENTRIES.housing.title)).toEqual({ text: ENTRIES.housing.title, href: ENTRIES.housing.link, lang: 'en' });
    expect(w1.more).toBe(`${hub.url}/fr/?topic=housing`);
    expect(w1.moreText).toBe('Plus sur Passerelle');

    const w2 = await widget('w2').evaluate((el) => ({
      dark: el.shadowRoot!.querySelector('.psl')!.className,
      count: el.shadowRoot!.querySelectorAll('li').length,
      meta: el.shadowRoot!.querySelector('li p')!.textContent,
      more: el.shadowRoot!.querySelector('.f a')!.textContent,
    }));
    expect(w2).toMatchObject({ dark: 'psl host dark', count: 4, more: 'More on Passerelle' });
    expect(w2.meta).toMatch(/ · French$/);

    // No ui, one language asked for: the widget speaks it, whatever the host page's language.
    const w5 = await widget('w5').evaluate((el) => {
      const root = el.shadowRoot!;
      return { lang: root.querySelector('.psl')!.getAttribute('lang'), titles: [...root.querySelectorAll('li a')].map((a) => a.textContent), more: root.querySelector('.f a')!.textContent };
    });
    expect(w5).toEqual({ lang: 'fr', titles: [ENTRIES.housingFr.title], more: 'Plus sur Passerelle' });

    const w4 = await widget('w4').evaluate((el) => el.shadowRoot!.textContent);
    expect(w4).toContain('The list could not be loaded.');
    expect(w4).toContain('“topic” does not take “nope”.');
    // A misspelt parameter is named, in the widget's language, with the one meant.
    const w7 = await widget('w7').evaluate((el) => el.shadowRoot!.textContent);
    expect(w7).toContain('«\u00a0topc\u00a0» n’est pas un paramètre de ce widget. Vouliez-vous dire «\u00a0topic\u00a0»\u00a0?');
  });

  it('takes the host page’s font, text and link colours and its custom properties; keeps the rest of its rules out', async () => {
    const styleOf = (id: string) =>
      page.locator(id).evaluate((el) => {
        const root = el.shadowRoot!;
        const a = root.querySelector('li a')!;
        const li = root.querySelector('li')!;
        const box = root.querySelector('.psl')!;
        return { link: getComputedStyle(a).color, font: getComputedStyle(a).fontFamily, text: getComputedStyle(box).color, background: getComputedStyle(box).backgroundColor, border: getComputedStyle(li).borderLeftWidth };
      });
    expect(await styleOf('#w1')).toEqual({ link: 'rgb(153, 0, 0)', font: 'serif', text: 'rgb(40, 40, 60)', background: 'rgba(0, 0, 0, 0)', border: '0px' });
    expect(await styleOf('#w6')).toMatchObject({ link: 'rgb(0, 90, 0)', font: 'serif', background: 'rgb(255, 250, 230)' });
    // A theme is a preset of colours; the font is still the host page's.
    expect(await styleOf('#w2')).toMatchObject({ link: 'rgb(140, 196, 255)', font: 'serif', background: 'rgb(21, 25, 30)', border: '0px' });
    expect(await page.locator('h1').evaluate((h) => getComputedStyle(h).fontFamily)).toBe('serif');
  });

  it('where scripts are blocked, the element shows its link to the same selection on the hub', async () => {
    const noScript = await newContext(browser, { javaScriptEnabled: false });
    try {
      const p = await noScript.newPage();
      await p.goto(host.url.replace('127.0.0.1', 'localhost'));
      const link = p.locator('#w1 a');
      expect(await link.isVisible()).toBe(true);
      expect(await link.getAttribute('href')).toBe(`${hub.url}/fr/?topic=housing`);
      expect(await p.locator('#w1').evaluate((el) => el.shadowRoot)).toBeNull();
    } finally {
      await noScript.close();
    }
  });

  it('shows a title that looks like markup as text, and runs nothing', async () => {
    const w3 = await page.locator('#w3').evaluate((el) => ({
      text: el.shadowRoot!.querySelector('li a')!.textContent,
      elements: el.shadowRoot!.querySelectorAll('li img, li script').length,
    }));
    expect(w3).toEqual({ text: HOSTILE_TITLE, elements: 0 });
    expect(ran).toEqual([]);
  });

  it('sets no cookie, and passes axe inside the host page', async () => {
    expect(await context.cookies()).toEqual([]);
    // The host page's CSP lets scripts come from the hub only: axe needs a context that bypasses it.
    const axeContext = await newContext(browser, { bypassCSP: true });
    try {
      const p = await axeContext.newPage();
      await p.goto(host.url.replace('127.0.0.1', 'localhost'));
      await p.waitForFunction(() => ['w1', 'w2'].every((id) => document.getElementById(id)?.shadowRoot?.querySelector('li')));
      for (const id of ['#w1', '#w2']) expect(describeViolations(await runAxe(p, id)), id).toBe('');
    } finally {
      await axeContext.close();
    }
  });
});

describe('the iframe fits its content, in Chromium', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let hub: RunningHub;
  let withLine: RunningHub;
  let withoutLine: RunningHub;
  let browser: Browser;

  /** A host page with two iframes: one sized by the page's answer, one in rows of a fixed height. */
  const framesPage = (hubUrl: string, line: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>
<iframe id="natural" src="${hubUrl}/embed?ui=en&amp;limit=3" title="Natural height" width="360" height="150" style="border:0"></iframe>
<iframe id="rows" src="${hubUrl}/embed?ui=en&amp;height=4" title="Four rows" width="360" height="${embedHeight(4)}" style="border:0"></iframe>
${line}
</body></html>`;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    const { topics } = await seedReader(database.db);
    hub = await startHub(database, topics);
    // The line exactly as the subscribe box gives it.
    const river = await (await fetch(`${hub.url}/en/`)).text();
    const line = /<textarea id="embed-resize" readonly="" rows="3">([^<]*)<\/textarea>/.exec(river)![1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    withLine = await startHostPage(framesPage(hub.url, line));
    withoutLine = await startHostPage(framesPage(hub.url, ''));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await withLine?.close();
    await withoutLine?.close();
    await hub?.close();
    await cleanup?.();
  });

  const contentHeight = (page: Page, id: string) =>
    page.frameLocator(`#${id}`).locator('main').evaluate((main) => Math.ceil(main.getBoundingClientRect().bottom + parseFloat(getComputedStyle(document.body).paddingBottom)));

  it('with the documented line, the iframe takes the height of its list', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(withLine.url.replace('127.0.0.1', 'localhost'));
      await page.frameLocator('#natural').locator('li').first().waitFor();
      const wanted = await contentHeight(page, 'natural');
      expect(wanted).toBeGreaterThan(150);
      await expect.poll(() => page.locator('#natural').evaluate((f) => f.getBoundingClientRect().height)).toBe(wanted);
      // Nothing is cut off and nothing scrolls.
      expect(await page.frameLocator('#natural').locator('html').evaluate((html) => html.scrollHeight <= innerHeight)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('without it, the iframe sends nothing; in rows, the snippet’s height fits them exactly', async () => {
    const context = await newContext(browser);
    try {
      await context.addInitScript(() => {
        const seen: unknown[] = [];
        (window as unknown as { seen: unknown[] }).seen = seen;
        addEventListener('message', (e) => seen.push(e.data));
      });
      const page = await context.newPage();
      await page.goto(withoutLine.url.replace('127.0.0.1', 'localhost'));
      await page.frameLocator('#natural').locator('li').first().waitFor();
      await page.frameLocator('#rows').locator('li').first().waitFor();
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { seen: unknown[] }).seen)).toEqual([]);
      expect(await page.locator('#natural').evaluate((f) => f.getBoundingClientRect().height)).toBe(150);
      // Four rows: the page is exactly as tall as the iframe the subscribe box sizes for it.
      expect(await page.frameLocator('#rows').locator('li').count()).toBe(4);
      expect(await contentHeight(page, 'rows')).toBe(embedHeight(4));
      expect(await page.frameLocator('#rows').locator('html').evaluate((html) => html.scrollHeight)).toBe(embedHeight(4));
    } finally {
      await context.close();
    }
  });
});
