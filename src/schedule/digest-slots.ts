// When digests are due: daily at DIGEST_HOUR, weekly on DIGEST_WEEKDAY at that hour, local time
// in DIGEST_TIMEZONE (daylight saving included). Pure: the instant to count from is passed in.
// A digest covers the stories first seen between two slots, so subscribers of one selection share
// one window (and one query) however their sends are spread.
import { WEEKDAYS, type Weekday } from '../core/config.ts';
import type { DigestFrequency } from '../store/digest-schema.ts';

export interface SlotSettings {
  hour: number;
  weekday: Weekday;
  timeZone: string;
}

const DAY = 86_400_000;
const parts = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = parts.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'long' });
    parts.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `at` in `timeZone`. */
function wallClock(at: number, timeZone: string) {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]));
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour, minute: +p.minute, second: +p.second, weekday: p.weekday.toLowerCase() as Weekday };
}

/** The instant the wall clock of `timeZone` reads y-m-d h:00 (the later reading when a change of time repeats it). */
function instantOf(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wanted = Date.UTC(year, month - 1, day, hour);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(guess, timeZone);
    const offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - guess;
    guess = wanted - offset;
  }
  return guess;
}

/** Every slot's instant in the days around `at`, in order. */
function slotsAround(at: number, frequency: DigestFrequency, s: SlotSettings): number[] {
  const out: number[] = [];
  for (let d = -8; d <= 8; d++) {
    const w = wallClock(at + d * DAY, s.timeZone);
    if (frequency === 'weekly' && w.weekday !== s.weekday) continue;
    out.push(instantOf(w.year, w.month, w.day, s.hour, s.timeZone));
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The first slot strictly after `after`. */
export function nextSlot(after: Date, frequency: DigestFrequency, s: SlotSettings): Date {
  const t = after.getTime();
  return new Date(slotsAround(t, frequency, s).find((x) => x > t)!);
}

/** The last slot at or before `at`. */
export function latestSlot(at: Date, frequency: DigestFrequency, s: SlotSettings): Date {
  const t = at.getTime();
  return new Date(slotsAround(t, frequency, s).filter((x) => x <= t).at(-1)!);
}

export { WEEKDAYS };
