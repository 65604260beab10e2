// From events selected by a query to an OutputCalendar (ical.ts): a bilingual name that says what
// is filtered, stable UIDs, each event's text in its own language with its registration link and
// its page on the hub, and its place written out.
import type { EventPlace, Language, Topic } from '../core/types.ts';
import { EVENT_WORDS, PROVINCE_LABELS } from '../core/words.ts';
import type { ItemQuery, ItemView } from '../store/items-query.ts';
import type { CalendarEvent, OutputCalendar } from './ical.ts';
import { describeQuery } from './wording.ts';

export interface CalendarContext {
  publicUrl: string;
  version: string;
  topics: Topic[];
  selfUrl: string;
  /** The reader's page of the same events, in each language. */
  homeUrl: Record<Language, string>;
  /** A name of its own (one event's calendar: its title). */
  name?: string;
}

/** "Pier 21, Halifax, Nova Scotia", "Online", "Halifax, Nova Scotia · Online" (in person and online). */
export function eventLocation(event: { place?: EventPlace; online: boolean }, ui: Language): string | undefined {
  const p = event.place;
  const place = p ? [p.venue, p.city, p.province ? PROVINCE_LABELS[p.province][ui] : undefined].filter(Boolean).join(', ') : '';
  const online = event.online ? EVENT_WORDS.online[ui] : '';
  return [place, online].filter(Boolean).join(' · ') || undefined;
}

/** The hub's name for an item's event: stable for as long as the item is kept, on any address of the hub. */
export function eventUid(publicUrl: string, id: number): string {
  return `passerelle-item-${id}@${new URL(publicUrl).hostname}`;
}

const languageOf = (item: ItemView): Language => (item.language === 'fr' ? 'fr' : 'en');

export function calendarEvent(item: ItemView, ctx: Pick<CalendarContext, 'publicUrl' | 'topics'>): CalendarEvent {
  const event = item.event!;
  const ui = languageOf(item);
  const page = `${ctx.publicUrl}/${ui}/items/${item.id}`;
  const labels = new Map(ctx.topics.map((tp) => [tp.slug, tp.label[ui]]));
  const colon = ui === 'fr' ? '\u00a0:' : ':';
  const description = [
    item.summary,
    event.registrationUrl ? `${EVENT_WORDS.registration[ui]}${colon} ${event.registrationUrl}` : '',
    `${EVENT_WORDS.onPasserelle[ui]}${colon} ${page}`,
    item.source.organization,
  ].filter(Boolean);
  return {
    uid: eventUid(ctx.publicUrl, item.id),
    sequence: event.sequence,
    modified: item.updatedAt,
    created: item.firstSeenAt,
    title: item.title,
    description: description.join('\n\n'),
    language: item.language === 'en' || item.language === 'fr' ? item.language : undefined,
    start: event.start,
    end: event.end,
    allDay: event.allDay,
    timezone: event.timezone,
    location: eventLocation(event, ui),
    url: item.url ?? page,
    categories: item.topics.map((slug) => labels.get(slug) ?? slug),
  };
}

/** "Passerelle events: Housing · Atlantic / Événements Passerelle : Logement · Atlantique" */
const isFiltered = (query: ItemQuery) => [query.topics, query.regions, query.provinces, query.languages, query.types, query.sources, query.q].some((v) => (Array.isArray(v) ? v.length : v));

export function calendarName(query: ItemQuery, topics: Topic[]): string {
  const names = (['en', 'fr'] as const).map((ui) => {
    if (!isFiltered(query)) return EVENT_WORDS.calendarAll[ui];
    return `${EVENT_WORDS.calendarOf[ui]} ${describeQuery({ ...query, since: undefined }, ui, new Map(topics.map((tp) => [tp.slug, tp.label[ui]])))}`;
  });
  return names.join(' / ');
}

export function buildCalendar(query: ItemQuery, rows: ItemView[], ctx: CalendarContext): OutputCalendar {
  const selection = (ui: Language) => (isFiltered(query) ? describeQuery({ ...query, since: undefined }, ui, new Map(ctx.topics.map((tp) => [tp.slug, tp.label[ui]]))) : EVENT_WORDS.allEvents[ui]);
  const described = (ui: Language) => `${EVENT_WORDS.calendarDescription[ui]} ${selection(ui)}. ${ctx.homeUrl[ui]}`;
  return {
    prodId: `-//Passerelle//Passerelle ${ctx.version}//EN`,
    name: ctx.name ?? calendarName(query, ctx.topics),
    // A calendar of its own (one event) is described by its name and its page, in its language.
    description: ctx.name ? `${ctx.name}. ${ctx.homeUrl[rows[0]?.language === 'fr' ? 'fr' : 'en']}` : `${described('en')}\n${described('fr')}`,
    selfUrl: ctx.selfUrl,
    homeUrl: ctx.homeUrl.en,
    refreshMinutes: 60,
    events: rows.filter((r) => r.event).map((r) => calendarEvent(r, ctx)),
  };
}
