// Events by their own dates: upcoming ones soonest first, past ones latest first, for any filter of
// the river (ItemQuery). Each list is a walk of items_event_start_idx: forward from a little
// before the window for upcoming events (so those still running are found), backward for past ones.
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from './db.ts';
import { attachRelations, filterOf, itemColumns, sourceColumns, type ItemQuery, type ItemsTable, type ItemView } from './items-query.ts';
import { items, sources } from './schema.ts';

/**
 * An event that started longer ago than this is not looked for among those still running: the walk
 * for upcoming events starts here, so its length does not grow with the years of events behind it.
 */
export const LONGEST_EVENT_DAYS = 366;
const DAY_MS = 86_400_000;

export interface EventQuery extends Omit<ItemQuery, 'before' | 'order' | 'offset'> {
  /**
   * upcoming: events not over at `at` (running or to come), soonest first.
   * past: events over by `at`, latest first.
   */
  when: 'upcoming' | 'past';
  at: Date;
  /** Only events that start before this instant (a date range's end). */
  startsBefore?: Date;
  /** Only events that start at or after this instant. */
  startsFrom?: Date;
  /** Keyset paging: the events after this one in the list's order. */
  after?: { startAt: Date; id: number };
}

/** The event's place in a list, for the next page's cursor. */
export function eventCursor(item: ItemView): { startAt: Date; id: number } {
  return { startAt: item.event!.startAt, id: item.id };
}

const dated = (t: ItemsTable): SQL[] => [isNotNull(t.eventStartAt)];

/**
 * Events of a filter, in the list's order, with their items as queryItems gives them. Ordered as
 * the index is built (start, then id), so it is walked, not sorted.
 */
export async function queryEvents(db: Db, q: EventQuery): Promise<ItemView[]> {
  const where = await filterOf(db, q, { same: dated });
  where.push(isNotNull(items.eventStartAt));
  const upcoming = q.when === 'upcoming';
  if (upcoming) {
    where.push(gt(items.eventEndAt, q.at), gte(items.eventStartAt, new Date(q.at.getTime() - LONGEST_EVENT_DAYS * DAY_MS)));
  } else {
    where.push(lt(items.eventEndAt, q.at) as SQL);
  }
  if (q.startsBefore) where.push(lt(items.eventStartAt, q.startsBefore));
  if (q.startsFrom) where.push(gte(items.eventStartAt, q.startsFrom));
  if (q.after) {
    const { startAt, id } = q.after;
    where.push(
      upcoming
        ? or(gt(items.eventStartAt, startAt), and(eq(items.eventStartAt, startAt), gt(items.id, id)))!
        : or(lt(items.eventStartAt, startAt), and(eq(items.eventStartAt, startAt), lt(items.id, id)))!,
    );
  }
  // Plain ASC and DESC: the index read forward, and backward (which gives DESC NULLS FIRST, the default).
  const order = upcoming ? [asc(items.eventStartAt), asc(items.id)] : [desc(items.eventStartAt), desc(items.id)];
  const page = db.select({ id: items.id }).from(items).where(and(...where)).orderBy(...order).limit(q.limit);
  const rows = await db
    .select({ item: itemColumns, source: sourceColumns })
    .from(items)
    .innerJoin(sources, eq(items.sourceId, sources.id))
    .where(inArray(items.id, page))
    .orderBy(...order);
  return attachRelations(db, rows);
}

/**
 * The next events of a filter, soonest first, those running now included: what an email digest or
 * any other summary puts first. `now` is when they must not be over yet.
 */
export function upcomingEvents(db: Db, q: Omit<EventQuery, 'when' | 'at'>, now: Date): Promise<ItemView[]> {
  return queryEvents(db, { ...q, when: 'upcoming', at: now });
}
