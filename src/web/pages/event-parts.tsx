/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// An event's date, time and place as the reader shows them: one line for lists (the river, the
// events page) and the block of an item page, with its registration link and "Add to calendar".
import { formatEventWhen } from '../../core/locale.ts';
import type { Language } from '../../core/types.ts';
import { EVENT_TIME_ZONES, type EventTimeZone } from '../../core/words.ts';
import { eventLocation } from '../../publish/build-calendar.ts';
import { DEFAULT_READER_ZONE } from '../../publish/event-query.ts';
import type { StoredEvent } from '../../store/stored-event.ts';
import type { PageContext } from './layout.tsx';

/** When the event takes place, in `zone`, as a <time> naming its instant (or its first day, all-day). */
export function EventWhen(props: { ctx: PageContext; event: StoredEvent; zone?: string }) {
  const { ctx, event } = props;
  const zone = props.zone ?? DEFAULT_READER_ZONE;
  return <time datetime={event.allDay ? event.start : event.startAt.toISOString()}>{formatEventWhen(event, ctx.ui, zone, ctx.now)}</time>;
}

/** "Pier 21, Halifax, Nova Scotia · Online", or nothing when the event says neither. */
export function eventWhere(event: StoredEvent, ui: Language): string | undefined {
  return eventLocation(event, ui);
}

/** The line a list shows under an item's title: "When: Mon, Dec 14, 1:00–2:30 p.m. EST · Online". */
export function EventLine(props: { ctx: PageContext; event: StoredEvent; zone?: string }) {
  const { ctx, event } = props;
  const where = eventWhere(event, ctx.ui);
  return (
    <p class="when">
      {ctx.w.eventWhen}
      {ctx.w.colon} <EventWhen ctx={ctx} event={event} zone={props.zone} />
      {where ? ` · ${where}` : ''}
    </p>
  );
}

/** The item page's block: when (in the event's own zone, and in Eastern time when that differs), where, register, add to calendar. */
export function EventBlock(props: { ctx: PageContext; itemId: number; event: StoredEvent }) {
  const { ctx, event, itemId } = props;
  const { w, ui } = ctx;
  const where = eventWhere(event, ui);
  const ownZone = event.timezone;
  const alsoHere = !event.allDay && ownZone !== DEFAULT_READER_ZONE;
  return (
    <section class="event" aria-labelledby="event-h">
      <h2 id="event-h">{w.eventBlockHeading}</h2>
      <dl class="facts">
        <dt>{w.eventWhen}</dt>
        <dd>
          <EventWhen ctx={ctx} event={event} zone={ownZone} />
          {alsoHere ? (
            <>
              <br />
              <span class="meta">
                {EVENT_TIME_ZONES[DEFAULT_READER_ZONE][ui]}
                {w.colon} <EventWhen ctx={ctx} event={event} zone={DEFAULT_READER_ZONE} />
              </span>
            </>
          ) : null}
        </dd>
        {where ? (
          <>
            <dt>{w.eventWhere}</dt>
            <dd>{where}</dd>
          </>
        ) : null}
      </dl>
      <p class="actions">
        {event.registrationUrl ? (
          <a class="button" href={event.registrationUrl}>
            {w.register}
          </a>
        ) : null}{' '}
        <a href={`${ctx.base}/calendar/items/${itemId}.ics`} download={`event-${itemId}.ics`}>
          {w.addToCalendar}
        </a>{' '}
        <span class="meta">{w.addToCalendarHint}</span>
      </p>
    </section>
  );
}

/** The time zones the filter panel offers, in the page's language. */
export function zoneOptions(ui: Language): [EventTimeZone, string][] {
  return (Object.keys(EVENT_TIME_ZONES) as EventTimeZone[]).map((z) => [z, EVENT_TIME_ZONES[z][ui]]);
}
