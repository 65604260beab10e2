// Email digests and confirmation messages as a pure view: stories and a subscription in, a message
// out (subject, plain text, light HTML, headers). No I/O and no clock: `now` comes in. The HTML is
// what every mail client renders alike, images off included: no table, no image, no remote font,
// no style sheet, only a few inline styles; links go straight to the original sites, untouched
// (no tracking, no rewriting). Every message says who sends it and how to leave (CASL), and carries
// List-Unsubscribe with one-click POST (RFC 8058).
import { createHash } from 'node:crypto';
import { formatDate, formatEventWhen } from '../core/locale.ts';
import { isOneOf, type ItemType, type Language } from '../core/types.ts';
import { EVENT_WORDS, TYPE_LABELS } from '../core/words.ts';
import { DEFAULT_EVENT_ZONE } from '../normalize/event-zone.ts';
import { truncateText } from '../normalize/text.ts';
import type { DigestFrequency } from '../store/digest-schema.ts';
import type { ItemView } from '../store/items-query.ts';
import { canonicalFilter, listParam, parseFeedQuery, type QueryVocabulary } from './feed-query.ts';
import type { ItemQuery } from '../store/items-query.ts';
import { DIGEST_WORDS, type DigestWords } from './digest-words.ts';
import { escapeXml } from './xml.ts';

/** Stories one digest shows at most; the rest are counted and linked. */
export const MAX_STORIES = 50;
/** The size a message must stay under (text and HTML together, before MIME encoding). */
export const MESSAGE_BUDGET_BYTES = 90 * 1024;
const SUMMARY_CHARS = 280;
const TITLE_CHARS = 300;

export interface SenderIdentity {
  name: string;
  /** Mailing address. */
  address: string;
  /** A web address or email address. */
  contact: string;
}

export interface MessageParts {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** The addresses a subscription's messages link to. `link` is the subscription's `{id}.{secret}`. */
export function subscriptionLinks(publicUrl: string, ui: Language, link: string, selection: string) {
  return {
    confirm: `${publicUrl}/${ui}/digests/confirm/${link}`,
    manage: `${publicUrl}/${ui}/digests/manage/${link}`,
    unsubscribe: `${publicUrl}/${ui}/digests/unsubscribe/${link}`,
    selection: `${publicUrl}/${ui}/${selection ? `?${selection}` : ''}`,
  };
}

/**
 * A stored selection as a query. Slugs that have since left the taxonomy or the sources are kept
 * (they match nothing): dropping them would widen what the person chose.
 */
export function selectionQuery(selection: string, vocab: QueryVocabulary): ItemQuery {
  const params = new URLSearchParams(selection);
  const own = { topicSlugs: [...vocab.topicSlugs, ...listParam(params, 'topic')], sourceSlugs: [...vocab.sourceSlugs, ...listParam(params, 'source')] };
  const { ui: _ui, ...query } = parseFeedQuery(params, own, { defaultLimit: MAX_STORIES, maxLimit: 200 });
  return query;
}

/** What a subscription stores: the filter on screen, without a date, paging or per-copy listing. */
export function selectionOf(query: ItemQuery): string {
  return canonicalFilter({ ...query, since: undefined, clusters: true });
}

// ---- the order of a digest

export interface DigestSection {
  type: ItemType;
  stories: { item: ItemView; when: Date }[];
}

const TYPE_ORDER: ItemType[] = ['event', 'news', 'funding', 'resource', 'research', 'job'];

/**
 * The digest's sections: events first (those still to come by their own date, soonest first), then
 * the other types, newest first within each.
 */
export function digestSections(stories: ItemView[], now: Date): DigestSection[] {
  const isEvent = (s: ItemView) => s.type === 'event' || s.event !== undefined;
  const newest = (a: ItemView, b: ItemView) => b.publishedAt.getTime() - a.publishedAt.getTime() || b.id - a.id;
  // Events still to come (or under way) first, soonest first; then the event notices without a date to come.
  const upcoming = stories.filter((s) => s.event && s.event.endAt.getTime() >= now.getTime()).sort((a, b) => a.event!.startAt.getTime() - b.event!.startAt.getTime() || a.id - b.id);
  const otherEvents = stories.filter((s) => isEvent(s) && !upcoming.includes(s)).sort(newest);
  return TYPE_ORDER.map((type) => ({
    type,
    stories:
      type === 'event'
        ? [...upcoming, ...otherEvents].map((item) => ({ item, when: item.publishedAt }))
        : stories
            .filter((s) => !isEvent(s) && (isOneOf(TYPE_ORDER, s.type) ? s.type === type : type === 'news'))
            .sort(newest)
            .map((item) => ({ item, when: item.publishedAt })),
  })).filter((s) => s.stories.length > 0);
}

/** What a story's line says of when: an event's own date and time (Eastern) and place, else the day it was posted. */
function storyWhen(item: ItemView, when: Date, ui: Language, now: Date): string {
  if (!item.event) return formatDate(when, ui);
  const place = item.event.online ? EVENT_WORDS.online[ui] : item.event.place?.city;
  return [formatEventWhen(item.event, ui, DEFAULT_EVENT_ZONE, now.getTime()), place].filter(Boolean).join(' · ');
}

// ---- text helpers

/** One line of header-safe text: no control characters, single spaces, bounded. */
export function headerText(text: string, max = 200): string {
  const one = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const esc = (s: string) => escapeXml(s);
const link = (href: string, text: string, style = '') => `<a href="${esc(href)}"${style ? ` style="${style}"` : ''}>${esc(text)}</a>`;

const BODY_STYLE = 'margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff';
const WRAP_STYLE = 'max-width:640px;margin:0 auto';
const MUTED = 'color:#555555;font-size:14px';

function document(ui: Language, title: string, body: string): string {
  return `<!doctype html><html lang="${ui}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head><body style="${BODY_STYLE}"><div style="${WRAP_STYLE}">${body}</div></body></html>`;
}

function footer(w: DigestWords, sender: SenderIdentity, parts: { why?: string; manage?: string; unsubscribe?: string }): { html: string; text: string } {
  const html = [
    '<hr style="border:0;border-top:1px solid #cccccc;margin:24px 0 12px">',
    parts.why ? `<p style="${MUTED}">${esc(parts.why)}</p>` : '',
    parts.manage && parts.unsubscribe ? `<p style="${MUTED}">${link(parts.manage, w.change)} · ${link(parts.unsubscribe, w.unsubscribe)}</p>` : '',
    `<p style="${MUTED}">${esc(w.sentBy)}${esc(w.colon)} ${esc(sender.name)}, ${esc(sender.address)}<br>${esc(w.contact)}${esc(w.colon)} ${esc(sender.contact)}</p>`,
  ].join('');
  const text = [
    '-- ',
    ...(parts.why ? [parts.why, ''] : []),
    ...(parts.manage && parts.unsubscribe ? [`${w.change}${w.colon} ${parts.manage}`, `${w.unsubscribe}${w.colon} ${parts.unsubscribe}`, ''] : []),
    `${w.sentBy}${w.colon} ${sender.name}, ${sender.address}`,
    `${w.contact}${w.colon} ${sender.contact}`,
  ].join('\n');
  return { html, text };
}

// ---- digests

export interface DigestInput {
  ui: Language;
  frequency: DigestFrequency;
  /** The selection in words (publish/wording.ts describeQuery). */
  selectionTitle: string;
  selection: string;
  stories: ItemView[];
  /** Stories of the window left out before this (over MAX_STORIES). */
  moreCount: number;
  windowStart: Date;
  publicUrl: string;
  /** The subscription's `{id}.{secret}`. */
  link: string;
  sender: SenderIdentity;
  /** The hub's own address for an item without a link of its own. */
  itemHref?: (id: number) => string;
  /** When the message is made: which events are still to come. A message sent again is made at its first making's time. */
  now: Date;
}

export interface DigestMessage extends MessageParts {
  /** The stories shown, in order, and how many were left out (counted in the message). */
  shownIds: number[];
  moreCount: number;
}

/** Builds a digest, dropping the last stories while it would exceed MESSAGE_BUDGET_BYTES. */
export function buildDigestMessage(input: DigestInput): DigestMessage {
  let stories = input.stories.slice(0, MAX_STORIES);
  let more = input.moreCount + (input.stories.length - stories.length);
  for (;;) {
    const message = renderDigest(input, stories, more);
    const size = Buffer.byteLength(message.text) + Buffer.byteLength(message.html);
    if (size <= MESSAGE_BUDGET_BYTES || stories.length <= 1) return message;
    const keep = Math.max(1, Math.floor(stories.length * (MESSAGE_BUDGET_BYTES / size) * 0.95));
    more += stories.length - keep;
    stories = stories.slice(0, keep);
  }
}

function renderDigest(input: DigestInput, stories: ItemView[], more: number): DigestMessage {
  const { ui } = input;
  const w = DIGEST_WORDS[ui];
  const links = subscriptionLinks(input.publicUrl, ui, input.link, input.selection);
  const frequency = w[input.frequency];
  const count = stories.length + more;
  const since = formatDate(input.windowStart, ui);
  const sections = digestSections(stories, input.now);
  const hub = new URL(input.publicUrl).host;
  const html: string[] = [
    `<h1 style="font-size:22px;margin:0 0 8px">${esc(w.heading(frequency))}</h1>`,
    `<p style="margin:0 0 4px">${esc(w.lead(count, since))}</p>`,
    `<p style="${MUTED};margin:0 0 16px">${esc(w.selection)}${esc(w.colon)} ${link(links.selection, input.selectionTitle)}</p>`,
  ];
  const text: string[] = [w.heading(frequency), w.lead(count, since), `${w.selection}${w.colon} ${input.selectionTitle}`, links.selection, ''];
  for (const section of sections) {
    const label = TYPE_LABELS[section.type][ui];
    html.push(`<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:2px solid #0b5394;padding-bottom:4px">${esc(label)}</h2>`);
    text.push(label.toUpperCase(), '='.repeat(label.length), '');
    for (const { item, when } of section.stories) {
      const href = item.url ?? input.itemHref?.(item.id) ?? links.selection;
      const title = truncateText(item.title, TITLE_CHARS);
      const summary = item.summary ? truncateText(item.summary, SUMMARY_CHARS) : '';
      const others = [...new Set(item.also.map((a) => a.organization).filter((o) => o !== item.source.organization))];
      const lang = (item.language === 'en' || item.language === 'fr') && item.language !== ui ? ` lang="${item.language}"` : '';
      const meta = `${item.source.organization} · ${storyWhen(item, when, ui, input.now)}`;
      html.push(
        `<div style="margin:0 0 18px"${lang}>`,
        `<p style="margin:0;font-size:17px;font-weight:bold">${link(href, title, 'color:#0b5394')}</p>`,
        `<p style="${MUTED};margin:2px 0">${esc(meta)}</p>`,
        summary ? `<p style="margin:4px 0">${esc(summary)}</p>` : '',
        others.length ? `<p style="${MUTED};margin:2px 0">${esc(w.alsoBy)}${esc(w.colon)} ${esc(others.join(', '))}</p>` : '',
        '</div>',
      );
      text.push(`* ${title}`, `  ${meta}`);
      if (summary) text.push(`  ${summary}`);
      if (others.length) text.push(`  ${w.alsoBy}${w.colon} ${others.join(', ')}`);
      text.push(`  ${href}`, '');
    }
  }
  if (more > 0) {
    html.push(`<p style="margin:16px 0">${esc(w.more(more))} ${link(links.selection, w.seeAll)}</p>`);
    text.push(w.more(more), links.selection, '');
  }
  const foot = footer(w, input.sender, { why: w.why(input.selectionTitle, hub), manage: links.manage, unsubscribe: links.unsubscribe });
  html.push(foot.html);
  text.push(foot.text);
  const subject = headerText(`Passerelle${w.colon} ${w.subject(count, input.selectionTitle)}`);
  return {
    subject,
    html: document(ui, subject, html.join('')),
    text: `${text.join('\n')}\n`,
    headers: listHeaders(input.publicUrl, input.selection, links.unsubscribe, links.manage),
    shownIds: sections.flatMap((s) => s.stories.map((x) => x.item.id)),
    moreCount: more,
  };
}

/** RFC 2369 / RFC 8058 headers, and RFC 3834's mark that no one should auto-reply. */
function listHeaders(publicUrl: string, selection: string, unsubscribe: string, manage: string): Record<string, string> {
  const host = new URL(publicUrl).hostname;
  const id = createHash('sha256').update(selection).digest('hex').slice(0, 16);
  return {
    'List-Id': `<${id}.digests.${host}>`,
    'List-Unsubscribe': `<${unsubscribe}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Help': `<${manage}>`,
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
  };
}

// ---- confirmations

export interface ConfirmationInput {
  ui: Language;
  publicUrl: string;
  /** One per selection the address asked for and has not confirmed. */
  requests: { selectionTitle: string; frequency: DigestFrequency; link: string; selection: string }[];
  expiresAt: Date;
  sender: SenderIdentity;
}

export function buildConfirmationMessage(input: ConfirmationInput): MessageParts {
  const { ui } = input;
  const w = DIGEST_WORDS[ui];
  const hub = new URL(input.publicUrl).host;
  const html: string[] = [`<h1 style="font-size:22px;margin:0 0 8px">${esc(w.confirmHeading)}</h1>`, `<p>${esc(w.confirmLead(hub))}</p>`];
  const text: string[] = [w.confirmHeading, '', w.confirmLead(hub), ''];
  for (const r of input.requests) {
    const links = subscriptionLinks(input.publicUrl, ui, r.link, r.selection);
    html.push(
      `<div style="margin:0 0 18px;padding:8px 12px;border-left:4px solid #0b5394">`,
      `<p style="margin:0;font-weight:bold">${esc(r.selectionTitle)}</p>`,
      `<p style="${MUTED};margin:2px 0 8px">${esc(w.confirmOne(w[r.frequency]))}</p>`,
      `<p style="margin:0">${link(links.confirm, w.confirmButton, 'display:inline-block;padding:8px 14px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px')}</p>`,
      '</div>',
    );
    text.push(`* ${r.selectionTitle} (${w.confirmOne(w[r.frequency])})`, `  ${w.confirmButton}${w.colon} ${links.confirm}`, '');
  }
  const expires = formatDate(input.expiresAt, ui);
  html.push(`<p>${esc(w.confirmExpires(expires))}</p>`, `<p style="${MUTED}">${esc(w.confirmIgnore)}</p>`);
  text.push(w.confirmExpires(expires), '', w.confirmIgnore, '');
  const foot = footer(w, input.sender, {});
  html.push(foot.html);
  text.push(foot.text);
  const subject = headerText(w.confirmSubject);
  return { subject, html: document(ui, subject, html.join('')), text: `${text.join('\n')}\n`, headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } };
}
