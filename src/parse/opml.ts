// Reads an OPML subscription list (OPML 2.0, http://opml.org/spec2.opml; 1.0 files read the same):
// every outline that carries an xmlUrl, with the titles of the folders around it. Bounded: a file
// over the size or outline cap is refused whole, before anything is imported.
import { Parser } from 'htmlparser2';
import { ParseError } from '../core/errors.ts';

export interface OpmlFeed {
  xmlUrl: string;
  /** The outline's title, else its text. */
  title?: string;
  text?: string;
  htmlUrl?: string;
  language?: string;
  /** OPML 2.0 category: comma-separated slash-delimited paths ("/ontario/on"). */
  category?: string;
  description?: string;
  /** Names of the enclosing folder outlines, outermost first. */
  folders: string[];
}

export interface OpmlDocument {
  title?: string;
  feeds: OpmlFeed[];
  outlineCount: number;
}

export interface OpmlLimits {
  maxBytes: number;
  maxOutlines: number;
}

export const DEFAULT_OPML_LIMITS: OpmlLimits = { maxBytes: 1024 * 1024, maxOutlines: 2000 };

class TooManyOutlines extends Error {}

export function readOpml(text: string, limits: OpmlLimits = DEFAULT_OPML_LIMITS): OpmlDocument {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new ParseError(`OPML file too large (${Math.ceil(bytes / 1024)} KiB; at most ${Math.floor(limits.maxBytes / 1024)} KiB)`);
  }
  let root: string | undefined;
  let inBody = false;
  let inHeadTitle = false;
  let title = '';
  let outlineCount = 0;
  const stack: { name: string; folder?: string }[] = [];
  const feeds: OpmlFeed[] = [];

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const tag = name.toLowerCase();
        if (root === undefined) root = tag;
        if (root !== 'opml') return;
        if (tag === 'body' && stack.length === 1) inBody = true;
        if (tag === 'title' && stack.length === 2 && stack[1].name === 'head') inHeadTitle = true;
        if (tag === 'outline' && inBody) {
          if (++outlineCount > limits.maxOutlines) throw new TooManyOutlines();
          const xmlUrl = attrs.xmlurl?.trim();
          const label = (attrs.title ?? attrs.text ?? '').trim();
          if (xmlUrl) {
            feeds.push({
              xmlUrl,
              title: attrs.title?.trim() || undefined,
              text: attrs.text?.trim() || undefined,
              htmlUrl: attrs.htmlurl?.trim() || undefined,
              language: attrs.language?.trim() || undefined,
              category: attrs.category?.trim() || undefined,
              description: attrs.description?.trim() || undefined,
              folders: stack.map((s) => s.folder).filter((f): f is string => !!f),
            });
            stack.push({ name: tag });
          } else {
            stack.push({ name: tag, folder: label || undefined });
          }
          return;
        }
        stack.push({ name: tag });
      },
      ontext(data) {
        if (inHeadTitle) title += data;
      },
      onclosetag(name) {
        const tag = name.toLowerCase();
        if (tag === 'title') inHeadTitle = false;
        if (tag === 'body') inBody = false;
        if (root === 'opml') stack.pop();
      },
    },
    { xmlMode: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  try {
    parser.write(text);
    parser.end();
  } catch (err) {
    if (err instanceof TooManyOutlines) throw new ParseError(`OPML file has too many outlines (at most ${limits.maxOutlines})`);
    throw new ParseError(`not an OPML document (${(err as Error).message.slice(0, 80)})`);
  }
  if (root !== 'opml') throw new ParseError(`not an OPML document (the root element is ${root ? `<${root.slice(0, 40)}>` : 'missing'}, not <opml>)`);
  if (feeds.length === 0) throw new ParseError('the OPML document lists no feeds (no outline has an xmlUrl)');
  return { title: title.trim() || undefined, feeds, outlineCount };
}
