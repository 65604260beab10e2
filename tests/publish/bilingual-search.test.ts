// How a search's words are read in the other language: from the taxonomy's keywords and labels,
// and from the term pairs given (the lexicon), never from a guess.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Topic } from '../../src/core/types.ts';
import { LEXICON_PAIRS } from '../../src/normalize/lexicon.ts';
import { compileSearchTerms, expandSearch, lexiconTermPairs, taxonomyPairs, type SearchTerms } from '../../src/publish/bilingual-search.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';

let topics: Topic[];
let terms: SearchTerms;
beforeAll(async () => {
  topics = (await loadFeedsFile('feeds.yaml')).topics;
  terms = compileSearchTerms(topics);
});

describe('expandSearch', () => {
  it('reads a French keyword of the taxonomy as French, naming its topic and the English label', () => {
    expect(expandSearch('logement', terms)).toEqual({ language: 'fr', topics: ['housing'], phrases: { en: ['Housing'], fr: [] } });
    expect(expandSearch('Logements', terms)?.topics).toEqual(['housing']);
  });

  it('reads an English phrase as English', () => {
    const mental = expandSearch('mental health', terms)!;
    expect(mental.language).toBe('en');
    expect(mental.topics).toEqual(['health']);
    expect(mental.rest).toBeUndefined();
  });

  it('keeps the words no term covers, which the other language’s items must hold too', () => {
    expect(expandSearch('logement Halifax', terms)?.rest).toBe('halifax');
  });

  it('says nothing of words the taxonomy does not hold, nor of search syntax a translation would change', () => {
    expect(expandSearch('Whitehorse', terms)).toBeUndefined();
    expect(expandSearch('"logement abordable"', terms)).toBeUndefined();
    expect(expandSearch('logement -Halifax', terms)).toBeUndefined();
  });

  it('takes the reader’s language when the words are the same in both', () => {
    // "vaccination" is an English and a French keyword of health.
    expect(expandSearch('vaccination', terms)).toBeUndefined();
    expect(expandSearch('vaccination', terms, 'fr')?.language).toBe('fr');
  });

  it('adds the pairs of a lexicon to the taxonomy’s labels', () => {
    expect(expandSearch('parrainage', terms)).toBeUndefined();
    const withLexicon = compileSearchTerms(topics, [...taxonomyPairs(topics), { en: 'private sponsorship', fr: 'parrainage privé' }, { en: 'sponsorship', fr: 'parrainage' }]);
    expect(expandSearch('parrainage', withLexicon)).toEqual({ language: 'fr', topics: [], phrases: { en: ['sponsorship'], fr: [] } });
    expect(expandSearch('private sponsorship', withLexicon)?.phrases.fr).toEqual(['parrainage privé', 'parrainage']);
  });
});

describe('lexiconTermPairs', () => {
  it('pairs each spelling with the other side’s first, and drops what a plain search already finds', () => {
    const pairs = lexiconTermPairs([
      { en: 'call for proposals|CFP', fr: 'appel de propositions|appel à propositions' },
      { en: 'Halifax', fr: 'Halifax' },
      { en: 'one', fr: 'un' },
    ]);
    expect(pairs).toEqual([
      { en: 'call for proposals', fr: 'appel de propositions' },
      { en: 'CFP', fr: 'appel de propositions' },
      { en: 'call for proposals', fr: 'appel à propositions' },
    ]);
  });

  it('with the built-in lexicon, a French sector term not in the taxonomy reads into English', () => {
    const withLexicon = compileSearchTerms(topics, [...taxonomyPairs(topics), ...lexiconTermPairs(LEXICON_PAIRS)]);
    expect(expandSearch('appel de propositions', withLexicon)?.phrases.en).toContain('call for proposals');
  });
});
