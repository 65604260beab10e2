// Where an event takes place — a Canadian city or province, online, or both — and where to
// register, from the structured location when there is one and from the notice's text and links.
import type { EventPlace, Province } from '../core/types.ts';
import { foldForDates } from './event-text.ts';
import { placeNameIndex } from './place.ts';

/** Names that are a province or territory (or a region of one), not a city. */
const PROVINCE_LEVEL = new Set([
  'newfoundland', 'labrador', 'terre-neuve', 'prince edward island', 'p.e.i.', 'pei', 'ile-du-prince-edouard', 'nova scotia', 'nouvelle-ecosse',
  'cape breton', 'new brunswick', 'nouveau-brunswick', 'quebec', 'ontario', 'manitoba', 'saskatchewan', 'alberta', 'british columbia',
  'colombie-britannique', 'yukon', 'northwest territories', 'territoires du nord-ouest', 'nunavut',
]);

const { provinceOf: PROVINCE_OF, find: findPlaceNames } = placeNameIndex(foldForDates);
/** Words that put a place name where the event is: "in Moncton", "à Sudbury", "Location: Halifax". */
const LOCATIVE = /(?:\bin|\bat|(?<![a-z])a|\bau|\ben|\blieu|\blocation|\bwhere|(?<![a-z])ou|\bvenue|,)\s*:?\s*(?:(?:the|la|le|l')\s*)?$/;
/** A name inside an institution's name ("Université Laval", "Brandon University") says nothing of where. */
const INSTITUTION_BEFORE = /(?:universite(?: de)?|university of|college(?: de)?)\s+$/;
const INSTITUTION_AFTER = /^\s+(?:university|college)\b/;

interface NameFound {
  index: number;
  name: string;
  province: Province;
  city: boolean;
  located: boolean;
}

function namesIn(text: string): NameFound[] {
  if (text === lastNames.text) return lastNames.names;
  const folded = foldForDates(text);
  const found: NameFound[] = [];
  for (const m of findPlaceNames(folded)) {
    const key = m.name;
    const before = folded.slice(Math.max(0, m.index - 16), m.index);
    // "à Québec" and "Quebec City" are the city; "au Québec" the province.
    const after = folded.slice(m.index + key.length, m.index + key.length + 16);
    if (INSTITUTION_BEFORE.test(before) || INSTITUTION_AFTER.test(after)) continue;
    const quebecCity = key === 'quebec' && (/(?<![a-z])a\s+$/.test(before) || /^\s+city/.test(after));
    found.push({
      index: m.index,
      name: text.slice(m.index, m.index + key.length),
      province: PROVINCE_OF.get(key)!,
      city: quebecCity || !PROVINCE_LEVEL.has(key),
      located: LOCATIVE.test(before),
    });
  }
  lastNames = { text, names: found };
  return found;
}
let lastNames: { text: string; names: NameFound[] } = { text: '', names: [] };

/**
 * The place a text names for the event: the first name written as a location, else the first
 * name; from `from` on (the body after the title), else before it.
 */
export function placeIn(text: string, from = 0): EventPlace | undefined {
  const all = namesIn(text);
  return choosePlace(all.filter((n) => n.index >= from)) ?? choosePlace(all.filter((n) => n.index < from));
}

function choosePlace(names: NameFound[]): EventPlace | undefined {
  const chosen = names.find((n) => n.located && n.city) ?? names.find((n) => n.city) ?? names.find((n) => n.located) ?? names[0];
  if (!chosen) return undefined;
  return chosen.city ? { city: titleCase(chosen.name), province: chosen.province } : { province: chosen.province };
}

/** True when the text names a place as the event's location ("in Edmonton", "Lieu : Moncton"). */
export function namesLocatedPlace(text: string): boolean {
  return namesIn(text).some((n) => n.located);
}

/** A name as the text wrote it, capitalised when the text had it all in lower case. */
function titleCase(name: string): string {
  return name === name.toLowerCase() ? name.replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase()) : name;
}

const ONLINE_STRONG =
  /(?<![a-z])(?:online event|evenement en ligne|virtual|virtuel(?:le)?|zoom|microsoft teams|via teams|on teams|sur teams|webex|google meet|livestream|held online|takes place online|meets online|en ligne \(|online \(|\(online\)|\(en ligne\)|(?:location|where|lieu|ou)\s*:\s*(?:online|en ligne))(?![a-z])/;
const ONLINE_WEAK = /(?<![a-z])(?:online|en ligne|webinars?|webinaires?)(?![a-z])/;
const ONLINE_IN_TITLE = /(?<![a-z])(?:webinars?|webinaires?|online|en ligne|virtual|virtuel(?:le)?)(?![a-z])/;
const HYBRID = /(?<![a-z])(?:hybrid|hybride|and online|or online|et en ligne|ou en ligne)(?![a-z])/;
/** "online" that is about something else than where the event happens. */
const ONLINE_OTHER = /(?:register|registration|apply|available|posted|inscri\w*|inscription|sondage|survey|portal|portail|offerts?|publiee?s?)\s+(?:\w+\s+)?(?:online|en ligne)|(?:online|en ligne)\s+(?:survey|portal|form|sondage|portail|formulaire)/g;

export interface Attendance {
  online: boolean;
  /** Both online and in a place. */
  hybrid: boolean;
}

/** Whether the event happens online, from the title and the text (`locatedPlace`: the text names where it is). */
export function attendanceOf(title: string, text: string, locatedPlace: boolean): Attendance {
  const body = foldForDates(text).replace(ONLINE_OTHER, ' ');
  const hybrid = HYBRID.test(body);
  const strong = ONLINE_STRONG.test(body) || ONLINE_IN_TITLE.test(foldForDates(title));
  const weak = ONLINE_WEAK.test(body);
  return { online: hybrid || strong || (weak && !locatedPlace), hybrid };
}

/** Whether a structured location string says online ("Online (Zoom)", "En ligne", a meeting URL). */
export function isOnlineLocation(location: string): boolean {
  return /^(?:online|en ligne|virtual|virtuel|zoom|teams|webinar|webinaire)\b|zoom\.us|teams\.microsoft/i.test(foldForDates(location).trim());
}

const REGISTER_TEXT = /regist|inscri|rsvp|sign ?up|save my spot|reserve|book (?:now|your)|get tickets|\bbillets?\b|\btickets?\b|je m'inscris|formulaire|\bform\b|confirmation/i;
const REGISTER_HOST = /(?:^https?:\/\/(?:[\w-]+\.)*eventbrite\.[a-z.]+\/|zoom\.us\/(?:webinar|meeting)\/register|forms\.gle\/|docs\.google\.com\/forms|forms\.office\.com|surveymonkey\.|cvent\.|jotform\.|\/register\b|\/inscription\b|\?register\b)/i;
const ANCHOR = /<a\s[^>]*?href="(https?:[^"]+)"[^>]*>([\s\S]*?)<\/a>/gi;

/** The registration link among the (sanitized, resolved) body's links: by its words, else by where it goes. */
export function registrationLink(html: string): string | undefined {
  let byHost: string | undefined;
  for (const m of html.matchAll(ANCHOR)) {
    const href = m[1].replace(/&amp;/g, '&');
    const words = m[2].replace(/<[^>]*>/g, '');
    if (/view this email|voir ce courriel|unsubscribe|desabonner/i.test(words)) continue;
    if (REGISTER_TEXT.test(foldForDates(words))) return href;
    if (!byHost && REGISTER_HOST.test(href)) byHost = href;
  }
  return byHost;
}
