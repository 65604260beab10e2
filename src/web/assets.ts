// The reader's static files, read once at start-up from src/web/assets/: the stylesheets (the
// reader's, and the admin pages' own on top of it) and the icon under content-hashed URLs (cached for a year, immutable), the widget's stylesheet and its
// tiny resize script (inlined in /embed, each allowed by its hash in the CSP) and the embed script
// (a fixed URL other sites link to).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Asset {
  /** The URL path it is served at, under the hub's base path. */
  path: string;
  body: string;
  contentType: string;
  etag: string;
}

const read = (file: string) => readFileSync(new URL(`./assets/${file}`, import.meta.url), 'utf8');
const digest = (text: string, encoding: 'hex' | 'base64' = 'hex') => createHash('sha256').update(text).digest(encoding);

/** Comments and layout whitespace out; our own CSS only (no strings with significant spaces). */
function minifyCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

/** Whole-line comments and indentation out; the script is written so that this is safe. */
function trimScript(js: string): string {
  return js
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('//'))
    .join('\n');
}

function hashed(name: string, ext: string, contentType: string, body: string): Asset {
  const hash = digest(body).slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, body, contentType, etag: `"${hash}"` };
}

export const SITE_CSS = hashed('site', 'css', 'text/css; charset=utf-8', minifyCss(read('site.css')));
export const ADMIN_CSS = hashed('admin', 'css', 'text/css; charset=utf-8', minifyCss(read('admin.css')));
export const ICON = hashed('icon', 'svg', 'image/svg+xml', read('icon.svg').trim());

/** The widget's stylesheet, as inlined in /embed and in embed.js. */
export const EMBED_CSS = minifyCss(read('embed.css'));
/** The iframe page's inline stylesheet; its CSP allows exactly this text by its hash. */
export const EMBED_PAGE_CSS = `body{margin:0;min-height:100vh;box-sizing:border-box}${EMBED_CSS}`;
export const EMBED_PAGE_CSS_HASH = `'sha256-${digest(EMBED_PAGE_CSS, 'base64')}'`;

/**
 * The iframe page's one script, inline and allowed by its hash alone: it stays silent until the
 * host page asks for the widget's height ("passerelle:resize", the documented one-line listener),
 * then answers that page's origin only, again whenever the height changes. Nothing else can run.
 */
export const EMBED_FRAME_SCRIPT = trimScript(read('embed-frame.js'));
export const EMBED_FRAME_SCRIPT_HASH = `'sha256-${digest(EMBED_FRAME_SCRIPT, 'base64')}'`;

const embedJs = trimScript(read('embed.js')).replace('__EMBED_CSS__', () => JSON.stringify(`:host{display:block}${EMBED_CSS}`));
export const EMBED_JS: Asset = { path: '/embed.js', body: embedJs, contentType: 'text/javascript; charset=utf-8', etag: `"${digest(embedJs).slice(0, 16)}"` };
