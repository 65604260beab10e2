// An entry's own event elements, as written: the RSS event module (ev:startdate, ev:enddate,
// ev:location, ev:organizer, ev:type), xCal (flat, as RSS feeds embed it, or RFC 6321's
// vevent/properties tree), Google's gd:when/gd:where, and an iCalendar file the entry links to.
//
// Prefixes are matched by name as well as by namespace: The Events Calendar's documented feed
// snippet binds ev: to "Event" (not the module's URI) and wraps the dates in ev:tribe_event_meta,
// and many generators write ev: without declaring it at all.

import type { ParsedEvent } from '../core/types.ts';
import { listOf } from './read-xml.ts';
import { isRecord, type XmlNode } from './reshape-tree.ts';

type Family = 'ev' | 'xcal' | 'gd';

const FAMILY_OF_PREFIX = new Map<string, Family>([
  ['ev', 'ev'], ['event', 'ev'], ['evt', 'ev'], ['events', 'ev'],
  ['xcal', 'xcal'], ['ical', 'xcal'], ['cal', 'xcal'],
  ['gd', 'gd'],
]);

/** Namespace URIs (Clark-notation keys) by what they hold. */
function familyOfUri(uri: string): Family | undefined {
  const u = uri.toLowerCase();
  if (/modules\/event|^event$/.test(u)) return 'ev';
  if (/xcal|2002\/12\/cal\/ical/.test(u)) return 'xcal';
  if (u.startsWith('http://schemas.google.com/g/2005')) return 'gd';
  return undefined;
}

function splitKey(key: string): { family?: Family; local: string } {
  if (key.startsWith('{')) {
    const close = key.indexOf('}');
    return { family: familyOfUri(key.slice(1, close)), local: key.slice(close + 1).toLowerCase() };
  }
  const colon = key.indexOf(':');
  if (colon < 0) return { local: key.toLowerCase() };
  return { family: FAMILY_OF_PREFIX.get(key.slice(0, colon).toLowerCase()), local: key.slice(colon + 1).toLowerCase() };
}

const CALENDAR_TYPES = /^(?:text\/calendar|application\/ics|text\/x-vcalendar)\b/i;

/**
 * The event elements of one entry, or undefined when it has none. `links` are the entry's link
 * elements as the extractor read them (hrefs resolved); `resolve` resolves an href written on an
 * element against the base in effect there.
 */
export function readEventElements(
  node: XmlNode,
  links: { href: string; type?: string }[],
  resolve: (element: unknown, href: string) => string,
): ParsedEvent | undefined {
  const event: ParsedEvent = {};
  collect(node, event, 0);
  const calendar = calendarEnclosure(node, resolve) ?? links.find((l) => (l.type && CALENDAR_TYPES.test(l.type)) || ICS_PATH.test(l.href))?.href;
  if (calendar) event.calendarUrl = calendar;
  return Object.keys(event).length ? event : undefined;
}

const ICS_PATH = /\.ics(?:[?#]|$)/i;

/** An RSS <enclosure> that is an iCalendar file (by its type, or its .ics name when it has no type). */
function calendarEnclosure(node: XmlNode, resolve: (element: unknown, href: string) => string): string | undefined {
  for (const enclosure of listOf(node.enclosure)) {
    const attributes = isRecord(enclosure) && isRecord(enclosure.$) ? enclosure.$ : {};
    const url = text(attributes.url);
    const type = text(attributes.type);
    if (url && (type ? CALENDAR_TYPES.test(type) : ICS_PATH.test(url))) return resolve(enclosure, url);
  }
  return undefined;
}

/** Walks the entry's children of a known family, one wrapper deep (ev:tribe_event_meta, xcal:vevent). */
function collect(node: XmlNode, event: ParsedEvent, depth: number): void {
  for (const key of Object.keys(node)) {
    if (key === '$' || key === '_') continue;
    const { family, local } = splitKey(key);
    if (!family) continue;
    for (const child of listOf(node[key])) {
      if (family === 'gd') readGoogle(local, child, event);
      else if (!setField(family, local, child, event) && isRecord(child) && depth < 3) collect(child, event, depth + 1);
    }
  }
}

/** Element names of each family and the field they fill. */
const FIELDS: Record<'ev' | 'xcal', Record<string, keyof ParsedEvent>> = {
  ev: { startdate: 'start', enddate: 'end', location: 'location', organizer: 'organizer', type: 'type', url: 'url' },
  xcal: { dtstart: 'start', dtend: 'end', location: 'location', organizer: 'organizer', url: 'url', categories: 'type' },
};

function setField(family: 'ev' | 'xcal', local: string, child: unknown, event: ParsedEvent): boolean {
  const field = FIELDS[family][local];
  if (!field) return false;
  if (event[field] !== undefined) return true;
  const value = valueOf(child);
  if (value) event[field] = value;
  if ((field === 'start' || field === 'end') && !event.timezone) {
    const tzid = tzidOf(child);
    if (tzid) event.timezone = tzid;
  }
  return true;
}

/** gd:when startTime/endTime and gd:where valueString (Google Calendar's Atom feeds). */
function readGoogle(local: string, child: unknown, event: ParsedEvent): void {
  const attributes = isRecord(child) && isRecord(child.$) ? child.$ : {};
  if (local === 'when') {
    event.start ??= text(attributes.startTime);
    event.end ??= text(attributes.endTime);
  } else if (local === 'where') {
    event.location ??= text(attributes.valueString);
  }
}

/**
 * An element's value: its text, or, for RFC 6321 xCal, the text of its value child
 * (<dtstart><date-time>…</date-time></dtstart>, <location><text>…</text></location>).
 */
function valueOf(child: unknown): string | undefined {
  if (typeof child === 'string') return text(child);
  if (!isRecord(child)) return undefined;
  const own = text(child._);
  if (own) return own;
  for (const key of Object.keys(child)) {
    if (key === '$' || key === '_') continue;
    const local = splitKey(key).local;
    if (['date-time', 'date', 'text', 'uri', 'cal-address'].includes(local)) {
      const value = listOf(child[key]).map(valueOf).find(Boolean);
      if (value) return value;
    }
  }
  return undefined;
}

/** The TZID of an xCal date: an attribute (older drafts) or RFC 6321's parameters/tzid/text. */
function tzidOf(child: unknown): string | undefined {
  if (!isRecord(child)) return undefined;
  const attributes = isRecord(child.$) ? child.$ : {};
  const attribute = Object.keys(attributes).find((name) => name.toLowerCase() === 'tzid');
  if (attribute) return text(attributes[attribute]);
  for (const key of Object.keys(child)) {
    if (splitKey(key).local !== 'parameters') continue;
    for (const parameters of listOf(child[key])) {
      if (!isRecord(parameters)) continue;
      for (const name of Object.keys(parameters)) {
        if (splitKey(name).local === 'tzid') return listOf(parameters[name]).map(valueOf).find(Boolean);
      }
    }
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (isRecord(value) && typeof value._ === 'string') return value._.trim() || undefined;
  return undefined;
}
