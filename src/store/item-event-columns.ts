// An item's event as stored: the columns ingest writes beside the item's own, in the same
// statement, and the rule that bumps the event's sequence number when its time or place changes
// (iCalendar SEQUENCE: calendars that subscribed replace their copy only when it goes up).
import { sql } from 'drizzle-orm';
import type { ItemEvent } from '../core/types.ts';
import { addDays, startOfDayIn } from '../normalize/event-zone.ts';

/** The event's columns, with their types, as the batch insert lists them. */
export const EVENT_COLUMNS = [
  ['event_start_at', 'timestamptz'], ['event_end_at', 'timestamptz'], ['event_start', 'text'], ['event_end', 'text'],
  ['event_all_day', 'boolean'], ['event_timezone', 'text'], ['event_place', 'jsonb'], ['event_online', 'boolean'],
  ['event_registration_url', 'text'],
] as const;

type EventColumn = (typeof EVENT_COLUMNS)[number][0];


/**
 * When the event starts and when it is over, as instants. An all-day event runs from midnight of
 * its first day to midnight after its last, where it takes place. A timed event with no end is
 * taken to last until the end of its day: hiding it once it starts would hide it while it runs.
 */
export function eventSpan(event: ItemEvent): { startAt: Date; endAt: Date } {
  if (event.allDay) {
    const startAt = startOfDayIn(event.start, event.timezone);
    const endAt = startOfDayIn(addDays(event.end ?? event.start, 1), event.timezone);
    return { startAt: new Date(startAt), endAt: new Date(endAt) };
  }
  const startAt = Date.parse(event.start);
  const endAt = event.end ? Date.parse(event.end) : startOfDayIn(addDays(event.start.slice(0, 10), 1), event.timezone);
  return { startAt: new Date(startAt), endAt: new Date(Math.max(endAt, startAt)) };
}

export function eventRecord(event: ItemEvent | undefined): Record<EventColumn, unknown> {
  if (!event) {
    return {
      event_start_at: null, event_end_at: null, event_start: null, event_end: null, event_all_day: null, event_timezone: null,
      event_place: null, event_online: null, event_registration_url: null,
    };
  }
  const { startAt, endAt } = eventSpan(event);
  return {
    event_start_at: startAt, event_end_at: endAt, event_start: event.start, event_end: event.end ?? null, event_all_day: event.allDay,
    event_timezone: event.timezone, event_place: event.place ?? null, event_online: event.online, event_registration_url: event.registrationUrl ?? null,
  };
}

/** The event's time and place, on the stored row (i) and on the incoming one (excluded). */
const WHEN_WHERE = ['event_start', 'event_end', 'event_all_day', 'event_timezone', 'event_place', 'event_online'] as const;
const tuple = (alias: string, columns: readonly string[]) => sql.raw(`(${columns.map((c) => `${alias}.${c}`).join(', ')})`);

/** The event's time or place differs: a stored event that moved. An event appearing for the first time is not a change of one. */
export const eventSequenceUpdate = sql`case when i.event_start is not null and ${tuple('i', WHEN_WHERE)} is distinct from ${tuple('excluded', WHEN_WHERE)}
  then i.event_sequence + 1 else i.event_sequence end`;

/** The event changed at all (its registration link included), though the item's text may not have. */
export const eventChanged = sql`${tuple('i', [...WHEN_WHERE, 'event_registration_url'])} is distinct from ${tuple('excluded', [...WHEN_WHERE, 'event_registration_url'])}`;
