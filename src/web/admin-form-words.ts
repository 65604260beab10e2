// The words of the admin pages' forms, in English and French: editing a source, importing an OPML
// file, and what is wrong with a field. The checks themselves (sources/source-input.ts, the OPML
// import) give codes and values, never sentences for the page: they are worded here, so every
// message an operator reads is in the page's language. French is typed as `AdminFormWords`.
import { isOneOf, PROVINCES, REGIONS, type Language } from '../core/types.ts';
import { PROVINCE_LABELS, REGION_LABELS } from '../core/words.ts';
import type { LanguageOrigin } from '../pipeline/import-opml.ts';
import type { FieldProblem } from '../sources/source-input.ts';
import { PAGE_PROBLEM_WORDS } from './page-problem-words.ts';

const en = {
  edit: 'Edit…',
  editTitle: (title: string) => `Edit “${title}”`,
  editIntro: 'Change what the hub says of this source. A new feed address is fetched and checked like a new source before it is kept; the old one is kept as an alias.',
  editButton: 'Save the changes',
  editProblemHeading: 'The changes were not saved',
  doneEdited: 'Changes saved.',
  fileManagedEdit: (slug: string) =>
    `This source is declared in feeds.yaml (the file FEEDS_FILE names), which the hub reads again at every start: change it there, in the entry whose slug is “${slug}”, then restart the hub. Pausing, resuming and refreshing work here.`,
  regionHint: 'Required unless you choose a province or territory: the province sets its region.',
  intervalLabel: 'Fetch interval, in minutes',
  intervalHint: 'Leave it empty to let the hub follow how often the feed posts.',
  siteUrlHint: 'The organization’s website, linked from the directory.',
  feedUrlHint: 'A new address is fetched and checked before it is kept.',
  languagesEditHint: 'At least one.',
  beingFetched: 'This source is being fetched right now. Try again in a moment.',

  navImport: 'Import OPML',
  importTitle: 'Import sources from an OPML file',
  importIntro:
    'An OPML file is the list of subscriptions feed readers export. Every feed in it becomes a source, all at once or not at all: a file with one wrong outline imports nothing. Folders named like a topic give their feeds that topic; each outline’s category gives its region or province; its language, or else its feed’s, gives its languages.',
  fileLabel: 'OPML file',
  fileHint: (size: string, outlines: string) => `At most ${size} and ${outlines} outlines.`,
  importRegion: 'Region of every source',
  importRegionEach: 'Each outline’s own (its category), else national',
  importLanguages: 'Languages of every source',
  importLanguagesHint: 'Leave both unticked to take each outline’s language, else the one its feed declares.',
  dryRun: 'Only check the file and show what it would add (dry run)',
  importButton: 'Read the file',
  reportHeading: 'What the file holds',
  reportDry: (n: number, skipped: number) => `Dry run: ${n} source${n === 1 ? '' : 's'} to import, ${skipped} skipped. Nothing was imported.`,
  reportDone: (n: number, skipped: number) => `${n} source${n === 1 ? '' : 's'} imported, ${skipped} skipped.`,
  reportAgain: 'To import them, choose the file again and untick the dry run.',
  importedCaption: (n: number) => `The ${n} source${n === 1 ? '' : 's'} of the file`,
  colPlace: 'Region and province',
  languagesFrom: {
    option: 'chosen here',
    outline: 'from the outline',
    feed: 'declared by the feed',
    assumed: 'not said: both assumed, check them',
  } as Record<LanguageOrigin, string>,
  skippedHeading: 'Skipped',
  skippedRegistered: (slug: string) => `already registered as “${slug}”`,
  skippedTwice: (slug: string) => `listed twice in the file (imported as “${slug}”)`,
  unmatchedFolders: (names: string) => `Folders that name no topic (their feeds get no topic from them): ${names}.`,
  importRefusedHeading: 'Nothing was imported',
  importRefused: (n: number) => `The file has ${n} problem${n === 1 ? '' : 's'}. Nothing is imported until every outline is right.`,
  outline: (n: number, title: string) => `Outline ${n}${title ? ` (“${title}”)` : ''}`,
  notOpml: 'This file could not be read as an OPML subscription list.',
  blockedFeed: (host: string) => `The feed’s address is not public (${host}): the hub does not fetch such addresses.`,
  noFile: 'Choose a file.',
  fileTooLarge: (size: string) => `The file is larger than the hub accepts (at most ${size}).`,

  required: 'Required.',
  notAUrl: 'An address starting with http:// or https:// is needed here.',
  tooLong: (max: number) => `At most ${max} characters.`,
  tooFew: (min: number) => `Choose at least ${min}.`,
  tooMany: (max: number) => `At most ${max}.`,
  tooSmall: (min: number) => `At least ${min}.`,
  tooLarge: (max: number) => `At most ${max}.`,
  notAWholeNumber: 'A whole number is needed here.',
  notOneOf: 'Choose one of the values offered.',
  badSlug: 'Lowercase letters, digits and single hyphens only, such as “harbourview-news”.',
  unknownField: 'Not a field of a source.',
  provinceNotInRegion: (province: string, region: string) =>
    `${province} is not in the region “${region}”. Choose its region, or leave the region empty: the province sets it.`,
  unknownTopic: (topic: string) => `“${topic}” is not a topic of this hub.`,
  languagesUndeclared: 'The feed does not say whether it is in English or French: tick its languages.',
  slugFixed: 'A source’s slug cannot change: its feed addresses use it.',
  invalid: 'This value cannot be used.',
  selectorsRequired: 'A web page read as a source needs at least the selector for its items.',
  selectorsPageOnly: 'Only a web page read as a source has selectors.',
};

export type AdminFormWords = typeof en;

const fr: AdminFormWords = {
  edit: 'Modifier…',
  editTitle: (title) => `Modifier «\u00a0${title}\u00a0»`,
  editIntro:
    'Changez ce que le carrefour dit de cette source. Une nouvelle adresse de fil est lue et vérifiée comme une nouvelle source avant d’être gardée\u00a0; l’ancienne est gardée comme alias.',
  editButton: 'Enregistrer les modifications',
  editProblemHeading: 'Les modifications n’ont pas été enregistrées',
  doneEdited: 'Modifications enregistrées.',
  fileManagedEdit: (slug) =>
    `Cette source est inscrite dans feeds.yaml (le fichier que nomme FEEDS_FILE), que le carrefour relit à chaque démarrage\u00a0: modifiez-la là, dans l’entrée dont l’identifiant (slug) est «\u00a0${slug}\u00a0», puis redémarrez le carrefour. La pause, la reprise et la lecture immédiate se font ici.`,
  regionHint: 'Obligatoire, sauf si vous choisissez une province ou un territoire\u00a0: la province fixe sa région.',
  intervalLabel: 'Intervalle de lecture, en minutes',
  intervalHint: 'Laissez-le vide pour que le carrefour suive le rythme de publication du fil.',
  siteUrlHint: 'Le site web de l’organisation, lié depuis le répertoire.',
  feedUrlHint: 'Une nouvelle adresse est lue et vérifiée avant d’être gardée.',
  languagesEditHint: 'Au moins une.',
  beingFetched: 'Cette source est en cours de lecture. Réessayez dans un instant.',

  navImport: 'Importer un OPML',
  importTitle: 'Importer des sources d’un fichier OPML',
  importIntro:
    'Un fichier OPML est la liste d’abonnements qu’exportent les lecteurs de fils. Chaque fil qu’il contient devient une source, tous d’un coup ou aucun\u00a0: un fichier dont une entrée est fautive n’importe rien. Les dossiers nommés comme un thème donnent ce thème à leurs fils\u00a0; la catégorie de chaque entrée donne sa région ou sa province\u00a0; sa langue, sinon celle de son fil, donne ses langues.',
  fileLabel: 'Fichier OPML',
  fileHint: (size, outlines) => `Au plus ${size} et ${outlines}\u00a0entrées.`,
  importRegion: 'Région de toutes les sources',
  importRegionEach: 'Celle de chaque entrée (sa catégorie), sinon nationale',
  importLanguages: 'Langues de toutes les sources',
  importLanguagesHint: 'Ne cochez rien pour prendre la langue de chaque entrée, sinon celle que déclare son fil.',
  dryRun: 'Seulement vérifier le fichier et montrer ce qu’il ajouterait (essai)',
  importButton: 'Lire le fichier',
  reportHeading: 'Ce que contient le fichier',
  reportDry: (n, skipped) => `Essai\u00a0: ${n}\u00a0source${n > 1 ? 's' : ''} à importer, ${skipped} écartée${skipped > 1 ? 's' : ''}. Rien n’a été importé.`,
  reportDone: (n, skipped) => `${n}\u00a0source${n > 1 ? 's' : ''} importée${n > 1 ? 's' : ''}, ${skipped} écartée${skipped > 1 ? 's' : ''}.`,
  reportAgain: 'Pour les importer, choisissez de nouveau le fichier et décochez l’essai.',
  importedCaption: (n) => (n === 1 ? 'La source du fichier' : `Les ${n}\u00a0sources du fichier`),
  colPlace: 'Région et province',
  languagesFrom: {
    option: 'choisies ici',
    outline: 'tirées de l’entrée',
    feed: 'déclarées par le fil',
    assumed: 'non précisées\u00a0: les deux par défaut, à vérifier',
  },
  skippedHeading: 'Écartées',
  skippedRegistered: (slug) => `déjà inscrite sous «\u00a0${slug}\u00a0»`,
  skippedTwice: (slug) => `en double dans le fichier (importée sous «\u00a0${slug}\u00a0»)`,
  unmatchedFolders: (names) => `Dossiers qui ne nomment aucun thème (leurs fils n’en reçoivent pas)\u00a0: ${names}.`,
  importRefusedHeading: 'Rien n’a été importé',
  importRefused: (n) => `Le fichier a ${n}\u00a0problème${n > 1 ? 's' : ''}. Rien n’est importé tant que chaque entrée n’est pas juste.`,
  outline: (n, title) => `Entrée ${n}${title ? ` («\u00a0${title}\u00a0»)` : ''}`,
  notOpml: 'Ce fichier n’a pas pu être lu comme une liste d’abonnements OPML.',
  blockedFeed: (host) => `L’adresse du fil n’est pas publique (${host})\u00a0: le carrefour ne lit pas ce genre d’adresse.`,
  noFile: 'Choisissez un fichier.',
  fileTooLarge: (size) => `Le fichier dépasse la taille que le carrefour accepte (au plus ${size}).`,

  required: 'Obligatoire.',
  notAUrl: 'Il faut ici une adresse qui commence par http:// ou https://.',
  tooLong: (max) => `Au plus ${max}\u00a0caractères.`,
  tooFew: (min) => `Choisissez-en au moins ${min}.`,
  tooMany: (max) => `Au plus ${max}.`,
  tooSmall: (min) => `Au moins ${min}.`,
  tooLarge: (max) => `Au plus ${max}.`,
  notAWholeNumber: 'Il faut ici un nombre entier.',
  notOneOf: 'Choisissez une des valeurs proposées.',
  badSlug: 'Lettres minuscules, chiffres et traits d’union simples seulement, comme «\u00a0harbourview-news\u00a0».',
  unknownField: 'Ce n’est pas un champ d’une source.',
  provinceNotInRegion: (province, region) =>
    `${province} n’est pas dans la région «\u00a0${region}\u00a0». Choisissez sa région, ou laissez la région vide\u00a0: la province la fixe.`,
  unknownTopic: (topic) => `«\u00a0${topic}\u00a0» n’est pas un thème de ce carrefour.`,
  languagesUndeclared: 'Le fil ne dit pas s’il est en anglais ou en français\u00a0: cochez ses langues.',
  slugFixed: 'L’identifiant d’une source ne peut pas changer\u00a0: les adresses de ses fils s’en servent.',
  invalid: 'Cette valeur ne peut pas servir.',
  selectorsRequired: 'Une page web lue comme source demande au moins le sélecteur de ses contenus.',
  selectorsPageOnly: 'Seule une page web lue comme source a des sélecteurs.',
};

export const ADMIN_FORM_WORDS: Record<Language, AdminFormWords> = { en, fr };

/** A problem's words: in the page's language, or the check's own English when it has no code we know. */
export interface ProblemText {
  text: string;
  lang?: 'en';
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v) || 0);

/** What is wrong with a field, in the page's language. */
export function fieldProblemText(problem: FieldProblem, ui: Language): ProblemText {
  const w = ADMIN_FORM_WORDS[ui];
  const p = problem.params ?? {};
  switch (problem.code) {
    case 'required':
      return { text: w.required };
    case 'not-a-url':
      return { text: w.notAUrl };
    case 'too-long':
      return { text: w.tooLong(num(p.max)) };
    case 'too-few':
      return { text: w.tooFew(num(p.min)) };
    case 'too-many':
      return { text: w.tooMany(num(p.max)) };
    case 'too-small':
      return { text: w.tooSmall(num(p.min)) };
    case 'too-large':
      return { text: w.tooLarge(num(p.max)) };
    case 'not-a-whole-number':
      return { text: w.notAWholeNumber };
    case 'not-one-of':
      return { text: w.notOneOf };
    case 'bad-slug':
      return { text: w.badSlug };
    case 'unknown-field':
      return { text: w.unknownField };
    case 'province-not-in-region': {
      const [province, region] = [String(p.province), String(p.region)];
      const provinceText = isOneOf(PROVINCES, province) ? PROVINCE_LABELS[province][ui] : province;
      const regionText = isOneOf(REGIONS, region) ? REGION_LABELS[region][ui] : region;
      return { text: w.provinceNotInRegion(provinceText, regionText) };
    }
    case 'unknown-topic':
      return { text: w.unknownTopic(String(p.topic)) };
    case 'selector-invalid':
      return { text: PAGE_PROBLEM_WORDS[ui]['selector-invalid']({ field: String(p.field), selector: String(p.selector) }) };
    case 'selectors-required':
      return { text: w.selectorsRequired };
    case 'selectors-page-only':
      return { text: w.selectorsPageOnly };
    case 'invalid':
      if (typeof p.blocked === 'string') return { text: w.blockedFeed(p.blocked) };
      return { text: w.invalid };
  }
  // Problems written where a check needs no code of its own (pipeline/subscribe.ts).
  if (/^required: the feed does not say/.test(problem.message)) return { text: w.languagesUndeclared };
  if (/must be an absolute http\(s\) URL/.test(problem.message)) return { text: w.notAUrl };
  if (/^cannot be changed/.test(problem.message)) return { text: w.slugFixed };
  return { text: problem.message, lang: 'en' };
}
