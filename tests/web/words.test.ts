// Every word the hub shows exists in English and in French, and the French is French; dates,
// times, numbers and sizes are written as people in Canada read them, in the page's language.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDay, formatDuration, formatMinutes, formatRecent, formatStamp, formatUpcoming } from '../../src/core/locale.ts';
import { LANGUAGES, type Language } from '../../src/core/types.ts';
import { FEED_WORDS, LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS, TYPE_LABELS, TYPE_SINGULAR } from '../../src/core/words.ts';
import { ADMIN_WORDS } from '../../src/web/admin-words.ts';
import { PAGE_SOURCE_WORDS } from '../../src/web/page-source-words.ts';
import { WORDS } from '../../src/web/reader-words.ts';

type Table = Record<Language, Record<string, unknown>>;

/** A table written word by word ({ key: { en, fr } }) seen as one table per language. */
const byLanguage = (words: Record<string, Record<Language, string>>): Table =>
  Object.fromEntries(LANGUAGES.map((ui) => [ui, Object.fromEntries(Object.entries(words).map(([key, both]) => [key, both[ui]]))])) as Table;

const TABLES: Record<string, { table: Table; sameInBoth: string[] }> = {
  'regions (core/words.ts)': { table: byLanguage(REGION_LABELS), sameInBoth: ['national', 'ontario', 'prairies'] },
  'provinces (core/words.ts)': { table: byLanguage(PROVINCE_LABELS), sameInBoth: ['on', 'mb', 'sk', 'ab', 'yt', 'nu'] },
  'item types (core/words.ts)': { table: byLanguage(TYPE_LABELS), sameInBoth: [] },
  'an item type (core/words.ts)': { table: byLanguage(TYPE_SINGULAR), sameInBoth: [] },
  'languages (core/words.ts)': { table: byLanguage(LANGUAGE_LABELS), sameInBoth: [] },
  'output feeds (core/words.ts)': { table: byLanguage(FEED_WORDS), sameInBoth: [] },
  'reader (web/reader-words.ts)': { table: WORDS, sameInBoth: ['source', 'type'] },
  'admin pages (web/admin-words.ts)': { table: ADMIN_WORDS, sameInBoth: ['adminNavLabel', 'navSources', 'colHttp', 'actionsHeading', 'statusActive'] },
  'page sources (web/page-source-words.ts)': { table: PAGE_SOURCE_WORDS, sameInBoth: [] },
};

// What the words that are functions are called with; any other takes numbers.
const SAMPLE_ARGS: Record<string, unknown[]> = {
  fetchesSummary: [3, ['2 ok', '1 failed']],
  outcomeCount: ['failed', 2],
  doneRefreshed: ['OK', 2, 1],
  doneDeleted: ['example', 2],
  signedInAs: ['ops'],
  deleteTitle: ['Example'],
  titleWithError: ['Add a source'],
  parameter: ['topic'],
  translationHeading: ['fr'],
};

/** What a word shows: itself, or what it returns for the sample arguments. */
function shown(key: string, word: unknown): unknown {
  if (typeof word === 'function') return word(...(SAMPLE_ARGS[key] ?? [2, 2, 2]));
  if (word && typeof word === 'object') return JSON.stringify(word);
  return word;
}

describe.each(Object.entries(TABLES))('the words of the %s', (_name, { table, sameInBoth }) => {
  it('have the same keys in English and French', () => {
    expect(Object.keys(table.fr).sort()).toEqual(Object.keys(table.en).sort());
  });

  it('are never empty', () => {
    for (const ui of LANGUAGES) {
      for (const [key, word] of Object.entries(table[ui])) {
        const text = shown(key, word);
        expect(typeof text, `${ui}.${key}`).toBe('string');
        expect((text as string).trim(), `${ui}.${key}`).not.toBe('');
      }
    }
  });

  it('are translated, but for the words that are the same in both languages', () => {
    const same = Object.keys(table.en).filter((key) => shown(key, table.en[key]) === shown(key, table.fr[key]));
    expect(same.sort()).toEqual([...sameInBoth].sort());
  });
});

describe('counted words', () => {
  it('agree with their number in each language', () => {
    expect(WORDS.en.itemCount(1)).toBe('1 item');
    expect(WORDS.en.itemCount(0)).toBe('0 items');
    expect(WORDS.fr.itemCount(1)).toBe('1 contenu');
    expect(WORDS.fr.itemCount(0)).toBe('0 contenu');
    expect(WORDS.fr.orgCount(3)).toBe('3 organisations');
    expect(ADMIN_WORDS.en.fetchesSummary(1, ['1 ok'])).toBe('Last 1 fetch: 1 ok');
    expect(ADMIN_WORDS.fr.outcomeCount('failed', 3)).toBe('3 en échec');
  });
});

describe('dates', () => {
  const now = Date.parse('2025-05-03T18:05:00Z'); // 2:05 p.m. in Toronto
  it('are written in the page language', () => {
    expect(formatDate(new Date('2025-05-01T12:00:00Z'), 'en')).toBe('May 1, 2025');
    expect(formatDate(new Date('2025-05-01T12:00:00Z'), 'fr')).toBe('1 mai 2025');
  });

  it('are relative in the last week, by calendar day in Eastern time', () => {
    expect(formatDay(new Date('2025-05-03T05:00:00Z'), now, 'en')).toBe('today');
    // 11 p.m. in Toronto the day before is yesterday, though less than a day ago.
    expect(formatDay(new Date('2025-05-03T03:00:00Z'), now, 'fr')).toBe('hier');
    expect(formatDay(new Date('2025-04-30T18:00:00Z'), now, 'en')).toBe('3 days ago');
    expect(formatDay(new Date('2025-04-20T18:00:00Z'), now, 'fr')).toBe('20 avril 2025');
    expect(formatRecent(new Date(now - 5 * 60_000), now, 'fr')).toBe('il y a 5 minutes');
    expect(formatRecent(new Date(now - 3 * 3_600_000), now, 'en')).toBe('3 hours ago');
    expect(formatRecent(new Date(now - 10 * 86_400_000), now, 'en')).toBe('Apr 23, 2025');
  });

  it('to come are counted until they are due', () => {
    expect(formatUpcoming(new Date(now + 12 * 60_000), now, 'en')).toBe('in 12 minutes');
    expect(formatUpcoming(new Date(now + 2 * 3_600_000), now, 'fr')).toBe('dans 2 heures');
    expect(formatUpcoming(new Date(now + 20_000), now, 'en')).toBeUndefined();
  });

  it('name the Eastern time zone in the admin tables, where the operator may be anywhere', () => {
    expect(formatStamp(new Date(now), 'en')).toEqual(['2025-05-03', '2:05 p.m. EDT']);
    expect(formatStamp(new Date(now), 'fr')).toEqual(['2025-05-03', '14 h 05 HAE']);
  });
});

describe('numbers', () => {
  it('use each language’s decimal sign and units', () => {
    expect(formatBytes(812, 'en')).toBe('812\u00a0B');
    expect(formatBytes(14_540, 'en')).toBe('14.2\u00a0KB');
    expect(formatBytes(14_540, 'fr')).toBe('14,2\u00a0ko');
    expect(formatBytes(5_000_000, 'fr')).toBe('4,8\u00a0Mo');
    expect(formatDuration(120, 'fr')).toBe('120\u00a0ms');
    expect(formatDuration(2_400, 'en')).toBe('2.4\u00a0s');
    expect(formatDuration(2_400, 'fr')).toBe('2,4\u00a0s');
    expect(formatMinutes(90)).toBe('1\u00a0h\u00a030\u00a0min');
    expect(formatMinutes(120)).toBe('2\u00a0h');
  });
});
