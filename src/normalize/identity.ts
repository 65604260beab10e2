// Identity of an item within its source, and a hash of what a reader sees (to notice edits).
import { hash } from 'node:crypto';

function sha1(text: string): string {
  return hash('sha1', text, 'hex');
}

/** GUID, else link, else a hash of title and date: stable across re-fetches of the same entry. */
export function itemKey(guid: string | undefined, link: string | undefined, title: string, rawDate: string | undefined): string {
  if (guid) return `g:${guid.length > 500 ? sha1(guid) : guid}`;
  if (link) return `l:${link.length > 500 ? sha1(link) : link}`;
  return `h:${sha1(`${title}\u0000${rawDate ?? ''}`)}`;
}

export function contentHash(parts: (string | undefined)[]): string {
  return hash('sha256', parts.map((p) => p ?? '').join('\u0000'), 'base64url').slice(0, 32);
}
