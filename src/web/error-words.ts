// What a stored error or warning says, in English and French, made from its code and its facts
// (never from the English detail a stage writes beside them). Error words read only the facts
// anyone may see (an HTTP status, a time limit, a size, a media type): a resolved address or a
// looked-up host name is a fact for operators, who find it in the detail on the admin pages, and
// never reaches the public views.
import type { CharsetOrigin, Language, ProblemParams, SourceErrorCode, Warning, WarningCode } from '../core/types.ts';
import { DUPLICATE_GUID, MALFORMED, NO_CONTENT } from '../parse/coerce-item.ts';
import { PAGE_DROP_REASONS, PAGE_PROBLEM_WORDS, PAGE_WARNING_WORDS } from './page-problem-words.ts';
import { publicFacts, type PublicFacts } from './public-facts.ts';

type ErrorWords = Record<SourceErrorCode, (f: PublicFacts) => string> & { unknown: string };

/** What an HTTP status that ended a fetch means for the source. */
type HttpMeaning = 'moved' | 'removed' | 'refused' | 'slow-down' | 'server' | 'redirect' | 'other';

function httpMeaning(status: number | undefined): HttpMeaning {
  if (status === 404) return 'moved';
  if (status === 410) return 'removed';
  if (status === 401 || status === 403) return 'refused';
  if (status === 429) return 'slow-down';
  if (status !== undefined && status >= 500 && status < 600) return 'server';
  if (status !== undefined && status >= 300 && status < 400) return 'redirect';
  return 'other';
}

const HTTP_WORDS: Record<Language, Record<HttpMeaning, (status: number | undefined) => string>> = {
  en: {
    moved: () => 'The feed is no longer at this address (404). The site may have moved it.',
    removed: () => 'The publisher removed the feed (410 Gone), so fetching stopped.',
    refused: () => 'The site refuses to give the feed to the hub (access denied).',
    'slow-down': () => 'The site asked the hub to slow down; the next fetch waits as long as it asked.',
    server: () => 'The site had a server error. This is often temporary; the hub tries again later, less often.',
    redirect: () => 'The address redirects in a way the hub cannot follow.',
    other: (status) => `The site answered with an error${status ? ` (HTTP ${status})` : ''}.`,
  },
  fr: {
    moved: () => 'Le fil n’est plus à cette adresse (404). Le site l’a peut-être déplacé.',
    removed: () => 'L’éditeur a retiré le fil (410 Gone)\u00a0; la lecture s’est arrêtée.',
    refused: () => 'Le site refuse de donner le fil au carrefour (accès refusé).',
    'slow-down': () => 'Le site a demandé au carrefour de ralentir\u00a0; la prochaine lecture attend le délai demandé.',
    server: () => 'Le site a eu une erreur de serveur. C’est souvent passager\u00a0; le carrefour réessaie plus tard, moins souvent.',
    redirect: () => 'L’adresse redirige d’une façon que le carrefour ne peut pas suivre.',
    other: (status) => `Le site a répondu par une erreur${status ? ` (HTTP ${status})` : ''}.`,
  },
};

const isHtml = (f: PublicFacts) => /^(text\/html|application\/xhtml\+xml)$/i.test(f.contentType ?? '');
const mebibytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const en: ErrorWords = {
  blocked: () => 'The address, or where it redirects, is not public: the hub does not fetch private or internal addresses.',
  'bad-url': (f) =>
    f.viaRedirect ? 'The address redirects in a way the hub cannot follow.' : 'The address is not one the hub can fetch: only http and https addresses are read.',
  dns: () => 'The site’s name could not be found. The address may be mistyped, or the domain may have lapsed.',
  connect: () => 'The connection to the site failed.',
  network: () => 'The connection to the site failed.',
  tls: () => 'The secure connection failed, usually because of the site’s certificate.',
  timeout: (f) => `The site took too long to answer${f.seconds ? ` (more than ${f.seconds} s)` : ''}.`,
  'too-large': (f) => `The feed is larger than the hub accepts${f.limitBytes ? ` (${mebibytes(f.limitBytes)} MiB)` : ''}.`,
  'too-many-redirects': () => 'The address redirects in a way the hub cannot follow.',
  http: (f) => HTTP_WORDS.en[httpMeaning(f.status)](f.status),
  empty: () => 'The site sent an empty answer.',
  'bad-encoding': () => 'The feed arrived compressed in a form the hub cannot read, or damaged.',
  charset: () => 'The feed’s bytes could not be decoded into text.',
  'not-a-feed': (f) => (isHtml(f) ? 'The address answers with a web page, not a feed. The site may have moved its feed.' : 'What the address sends is not a feed.'),
  'bot-protection': () => 'A bot-protection service stops the hub from reading the feed. Ask the publisher to let feed readers through.',
  aborted: () => 'The fetch was interrupted because the hub was stopping; it will be tried again.',
  retired: () => 'It was removed from feeds.yaml, so it is paused.',
  ...PAGE_PROBLEM_WORDS.en,
  unknown: 'The last fetch failed.',
};

const fr: ErrorWords = {
  blocked: () => 'L’adresse, ou celle vers laquelle elle redirige, n’est pas publique\u00a0: le carrefour ne lit pas les adresses privées ou internes.',
  'bad-url': (f) =>
    f.viaRedirect
      ? 'L’adresse redirige d’une façon que le carrefour ne peut pas suivre.'
      : 'Le carrefour ne peut pas lire cette adresse\u00a0: seules les adresses http et https sont lues.',
  dns: () => 'Le nom du site est introuvable. L’adresse est peut-être mal écrite, ou le domaine a expiré.',
  connect: () => 'La connexion au site a échoué.',
  network: () => 'La connexion au site a échoué.',
  tls: () => 'La connexion sécurisée a échoué, d’ordinaire à cause du certificat du site.',
  timeout: (f) => `Le site a mis trop de temps à répondre${f.seconds ? ` (plus de ${f.seconds}\u00a0s)` : ''}.`,
  'too-large': (f) => `Le fil dépasse la taille que le carrefour accepte${f.limitBytes ? ` (${String(mebibytes(f.limitBytes)).replace('.', ',')}\u00a0Mio)` : ''}.`,
  'too-many-redirects': () => 'L’adresse redirige d’une façon que le carrefour ne peut pas suivre.',
  http: (f) => HTTP_WORDS.fr[httpMeaning(f.status)](f.status),
  empty: () => 'Le site a envoyé une réponse vide.',
  'bad-encoding': () => 'Le fil est arrivé compressé sous une forme que le carrefour ne sait pas lire, ou abîmé.',
  charset: () => 'Les octets du fil n’ont pas pu être décodés en texte.',
  'not-a-feed': (f) =>
    isHtml(f) ? 'L’adresse répond par une page web, pas par un fil. Le site a peut-être déplacé son fil.' : 'Ce que l’adresse envoie n’est pas un fil.',
  'bot-protection': () => 'Un service anti-robots empêche le carrefour de lire le fil. Demandez à l’éditeur de laisser passer les lecteurs de fils.',
  aborted: () => 'La lecture a été interrompue parce que le carrefour s’arrêtait\u00a0; elle sera reprise.',
  retired: () => 'Elle a été retirée de feeds.yaml\u00a0; elle est donc en pause.',
  ...PAGE_PROBLEM_WORDS.fr,
  unknown: 'La dernière lecture a échoué.',
};

const ERROR_WORDS: Record<Language, ErrorWords> = { en, fr };

/**
 * A stored error in plain words, in the page's language. Only the public facts are read, so the
 * words are the same for a visitor and an operator; operators also get the detail.
 */
export function errorWords(code: SourceErrorCode | null | undefined, params: ProblemParams | null | undefined, ui: Language): string {
  const words = ERROR_WORDS[ui];
  return code && code in words ? words[code](publicFacts(params)) : words.unknown;
}

/** A warning as words: the sentence, and words another stage wrote in English (shown as they are). */
export interface WarningText {
  text: string;
  /** English words quoted as written (a parser note, an old warning); mark them lang="en". */
  english?: string;
}

type WarningWords = Record<WarningCode, (p: ProblemParams) => WarningText | string>;

const ORIGIN: Record<Language, Record<CharsetOrigin, string>> = {
  en: { bom: 'byte order mark', 'content-type': 'Content-Type', 'xml-declaration': 'XML declaration', 'byte-pattern': 'byte pattern', json: 'JSON', default: 'default' },
  fr: {
    bom: 'marque d’ordre des octets', 'content-type': 'Content-Type', 'xml-declaration': 'déclaration XML', 'byte-pattern': 'disposition des octets',
    json: 'JSON', default: 'défaut',
  },
};

const DROP_REASONS: Record<string, Record<Language, string>> = {
  [NO_CONTENT]: { en: 'no title, link or content', fr: 'ni titre, ni lien, ni contenu' },
  [MALFORMED]: { en: 'malformed', fr: 'mal formés' },
  [DUPLICATE_GUID]: { en: 'duplicate GUID', fr: 'GUID en double' },
  ...PAGE_DROP_REASONS,
};

const plural = (n: number | undefined, one: string, many: string) => (n === 1 ? one : many);

const warningsEn: WarningWords = {
  'etag-not-sent': () => 'The stored ETag has characters HTTP does not allow, so it was not sent.',
  'last-modified-not-sent': () => 'The stored Last-Modified date has characters HTTP does not allow, so it was not sent.',
  'https-downgrade': (p) => `The https address redirects to http${p.target ? ` (${p.target})` : ''}; followed for this fetch only.`,
  'gzip-mislabelled': () => 'The server says the body is gzip-compressed, but it is not; it was read as it is.',
  'gzip-unlabelled': () => 'The body is gzip-compressed without saying so; it was decompressed.',
  'charset-bom-wins': (p) => `The Content-Type says ${p.label} but the byte order mark says ${p.encoding}; ${p.encoding} was used.`,
  'charset-unknown': (p) => `Unknown character set “${p.label}” in the ${ORIGIN.en[p.origin ?? 'default']}; ignored.`,
  'charset-not-utf16': (p) => `The ${ORIGIN.en[p.origin ?? 'default']} says ${p.label}, but the bytes are not UTF-16 or UTF-32; ignored.`,
  'charset-byte-layout': (p) => `The ${ORIGIN.en[p.origin ?? 'default']} says ${p.label}, but the bytes are laid out as ${p.encoding}; ${p.encoding} was used.`,
  'charset-actually-utf8': (p) => `The ${ORIGIN.en[p.origin ?? 'default']} says ${p.label}, but the bytes are valid UTF-8; read as UTF-8.`,
  'charset-bytes-replaced': (p) => `${p.count} byte ${plural(p.count, 'sequence is', 'sequences are')} not valid ${p.encoding} and ${plural(p.count, 'was', 'were')} replaced.`,
  'charset-fallback': (p) => `${utf8ClaimEn(p.origin)}, but the bytes are not; the ${ORIGIN.en[p.fallbackOrigin ?? 'default']} (${p.encoding}) was used.`,
  'charset-windows-1252': (p) => `${utf8ClaimEn(p.origin)}, but ${p.partial ? 'some bytes are not; those were' : 'the bytes are not; they were'} read as windows-1252.`,
  'charset-c1-repaired': (p) => `${p.count} C1 control ${plural(p.count, 'character', 'characters')} read as windows-1252 punctuation.`,
  'charset-double-utf8': (p) => `${p.count} ${plural(p.count, 'character was', 'characters were')} encoded as UTF-8 twice (“Ã©” for “é”) and ${plural(p.count, 'was', 'were')} repaired.`,
  'charset-double-utf8-ambiguous': () => 'The text looks encoded as UTF-8 twice (“Ã©” for “é”), but the repair would be ambiguous, so it was left as it is.',
  'parse-note': (p) => ({ text: 'While reading the feed: ', english: p.detail }),
  'items-dropped': (p) => `${p.count} ${plural(p.count, 'item', 'items')} dropped: ${dropReason(p.reason, 'en')}.`,
  'content-cut': (p) => `An item’s content was cut at ${p.count} characters.`,
  'unusable-date': (p) => `Unusable date “${p.value}”: the time the item was first seen is used.`,
  'event-date-impossible': (p) => `An event date that cannot exist (“${p.value}”): the item is kept without its event dates.`,
  'event-end-before-start': (p) => `An event that ends before it starts (“${p.value}”): the item is kept without its event dates.`,
  'event-date-far': (p) => `An event date years away (“${p.value}”): the item is kept without its event dates.`,
  'event-zone-unknown': (p) => `An event time in a time zone the hub does not know (“${p.value}”): the item is kept without its event dates.`,
  'selector-unmatched': (p) => PAGE_WARNING_WORDS.en['selector-unmatched'](publicFacts(p)),
  'guid-churn': (p) => `GUIDs changed for ${p.count} ${plural(p.count, 'item', 'items')} (churn): matched to stored items by link and title.`,
  note: (p) => ({ text: '', english: p.detail }),
};

const utf8ClaimEn = (origin: CharsetOrigin | undefined) =>
  origin === 'default' || origin === 'json' || !origin ? 'UTF-8 was assumed' : `The ${ORIGIN.en[origin]} says UTF-8`;
const utf8ClaimFr = (origin: CharsetOrigin | undefined) =>
  origin === 'default' || origin === 'json' || !origin ? 'UTF-8 a été supposé' : `La source «\u00a0${ORIGIN.fr[origin]}\u00a0» annonce UTF-8`;

const warningsFr: WarningWords = {
  'etag-not-sent': () => 'L’ETag enregistré contient des caractères que HTTP n’admet pas\u00a0; il n’a pas été envoyé.',
  'last-modified-not-sent': () => 'La date Last-Modified enregistrée contient des caractères que HTTP n’admet pas\u00a0; elle n’a pas été envoyée.',
  'https-downgrade': (p) => `L’adresse https redirige vers http${p.target ? ` (${p.target})` : ''}\u00a0; suivie pour cette lecture seulement.`,
  'gzip-mislabelled': () => 'Le serveur annonce un contenu compressé en gzip, mais il ne l’est pas\u00a0; il a été lu tel quel.',
  'gzip-unlabelled': () => 'Le contenu est compressé en gzip sans l’annoncer\u00a0; il a été décompressé.',
  'charset-bom-wins': (p) => `Le Content-Type annonce ${p.label}, mais la marque d’ordre des octets indique ${p.encoding}\u00a0; ${p.encoding} a été utilisé.`,
  'charset-unknown': (p) => `Jeu de caractères inconnu «\u00a0${p.label}\u00a0» dans la source «\u00a0${ORIGIN.fr[p.origin ?? 'default']}\u00a0»\u00a0; ignoré.`,
  'charset-not-utf16': (p) => `La source «\u00a0${ORIGIN.fr[p.origin ?? 'default']}\u00a0» annonce ${p.label}, mais les octets ne sont pas en UTF-16 ni en UTF-32\u00a0; ignoré.`,
  'charset-byte-layout': (p) =>
    `La source «\u00a0${ORIGIN.fr[p.origin ?? 'default']}\u00a0» annonce ${p.label}, mais les octets sont disposés en ${p.encoding}\u00a0; ${p.encoding} a été utilisé.`,
  'charset-actually-utf8': (p) => `La source «\u00a0${ORIGIN.fr[p.origin ?? 'default']}\u00a0» annonce ${p.label}, mais les octets sont de l’UTF-8 valide\u00a0; lus en UTF-8.`,
  'charset-bytes-replaced': (p) =>
    `${p.count} ${plural(p.count, 'suite d’octets n’est pas valide', 'suites d’octets ne sont pas valides')} en ${p.encoding} et ${plural(p.count, 'a été remplacée', 'ont été remplacées')}.`,
  'charset-fallback': (p) => `${utf8ClaimFr(p.origin)}, mais les octets ne le sont pas\u00a0; la source «\u00a0${ORIGIN.fr[p.fallbackOrigin ?? 'default']}\u00a0» (${p.encoding}) a été utilisée.`,
  'charset-windows-1252': (p) => `${utf8ClaimFr(p.origin)}, mais ${p.partial ? 'certains octets ne le sont pas\u00a0; ceux-là ont été lus' : 'les octets ne le sont pas\u00a0; ils ont été lus'} en windows-1252.`,
  'charset-c1-repaired': (p) => `${p.count} ${plural(p.count, 'caractère de contrôle C1 lu', 'caractères de contrôle C1 lus')} comme ponctuation windows-1252.`,
  'charset-double-utf8': (p) =>
    `${p.count} ${plural(p.count, 'caractère était encodé', 'caractères étaient encodés')} deux fois en UTF-8 («\u00a0Ã©\u00a0» pour «\u00a0é\u00a0») et ${plural(p.count, 'a été réparé', 'ont été réparés')}.`,
  'charset-double-utf8-ambiguous': () =>
    'Le texte semble encodé deux fois en UTF-8 («\u00a0Ã©\u00a0» pour «\u00a0é\u00a0»), mais la réparation serait ambiguë\u00a0; il a été laissé tel quel.',
  'parse-note': (p) => ({ text: 'À la lecture du fil\u00a0: ', english: p.detail }),
  'items-dropped': (p) => `${p.count} ${plural(p.count, 'contenu écarté', 'contenus écartés')}\u00a0: ${dropReason(p.reason, 'fr')}.`,
  'content-cut': (p) => `Le texte d’un contenu a été coupé à ${p.count}\u00a0caractères.`,
  'unusable-date': (p) => `Date inutilisable «\u00a0${p.value}\u00a0»\u00a0: l’heure où le contenu a été vu la première fois est utilisée.`,
  'event-date-impossible': (p) => `Une date d’événement qui ne peut pas exister («\u00a0${p.value}\u00a0»)\u00a0: le contenu est gardé sans ses dates d’événement.`,
  'event-end-before-start': (p) => `Un événement qui finit avant de commencer («\u00a0${p.value}\u00a0»)\u00a0: le contenu est gardé sans ses dates d’événement.`,
  'event-date-far': (p) => `Une date d’événement dans des années («\u00a0${p.value}\u00a0»)\u00a0: le contenu est gardé sans ses dates d’événement.`,
  'event-zone-unknown': (p) => `Une heure d’événement dans un fuseau horaire inconnu du carrefour («\u00a0${p.value}\u00a0»)\u00a0: le contenu est gardé sans ses dates d’événement.`,
  'selector-unmatched': (p) => PAGE_WARNING_WORDS.fr['selector-unmatched'](publicFacts(p)),
  'guid-churn': (p) =>
    `Les GUID de ${p.count} ${plural(p.count, 'contenu ont', 'contenus ont')} changé\u00a0: ${plural(p.count, 'il a été reconnu', 'ils ont été reconnus')} par leur lien et leur titre.`,
  note: (p) => ({ text: '', english: p.detail }),
};

const WARNING_WORDS: Record<Language, WarningWords> = { en: warningsEn, fr: warningsFr };

/** Why items were dropped, in words; a reason we do not know is shown as the parser wrote it. */
function dropReason(reason: string | undefined, ui: Language): string {
  return (reason && DROP_REASONS[reason]?.[ui]) ?? reason ?? '?';
}

/** A stored warning in words, in the page's language, with how often it came. */
export function warningWords(warning: Warning, ui: Language): WarningText {
  const said = WARNING_WORDS[ui][warning.code]?.(warning.params ?? {}) ?? { text: '', english: warning.code };
  const text = typeof said === 'string' ? { text: said } : said;
  if (!warning.repeated || warning.repeated < 2) return text;
  const times = ` (×${warning.repeated})`;
  return text.english === undefined ? { text: text.text + times } : { ...text, english: text.english + times };
}

/** The same as one line of text (the JSON views). */
export function warningLine(warning: Warning, ui: Language): string {
  const { text, english } = warningWords(warning, ui);
  return text + (english ?? '');
}

/** A warning as anyone may see it: without the addresses and names only operators see. */
export function publicWarning(warning: Warning): Warning {
  if (!warning.params) return warning;
  const { address: _address, host: _host, target: _target, ...rest } = warning.params;
  return { ...warning, params: rest };
}
