// The targets the event reading must meet on the labelled event set (tests/fixtures/events/).
// `npm run eval` prints the figures, `npm run eval -- --errors` every miss.
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateEvents, eventsOnGeneralSet, EVENTS_HOLDOUT_DIR, loadEventSet, type EventReport } from './evaluate-events.ts';

let report: EventReport;
let holdout: EventReport;
beforeAll(async () => {
  [report, holdout] = await Promise.all([evaluateEvents(), evaluateEvents({ dir: EVENTS_HOLDOUT_DIR })]);
});

describe('the labelled event set', () => {
  it('holds at least 150 events, half English and half French, and 20 dated non-events', async () => {
    expect(report.events).toBeGreaterThanOrEqual(150);
    expect(Math.abs(report.english - report.french)).toBeLessThanOrEqual(report.events * 0.05);
    expect(report.nonEvents.of).toBeGreaterThanOrEqual(20);
    const items = await loadEventSet();
    // Every shape is there: structured data, plugins' <pubDate>, multi-day, all-day, online, in person.
    expect(items.some((i) => i.event)).toBe(true);
    expect(items.some((i) => i.fetched && !i.event)).toBe(true);
    expect(items.filter((i) => !('none' in i.expect) && i.expect.end && !i.expect.start.includes('T')).length).toBeGreaterThanOrEqual(15);
    expect(items.filter((i) => !('none' in i.expect) && i.expect.online).length).toBeGreaterThanOrEqual(30);
    expect(items.filter((i) => !('none' in i.expect) && i.expect.city).length).toBeGreaterThanOrEqual(30);
  });

  it('has a held-out part', () => {
    expect(holdout.events).toBeGreaterThanOrEqual(20);
  });
});

describe('event reading on the labelled set', () => {
  it('gets the start date right to the day for ≥ 95% of events', () => {
    expect(report.startDay.of).toBe(report.events);
    expect(report.startDay.rate).toBeGreaterThanOrEqual(0.95);
  });

  it('gets the start time right for ≥ 90% of the events that state one', () => {
    expect(report.startTime.of).toBeGreaterThanOrEqual(100);
    expect(report.startTime.rate).toBeGreaterThanOrEqual(0.9);
  });

  it('gives no event to an item that is not one, in this set and in the general labelled set', async () => {
    expect(report.nonEvents.invented).toEqual([]);
    const general = await eventsOnGeneralSet();
    expect(general.nonEvents).toBeGreaterThan(150);
    expect(general.invented).toEqual([]);
  });
});
