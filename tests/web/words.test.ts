// Every word the hub shows exists in English and in French, and the French is French; dates,
// times, numbers and sizes are written as people in Canada read them, in the page's language.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDay, formatDayAndDate, formatDuration, formatMinutes, formatRecent, formatStamp, formatUpcoming } from '../../src/core/locale.ts';
import { LANGUAGES, type Language } from '../../src/core/types.ts';
import { EVENT_TIME_ZONES, EVENT_WORDS, FEED_WORDS, LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS, TYPE_LABELS, TYPE_SINGULAR } from '../../src/core/words.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import { ADMIN_FORM_WORDS } from '../../src/web/admin-form-words.ts';
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
  'events (core/words.ts)': { table: byLanguage(EVENT_WORDS), sameInBoth: [] },
  'event time zones (core/words.ts)': { table: byLanguage(EVENT_TIME_ZONES), sameInBoth: [] },
  'reader (web/reader-words.ts)': { table: WORDS, sameInBoth: ['source', 'type', 'dates'] },
  'admin pages (web/admin-words.ts)': { table: ADMIN_WORDS, sameInBoth: ['adminNavLabel', 'navSources', 'colHttp', 'actionsHeading', 'statusActive'] },
  'admin forms (web/admin-form-words.ts)': { table: ADMIN_FORM_WORDS, sameInBoth: [] },
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
  searchChip: ['logement'],
  sinceChip: ['4 déc.'],
  embedScriptFallback: ['Logement'],
  unknownParameter: ['topc'],
  escapedAmpersand: ['topic'],
  didYouMean: ['topic'],
  acceptedParameters: ['topic, region'],
  unknownValue: ['lang', '“de”'],
  acceptedValues: ['en, fr'],
  badNumber: ['limit', 1, 50],
  badBoolean: ['clusters'],
  quote: ['de'],
  editTitle: ['Harbourview news'],
  fileManagedEdit: ['harbourview'],
  fileHint: ['1 MB', '2,000'],
  skippedRegistered: ['harbourview'],
  skippedTwice: ['harbourview'],
  unmatchedFolders: ['Misc, Other'],
  outline: [3, 'Harbourview'],
  blockedFeed: ['10.0.0.1'],
  fileTooLarge: ['1 MB'],
  provinceNotInRegion: ['Nova Scotia', 'British Columbia'],
  unknownTopic: ['gardening'],
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

  it('in the river say how long ago and which day, then the day alone', () => {
    expect(formatDayAndDate(new Date('2025-05-03T05:00:00Z'), now, 'en')).toBe('today · May 3');
    expect(formatDayAndDate(new Date('2025-04-30T18:00:00Z'), now, 'fr')).toBe('il y a 3 jours · 30 avr.');
    expect(formatDayAndDate(new Date('2025-04-20T18:00:00Z'), now, 'en')).toBe('Apr 20');
    expect(formatDayAndDate(new Date('2024-12-04T18:00:00Z'), now, 'fr')).toBe('4 déc. 2024');
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

/**
 * French typography as the Office québécois de la langue française and the Government of Canada's
 * style guides write it: a curly apostrophe, a non-breaking space before the colon and before « ; ? ! »
 * where they punctuate a sentence, and inside « ». (A colon in an address or a time, with no space
 * after it, is not punctuation.) Returns what is wrong, empty when nothing is.
 */
function typographyProblems(text: string): string[] {
  const problems: string[] = [];
  // "&amp;" named as such is not punctuation.
  text = text.replace(/&[a-z]+;/g, '&');
  if (text.includes("'")) problems.push('straight apostrophe');
  if (/[^\u00a0\u202f][:;?!](\s|$)/.test(text)) problems.push('no non-breaking space before : ; ? !');
  if (/«[^\u00a0\u202f]/.test(text) || /[^\u00a0\u202f]»/.test(text)) problems.push('no non-breaking space inside « »');
  return problems;
}

/** Every string a table holds, with the words that are functions called with sample arguments. */
function stringsOf(table: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(table).flatMap(([key, word]): [string, string][] => {
    const value = typeof word === 'function' ? word(...(SAMPLE_ARGS[key] ?? [2, 2, 2])) : word;
    if (typeof value === 'string') return [[`${prefix}${key}`, value]];
    if (value && typeof value === 'object') return stringsOf(value as Record<string, unknown>, `${prefix}${key}.`);
    return [];
  });
}

describe('French typography', () => {
  it('knows a wrong spelling when it sees one', () => {
    expect(typographyProblems('Garde d\'enfants')).toEqual(['straight apostrophe']);
    expect(typographyProblems('Adresse : ici')).toEqual(['no non-breaking space before : ; ? !']);
    expect(typographyProblems('Supprimer ?')).toEqual(['no non-breaking space before : ; ? !']);
    expect(typographyProblems('le paramètre « topic »')).toEqual(['no non-breaking space inside « »']);
    expect(typographyProblems('Supprimer «\u00a0x\u00a0»\u00a0? Voir https://hub.example.ca/fr/ à 14:05.')).toEqual([]);
  });

  it('is kept in every French string of the interface and in the topic labels', async () => {
    const { topics } = await loadFeedsFile('feeds.yaml');
    const strings: [string, string][] = [
      ...Object.entries(TABLES).flatMap(([name, { table }]) => stringsOf(table.fr).map(([key, text]): [string, string] => [`${name}: ${key}`, text])),
      ...topics.map((t): [string, string] => [`feeds.yaml topic ${t.slug}`, t.label.fr]),
    ];
    expect(strings.length).toBeGreaterThan(300);
    const wrong = strings.flatMap(([where, text]) => typographyProblems(text).map((p) => `${where}: ${p}: ${JSON.stringify(text)}`));
    expect(wrong).toEqual([]);
  });
});
