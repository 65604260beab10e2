// An item's event as read back: the ItemEvent normalize made, plus the instants it spans and its
// sequence number. Readers get it as one `event` field of the item, never as loose columns.
import type { EventPlace, ItemEvent, Province } from '../core/types.ts';
import type { items } from './schema.ts';

export interface StoredEvent extends ItemEvent {
  /** When it starts (an all-day event: midnight where it takes place). */
  startAt: Date;
  /** When it is over (store/item-event-columns.ts says how an end left out is read). */
  endAt: Date;
  /** Bumped each time its time or place changed. */
  sequence: number;
}

type EventFields = Pick<
  typeof items.$inferSelect,
  'eventStartAt' | 'eventEndAt' | 'eventStart' | 'eventEnd' | 'eventAllDay' | 'eventTimezone' | 'eventPlace' | 'eventOnline' | 'eventRegistrationUrl' | 'eventSequence'
>;

/** The event columns of a row as one StoredEvent (undefined when the item has none), and the rest of the row. */
export function splitEvent<R extends EventFields>(row: R): { event?: StoredEvent; rest: Omit<R, keyof EventFields> } {
  const {
    eventStartAt, eventEndAt, eventStart, eventEnd, eventAllDay, eventTimezone, eventPlace, eventOnline, eventRegistrationUrl, eventSequence, ...rest
  } = row;
  if (!eventStartAt || !eventEndAt || !eventStart || !eventTimezone) return { rest };
  const event: StoredEvent = {
    start: eventStart,
    allDay: eventAllDay ?? false,
    timezone: eventTimezone,
    online: eventOnline ?? false,
    startAt: eventStartAt,
    endAt: eventEndAt,
    sequence: eventSequence,
  };
  if (eventEnd) event.end = eventEnd;
  if (eventPlace) event.place = eventPlace as EventPlace & { province?: Province };
  if (eventRegistrationUrl) event.registrationUrl = eventRegistrationUrl;
  return { event, rest };
}
