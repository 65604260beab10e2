// Event data a feed carries as data rather than prose, as written: the entry's own elements
// (ev:, xCal, gd:when, read by parse/) and what event pages put in their HTML — schema.org Event
// JSON-LD, hCalendar and h-event microformats, schema.org microdata, Drupal date fields
// (<time datetime> in a date or event field, Drupal 7's date-display spans) and an inline
// iCalendar VEVENT. Reads the body as the document gave it, before sanitizing removes scripts
// and attributes. Dates stay strings here; event.ts reads them.
import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';
import type { ParsedEvent } from '../core/types.ts';

export type StructuredSource = 'feed' | 'json-ld' | 'microformat' | 'microdata' | 'drupal' | 'icalendar';

export interface StructuredEvent {
  source: StructuredSource;
  start: string;
  end?: string;
  /** A zone named beside the dates (TZID, an IANA name). */
  timezone?: string;
  location?: string;
  /** What the data says of attendance: online, in person, or both. */
  attendance?: 'online' | 'offline' | 'mixed';
  url?: string;
}

/** Above this many characters the body is not searched for event markup (its start still is). */
const MAX_SCAN = 100_000;

/** The most reliable structured event the entry carries, or undefined. */
export function readStructuredEvent(parsed: ParsedEvent | undefined, rawHtml: string): StructuredEvent | undefined {
  if (parsed?.start) {
    return withoutUndefined({ source: 'feed', start: parsed.start, end: parsed.end, timezone: parsed.timezone, location: parsed.location, url: parsed.url });
  }
  const html = rawHtml.length > MAX_SCAN ? rawHtml.slice(0, MAX_SCAN) : rawHtml;
  if (!html) return undefined;
  return readJsonLd(html) ?? readMarkup(html) ?? readICalendar(html);
}

// ---- schema.org JSON-LD ----

const JSON_LD_TYPE = /type\s*=\s*["']?application\/ld\+json/i;

/** The bodies of <script type="application/ld+json"> elements, found in one pass (no rescanning on unclosed tags). */
function jsonLdScripts(html: string): string[] {
  const scripts: string[] = [];
  const lower = html.toLowerCase();
  let at = lower.indexOf('<script');
  while (at >= 0 && scripts.length < 20) {
    const open = lower.indexOf('>', at);
    if (open < 0) break;
    const close = lower.indexOf('</script', open);
    if (close < 0) break;
    if (JSON_LD_TYPE.test(html.slice(at, open))) scripts.push(html.slice(open + 1, close));
    at = lower.indexOf('<script', close);
  }
  return scripts;
}

function readJsonLd(html: string): StructuredEvent | undefined {
  if (!/ld\+json/i.test(html)) return undefined;
  for (const script of jsonLdScripts(html)) {
    let data: unknown;
    try {
      data = JSON.parse(script.trim());
    } catch {
      continue;
    }
    const event = findEventObject(data, 0);
    if (!event) continue;
    const start = stringOf(event.startDate);
    if (!start) continue;
    const offers = Array.isArray(event.offers) ? event.offers[0] : event.offers;
    return withoutUndefined({
      source: 'json-ld',
      start,
      end: stringOf(event.endDate),
      location: locationOf(event.location),
      attendance: attendanceOf(event),
      url: (isObject(offers) ? stringOf(offers.url) : undefined) ?? stringOf(event.url),
    });
  }
  return undefined;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object whose @type is Event or one of its subtypes (EducationEvent, BusinessEvent…), in arrays and @graph. */
function findEventObject(data: unknown, depth: number): JsonObject | undefined {
  if (depth > 4) return undefined;
  if (Array.isArray(data)) {
    for (const entry of data) {
      const found = findEventObject(entry, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(data)) return undefined;
  const types = Array.isArray(data['@type']) ? data['@type'] : [data['@type']];
  if (types.some((t) => typeof t === 'string' && /Event$/.test(t))) return data;
  return findEventObject(data['@graph'], depth + 1);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 500) : undefined;
}

function locationOf(value: unknown): string | undefined {
  const location = Array.isArray(value) ? value[0] : value;
  if (typeof location === 'string') return stringOf(location);
  if (!isObject(location)) return undefined;
  if (location['@type'] === 'VirtualLocation') return 'online';
  const address = location.address;
  const parts = [stringOf(location.name)];
  if (typeof address === 'string') parts.push(stringOf(address));
  else if (isObject(address)) parts.push(stringOf(address.addressLocality), stringOf(address.addressRegion));
  return parts.filter(Boolean).join(', ') || undefined;
}

function attendanceOf(event: JsonObject): StructuredEvent['attendance'] {
  const mode = stringOf(event.eventAttendanceMode) ?? '';
  if (/Mixed/i.test(mode)) return 'mixed';
  if (/Online/i.test(mode)) return 'online';
  if (/Offline/i.test(mode)) return 'offline';
  const location = Array.isArray(event.location) ? event.location : [event.location];
  if (location.some((l) => isObject(l) && l['@type'] === 'VirtualLocation')) return location.length > 1 ? 'mixed' : 'online';
  return undefined;
}

// ---- microformats, microdata and Drupal date fields ----

const MARKUP_HINT = /\b(?:dtstart|dt-start|date-display|startDate)\b|<time\b/i;
/** A wrapper whose class says it holds the event's date (Drupal field names, views fields). */
const DATE_FIELD = /(?:^|[\s_-])(?:date|dates|event|evenement|when|datetime|daterange|smart-date)(?:$|[\s_-])/i;

interface Found {
  start?: string;
  end?: string;
  location?: string;
}

function readMarkup(html: string): StructuredEvent | undefined {
  if (!MARKUP_HINT.test(html)) return undefined;
  const found: Record<'microformat' | 'microdata' | 'drupal', Found> = { microformat: {}, microdata: {}, drupal: {} };
  /** Open elements: whether each sits in a date field, and text being gathered for a value. */
  const stack: { dateField: boolean; capture?: { into: Found; key: keyof Found; text: string } }[] = [];
  const captures: { into: Found; key: keyof Found; text: string }[] = [];
  const set = (into: Found, key: keyof Found, value: string | undefined) => {
    if (value && into[key] === undefined) into[key] = value.trim().slice(0, 500);
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const classes = ` ${attributes.class ?? ''} `;
        const inDateField = (stack[stack.length - 1]?.dateField ?? false) || DATE_FIELD.test(attributes.class ?? '');
        const value = attributes.datetime ?? attributes.title ?? attributes.content ?? attributes.value;
        let capture: { into: Found; key: keyof Found; text: string } | undefined;
        const hcal = (key: keyof Found) => {
          if (value && key !== 'location') set(found.microformat, key, value);
          else if (found.microformat[key] === undefined) capture = { into: found.microformat, key, text: '' };
        };
        if (/\s(?:dtstart|dt-start)\s/.test(classes)) hcal('start');
        else if (/\s(?:dtend|dt-end)\s/.test(classes)) hcal('end');
        else if (/\s(?:location|p-location)\s/.test(classes)) hcal('location');
        const itemprop = attributes.itemprop;
        if (itemprop === 'startDate') set(found.microdata, 'start', attributes.content ?? attributes.datetime);
        else if (itemprop === 'endDate') set(found.microdata, 'end', attributes.content ?? attributes.datetime);
        if (name === 'time' && attributes.datetime && inDateField) {
          set(found.drupal, found.drupal.start === undefined ? 'start' : 'end', attributes.datetime);
        } else if (attributes.content && /date-display-(?:single|start)/.test(classes)) {
          set(found.drupal, 'start', attributes.content);
        } else if (attributes.content && /date-display-end/.test(classes)) {
          set(found.drupal, 'end', attributes.content);
        }
        if (capture) captures.push(capture);
        stack.push({ dateField: inDateField, capture });
      },
      ontext(text) {
        for (const c of captures) c.text += text;
      },
      onclosetag() {
        const closed = stack.pop();
        if (closed?.capture) {
          captures.splice(captures.indexOf(closed.capture), 1);
          set(closed.capture.into, closed.capture.key, decodeHTML(closed.capture.text).replace(/\s+/g, ' '));
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  for (const source of ['microformat', 'microdata', 'drupal'] as const) {
    const f = found[source];
    if (f.start) return withoutUndefined({ source, start: f.start, end: f.end, location: f.location });
  }
  return undefined;
}

// ---- inline iCalendar ----

function readICalendar(html: string): StructuredEvent | undefined {
  const at = html.indexOf('BEGIN:VEVENT');
  if (at < 0) return undefined;
  const close = html.indexOf('END:VEVENT', at);
  const block = decodeHTML(html.slice(at, close < 0 ? at + 4000 : close).replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''));
  // RFC 5545 §3.1: a line that starts with a space or tab continues the previous one.
  const lines = block.replace(/\r?\n[ \t]/g, '').split(/\r?\n/).map((l) => l.trim());
  const props = new Map<string, { params: string; value: string }>();
  for (const line of lines) {
    const m = /^([A-Z-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    if (m && !props.has(m[1])) props.set(m[1], { params: m[2], value: m[3] });
  }
  const start = props.get('DTSTART');
  if (!start) return undefined;
  const tzid = /;TZID=("?)([^;:"]+)\1/i.exec(start.params)?.[2];
  const unescape = (v: string | undefined) => v?.replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, ' ').trim() || undefined;
  return withoutUndefined({
    source: 'icalendar',
    start: start.value.trim(),
    end: props.get('DTEND')?.value.trim(),
    timezone: tzid,
    location: unescape(props.get('LOCATION')?.value),
    url: props.get('URL')?.value.trim(),
  });
}

function withoutUndefined(value: StructuredEvent): StructuredEvent {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as StructuredEvent;
}
