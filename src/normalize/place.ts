// Which province or territory an item is about, from the names it mentions (English and French,
// plus the cities settlement staff write instead of the province). One clear mention narrows
// the item; none, or several, leave it to its source.
import { PROVINCE_REGION, type Province, type Region } from '../core/types.ts';

/** Place names by province: the province's own names (English and French) first, then its cities. */
export const PLACES: Record<Province, string[]> = {
  nl: ['newfoundland', 'labrador', 'terre-neuve', "st. john's", 'st john’s', 'corner brook', 'gander'],
  pe: ['prince edward island', 'p.e.i.', 'pei', 'île-du-prince-édouard', 'ile-du-prince-edouard', 'charlottetown', 'summerside'],
  ns: ['nova scotia', 'nouvelle-écosse', 'nouvelle-ecosse', 'halifax', 'dartmouth', 'truro', 'antigonish', 'cape breton', 'yarmouth'],
  nb: ['new brunswick', 'nouveau-brunswick', 'moncton', 'fredericton', 'saint john', 'dieppe', 'edmundston', 'bathurst', 'miramichi'],
  qc: ['quebec', 'québec', 'montreal', 'montréal', 'sherbrooke', 'gatineau', 'trois-rivières', 'trois-rivieres', 'saguenay', 'rimouski', 'laval'],
  on: ['ontario', 'toronto', 'ottawa', 'hamilton', 'mississauga', 'brampton', 'sudbury', 'thunder bay', 'kitchener', 'waterloo', 'timmins', 'north bay', 'sault ste. marie', 'kingston', 'peterborough'],
  mb: ['manitoba', 'winnipeg', 'brandon', 'steinbach', 'winkler', 'morden', 'thompson'],
  sk: ['saskatchewan', 'regina', 'saskatoon', 'moose jaw', 'prince albert', 'swift current'],
  ab: ['alberta', 'calgary', 'edmonton', 'lethbridge', 'red deer', 'brooks', 'medicine hat', 'grande prairie', 'fort mcmurray'],
  bc: ['british columbia', 'colombie-britannique', 'vancouver', 'surrey', 'burnaby', 'kelowna', 'kamloops', 'prince george', 'nanaimo', 'abbotsford'],
  yt: ['yukon', 'whitehorse', 'dawson city'],
  nt: ['northwest territories', 'territoires du nord-ouest', 'yellowknife', 'inuvik', 'hay river'],
  nu: ['nunavut', 'iqaluit', 'rankin inlet'],
};

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’‘]/g, "'");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A place name found in a text: where it starts, and the name as `fold` spells it. */
export interface PlaceNameFound {
  index: number;
  name: string;
}

/**
 * The place names as `fold` spells them, each with its province, and a finder of those names as
 * whole words in folded text: every name in one alternation, longest first, so a text is scanned
 * once. The scan looks for the names alone, which is quick, and checks that no letter or digit
 * touches one only where one is: the same matches as the whole-word pattern run over the text.
 */
export function placeNameIndex(fold: (name: string) => string): { provinceOf: Map<string, Province>; find(text: string): PlaceNameFound[] } {
  const provinceOf = new Map<string, Province>();
  for (const [province, names] of Object.entries(PLACES) as [Province, string[]][]) {
    for (const name of names) provinceOf.set(fold(name), province);
  }
  const names = [...provinceOf.keys()].sort((a, b) => b.length - a.length).map(escape).join('|');
  const anywhere = new RegExp(`(?:${names})`, 'gu');
  const wholeWord = new RegExp(`(?<![\\p{L}\\p{N}])(?:${names})(?![\\p{L}\\p{N}])`, 'uy');
  const find = (text: string): PlaceNameFound[] => {
    const found: PlaceNameFound[] = [];
    anywhere.lastIndex = 0;
    for (let m = anywhere.exec(text); m; m = anywhere.exec(text)) {
      wholeWord.lastIndex = m.index;
      const whole = wholeWord.exec(text);
      // Not a whole word here: the next try starts one character on, as a search would.
      anywhere.lastIndex = whole ? wholeWord.lastIndex : m.index + 1;
      if (whole) found.push({ index: whole.index, name: whole[0] });
    }
    return found;
  };
  return { provinceOf, find };
}

const { provinceOf: PROVINCE_OF, find: findPlaceNames } = placeNameIndex(fold);

/** The one province or territory the text names, if exactly one. */
export function detectProvince(text: string): Province | undefined {
  const found = new Set<Province>();
  for (const { name } of findPlaceNames(fold(text))) {
    found.add(PROVINCE_OF.get(name)!);
    if (found.size > 1) return undefined;
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** Regions of an item: its source's, plus the province's when the item is about one elsewhere. */
export function placeItem(
  text: string,
  source: { region: Region; province?: Province },
): { regions: Region[]; province?: Province } {
  const province = source.province ?? detectProvince(text);
  const regions = new Set<Region>([source.region]);
  if (province) regions.add(PROVINCE_REGION[province]);
  return { regions: [...regions], province };
}
