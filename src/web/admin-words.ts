// Every string of the admin pages, in English and French (the reader's own words are in i18n.ts).
// French is typed as `AdminWords`, so a string added in one language only does not compile. Fetch
// errors and warnings are worded from their codes in error-words.ts.
import type { Language } from '../core/types.ts';

export type FetchOutcomeName = 'ok' | 'not-modified' | 'unchanged' | 'failed';

const en = {
  adminTitle: 'Sources and their health',
  adminNavLabel: 'Administration',
  navSources: 'Sources',
  navAdd: 'Add a source',
  signedInAs: (name: string) => `Signed in with the token “${name}”`,
  readOnlyBadge: 'read-only',
  signOut: 'Sign out',

  signInTitle: 'Sign in to administer the hub',
  signInIntro:
    'Paste an admin token: the ADMIN_TOKEN of this hub, or a token made with “passerelle tokens create”. Your browser keeps it in a cookie sent only to these admin pages, for 8 hours or until you sign out.',
  tokenLabel: 'Token',
  signInButton: 'Sign in',
  signInFailed: 'That token was not accepted.',
  tooManyAttempts: (minutes: number) => `Too many failed attempts from this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  sessionEnded: 'Your session has ended: its token is no longer accepted. Sign in again.',
  signedOut: 'You are signed out.',

  summaryFailing: (failing: number, total: number) => `${failing} of ${total} source${total === 1 ? '' : 's'} failing`,
  summaryAllWell: (total: number) => (total === 0 ? 'No source yet' : `All ${total} source${total === 1 ? '' : 's'} working`),
  summaryNoneFailing: 'No source failing',
  countWorking: (n: number) => `${n} working`,
  countNever: (n: number) => `${n} not read yet`,
  countPaused: (n: number) => `${n} paused`,
  countGone: (n: number) => `${n} gone`,
  tableCaption: 'Every source, failing ones first',
  tableScroll: 'Table of sources (scrolls sideways)',
  colStatus: 'Status',
  colSourceAndOrg: 'Source and organization',
  colRegion: 'Region',
  colLastFetch: 'Last fetch',
  colHttp: 'HTTP',
  colLastError: 'Last error',
  colItems: 'Items',
  colNextFetch: 'Next fetch',
  colRecent: 'Recent fetches',
  noSources: 'No source yet. Add one here, or list them in feeds.yaml.',

  statusActive: 'Active',
  statusPaused: 'Paused',
  statusGone: 'Gone',
  healthWorking: 'working',
  healthFailing: 'failing',
  healthNever: 'not read yet',
  never: 'never',
  dueNow: 'due now',
  notScheduledPaused: 'none while paused',
  notScheduledGone: 'none: the feed is gone (resume to try again)',
  fetchesSummary: (n: number, parts: string[]) => `Last ${n} fetch${n === 1 ? '' : 'es'}: ${parts.join(', ')}`,
  noFetches: 'No fetch yet',
  sparkLegend:
    'Recent fetches, oldest on the left: a bar above the line is a fetch that worked (green: new content; grey: nothing new), taller when it was slower; a red bar below the line is a failure.',
  outcomeCount: (outcome: FetchOutcomeName, n: number) =>
    ({ ok: `${n} ok`, 'not-modified': `${n} not modified`, unchanged: `${n} unchanged`, failed: `${n} failed` })[outcome],
  outcome: { ok: 'OK', 'not-modified': 'Not modified (304)', unchanged: 'Unchanged', failed: 'Failed' } as Record<FetchOutcomeName, string>,

  sourceFields: 'Details',
  fieldTitle: 'Title',
  fieldSlug: 'Slug',
  fieldFeedUrl: 'Feed address',
  fieldSiteUrl: 'Website',
  fieldOrganization: 'Organization',
  fieldRegion: 'Region',
  fieldProvince: 'Province or territory',
  fieldLanguages: 'Languages',
  fieldTopics: 'Default topics',
  fieldOrigin: 'Registered',
  originFile: 'in feeds.yaml',
  originApi: 'here, through the admin pages, the API or the command line',
  fieldAliases: 'Earlier addresses (aliases)',
  fieldFeedTitle: 'The feed’s own title',
  fieldInterval: 'Fetch interval',
  intervalFixed: (minutes: number) => `every ${formatMinutes(minutes, 'en')} (fixed)`,
  intervalAdaptive: (minutes: number) => `every ${formatMinutes(minutes, 'en')} (adapts to how often it posts)`,
  intervalUnknown: 'decided after the first fetch',
  none: 'none',
  health: 'Health',
  lastSuccess: 'Last success',
  consecutiveFailures: 'Failures in a row',
  warnings: 'Warnings from the last fetch',
  historyHeading: 'Fetch history',
  historyCaption: (n: number) => `The newest ${n} fetch${n === 1 ? '' : 'es'}, newest first`,
  colStarted: 'Started',
  colOutcome: 'Outcome',
  colDuration: 'Duration',
  colNew: 'New items',
  colUpdated: 'Updated items',
  colSize: 'Size',
  colError: 'Error',
  readerItems: 'Its items in the reader',
  actionsHeading: 'Actions',
  refresh: 'Refresh now',
  refreshHint: 'Fetches the feed at once, in this process, and records the outcome.',
  refreshNeedsActive: 'Resume it to refresh it.',
  pause: 'Pause',
  pauseHint: 'Stops fetching; its items stay published.',
  resume: 'Resume',
  resumeHint: 'Active again, and due now.',
  delete: 'Delete…',
  fileManaged:
    'Managed by feeds.yaml: edit or remove it in the file (the file wins at every start). Pause, resume and refresh work here.',
  readOnlyNote: 'This token is read-only: it can look at everything but change nothing.',
  backToSources: 'Back to all sources',

  doneAdded: 'Source added. The scheduler fetches it on its next tick; refresh it now to see it at once.',
  donePaused: 'Paused: it is no longer fetched, and its items stay published.',
  doneResumed: 'Resumed: it is due now.',
  doneRefreshed: (outcome: string, added: number, updated: number) => `Fetched now: ${outcome}; ${added} new item${added === 1 ? '' : 's'}, ${updated} updated.`,
  doneDeleted: (slug: string, n: number) => `Deleted “${slug}” with its ${n} item${n === 1 ? '' : 's'} and its fetch history.`,

  deleteTitle: (title: string) => `Delete “${title}”?`,
  deleteWarning: (n: number) =>
    `This deletes the source, its ${n} item${n === 1 ? '' : 's'} and its fetch history for good; output feeds stop showing them at once. To stop fetching and keep the items, pause it instead.`,
  deleteConfirm: 'Yes, delete this source and its items for good',
  deleteButton: 'Delete for good',
  deleteNeedsConfirm: 'Tick the box to confirm the deletion.',
  cancel: 'Cancel, back to the source',

  addTitle: 'Add a source',
  addIntro:
    'Give the address of a feed, or of a website that announces one: the hub finds the feed. Title, languages and slug come from the feed when left empty.',
  required: 'required',
  optional: 'optional',
  urlLabel: 'Feed or website address',
  urlHint: 'For example https://www.example.org/ or https://www.example.org/feed/',
  organizationHint: 'The organization that publishes the feed, as the directory should name it.',
  chooseRegion: 'Choose a region',
  noProvince: 'None: the whole region',
  languagesHint: 'Leave both unticked to take them from the feed.',
  topicsHint: 'Given to every item of this source, beside the topics found in each item.',
  titleHint: 'Taken from the feed when empty.',
  slugHint: 'Lowercase letters, digits and hyphens; used in the source’s feed addresses. Made from the title when empty.',
  addButton: 'Find the feed and add the source',
  candidatesLegend: (n: number) => `This address offers ${n} feeds: choose one`,
  candidatesHint: 'Then send the form again.',
  candidateUntitled: 'Untitled feed',
  problemHeading: 'The source was not added',
  duplicate: 'This feed is already registered as',
  slugTaken: 'This slug is already used by',
  blocked: 'This address is not public (a private network, this machine or an internal address): the hub does not fetch such addresses.',
  noFeed: 'No feed was found at this address.',
  noFeedOffered: 'This page announces no feed, and none was found at the usual places (/feed, /rss.xml, /atom.xml …).',
  cannotFetch: 'This address could not be fetched.',
  chosenUnusable: 'The chosen feed cannot be used.',
  technicalDetail: 'Technical detail',
  fieldProblem: 'Check this field',

  forbiddenTitle: 'Not allowed with this token',
  readOnlyText: 'This token is read-only: it can look at everything but change nothing. Sign in with another token to make changes.',
  csrfTitle: 'This form was refused',
  csrfText: 'It did not come from this hub’s own pages, or the page was too old. Go back, reload the page and send it again.',
  conflictTitle: 'This could not be done',
  sourceNotFound: 'There is no such source. It may have been deleted.',
};

export type AdminWords = typeof en;

const fr: AdminWords = {
  adminTitle: 'Sources et leur état',
  adminNavLabel: 'Administration',
  navSources: 'Sources',
  navAdd: 'Ajouter une source',
  signedInAs: (name) => `Connecté avec le jeton «\u00a0${name}\u00a0»`,
  readOnlyBadge: 'lecture seule',
  signOut: 'Se déconnecter',

  signInTitle: 'Se connecter pour administrer le carrefour',
  signInIntro:
    'Collez un jeton d’administration\u00a0: le ADMIN_TOKEN de ce carrefour, ou un jeton créé avec «\u00a0passerelle tokens create\u00a0». Votre navigateur le garde dans un témoin envoyé seulement à ces pages d’administration, pendant 8\u00a0heures ou jusqu’à la déconnexion.',
  tokenLabel: 'Jeton',
  signInButton: 'Se connecter',
  signInFailed: 'Ce jeton n’a pas été accepté.',
  tooManyAttempts: (minutes) => `Trop de tentatives échouées depuis cette adresse. Réessayez dans ${minutes}\u00a0minute${minutes > 1 ? 's' : ''}.`,
  sessionEnded: 'Votre session a pris fin\u00a0: son jeton n’est plus accepté. Reconnectez-vous.',
  signedOut: 'Vous êtes déconnecté.',

  summaryFailing: (failing, total) => `${failing} source${failing > 1 ? 's' : ''} sur ${total} en échec`,
  summaryAllWell: (total) => (total === 0 ? 'Aucune source pour l’instant' : total === 1 ? 'La source fonctionne' : `Les ${total} sources fonctionnent`),
  summaryNoneFailing: 'Aucune source en échec',
  countWorking: (n) => `${n} fonctionne${n > 1 ? 'nt' : ''}`,
  countNever: (n) => `${n} pas encore lue${n > 1 ? 's' : ''}`,
  countPaused: (n) => `${n} en pause`,
  countGone: (n) => `${n} disparue${n > 1 ? 's' : ''}`,
  tableCaption: 'Toutes les sources, celles en échec d’abord',
  tableScroll: 'Tableau des sources (défile horizontalement)',
  colStatus: 'État',
  colSourceAndOrg: 'Source et organisation',
  colRegion: 'Région',
  colLastFetch: 'Dernière lecture',
  colHttp: 'HTTP',
  colLastError: 'Dernière erreur',
  colItems: 'Contenus',
  colNextFetch: 'Prochaine lecture',
  colRecent: 'Lectures récentes',
  noSources: 'Aucune source pour l’instant. Ajoutez-en une ici, ou inscrivez-les dans feeds.yaml.',

  statusActive: 'Active',
  statusPaused: 'En pause',
  statusGone: 'Disparue',
  healthWorking: 'fonctionne',
  healthFailing: 'en échec',
  healthNever: 'pas encore lue',
  never: 'jamais',
  dueNow: 'dès maintenant',
  notScheduledPaused: 'aucune pendant la pause',
  notScheduledGone: 'aucune\u00a0: le fil a disparu (reprenez pour réessayer)',
  fetchesSummary: (n, parts) => (n === 1 ? `Dernière lecture\u00a0: ${parts.join(', ')}` : `Les ${n} dernières lectures\u00a0: ${parts.join(', ')}`),
  noFetches: 'Aucune lecture pour l’instant',
  sparkLegend:
    'Lectures récentes, la plus ancienne à gauche\u00a0: une barre au-dessus de la ligne est une lecture réussie (verte\u00a0: du nouveau\u00a0; grise\u00a0: rien de nouveau), plus haute quand elle a été lente\u00a0; une barre rouge sous la ligne est un échec.',
  outcomeCount: (outcome, n) =>
    ({
      ok: `${n} réussie${n > 1 ? 's' : ''}`,
      'not-modified': `${n} non modifiée${n > 1 ? 's' : ''}`,
      unchanged: `${n} inchangée${n > 1 ? 's' : ''}`,
      failed: `${n} en échec`,
    })[outcome],
  outcome: { ok: 'Réussie', 'not-modified': 'Non modifiée (304)', unchanged: 'Inchangée', failed: 'En échec' },

  sourceFields: 'Fiche',
  fieldTitle: 'Titre',
  fieldSlug: 'Identifiant',
  fieldFeedUrl: 'Adresse du fil',
  fieldSiteUrl: 'Site web',
  fieldOrganization: 'Organisation',
  fieldRegion: 'Région',
  fieldProvince: 'Province ou territoire',
  fieldLanguages: 'Langues',
  fieldTopics: 'Thèmes par défaut',
  fieldOrigin: 'Inscrite',
  originFile: 'dans feeds.yaml',
  originApi: 'ici, par les pages d’administration, l’API ou la ligne de commande',
  fieldAliases: 'Anciennes adresses (alias)',
  fieldFeedTitle: 'Titre donné par le fil',
  fieldInterval: 'Intervalle de lecture',
  intervalFixed: (minutes) => `toutes les ${formatMinutes(minutes, 'fr')} (fixe)`,
  intervalAdaptive: (minutes) => `toutes les ${formatMinutes(minutes, 'fr')} (s’adapte au rythme de publication)`,
  intervalUnknown: 'fixé après la première lecture',
  none: 'aucune',
  health: 'État',
  lastSuccess: 'Dernier succès',
  consecutiveFailures: 'Échecs consécutifs',
  warnings: 'Avertissements de la dernière lecture',
  historyHeading: 'Historique des lectures',
  historyCaption: (n) => (n === 1 ? 'La dernière lecture' : `Les ${n} dernières lectures, la plus récente d’abord`),
  colStarted: 'Début',
  colOutcome: 'Résultat',
  colDuration: 'Durée',
  colNew: 'Nouveaux contenus',
  colUpdated: 'Contenus mis à jour',
  colSize: 'Taille',
  colError: 'Erreur',
  readerItems: 'Ses contenus dans le lecteur',
  actionsHeading: 'Actions',
  refresh: 'Lire maintenant',
  refreshHint: 'Lit le fil tout de suite, dans ce processus, et note le résultat.',
  refreshNeedsActive: 'Reprenez-la pour la lire.',
  pause: 'Mettre en pause',
  pauseHint: 'Arrête la lecture\u00a0; ses contenus restent publiés.',
  resume: 'Reprendre',
  resumeHint: 'Active de nouveau, et lue dès maintenant.',
  delete: 'Supprimer…',
  fileManaged:
    'Gérée par feeds.yaml\u00a0: modifiez-la ou retirez-la dans le fichier (il l’emporte à chaque démarrage). La pause, la reprise et la lecture immédiate se font ici.',
  readOnlyNote: 'Ce jeton est en lecture seule\u00a0: il permet de tout voir, mais rien changer.',
  backToSources: 'Retour à toutes les sources',

  doneAdded: 'Source ajoutée. Le planificateur la lira au prochain passage\u00a0; lisez-la maintenant pour la voir tout de suite.',
  donePaused: 'En pause\u00a0: elle n’est plus lue, et ses contenus restent publiés.',
  doneResumed: 'Reprise\u00a0: elle sera lue dès maintenant.',
  doneRefreshed: (outcome, added, updated) =>
    `Lue à l’instant\u00a0: ${outcome}\u00a0; ${added} nouveau${added > 1 ? 'x' : ''} contenu${added > 1 ? 's' : ''}, ${updated} mis à jour.`,
  doneDeleted: (slug, n) => `«\u00a0${slug}\u00a0» est supprimée, avec ${n === 0 ? 'aucun contenu' : `ses ${n} contenu${n > 1 ? 's' : ''}`} et son historique.`,

  deleteTitle: (title) => `Supprimer «\u00a0${title}\u00a0»\u00a0?`,
  deleteWarning: (n) =>
    `Cette action supprime définitivement la source, ${n === 0 ? 'ses contenus (aucun pour l’instant)' : `ses ${n} contenu${n > 1 ? 's' : ''}`} et son historique de lecture\u00a0; les fils publiés cessent aussitôt de les montrer. Pour arrêter la lecture en gardant les contenus, mettez-la plutôt en pause.`,
  deleteConfirm: 'Oui, supprimer définitivement cette source et ses contenus',
  deleteButton: 'Supprimer définitivement',
  deleteNeedsConfirm: 'Cochez la case pour confirmer la suppression.',
  cancel: 'Annuler et revenir à la source',

  addTitle: 'Ajouter une source',
  addIntro:
    'Donnez l’adresse d’un fil, ou d’un site web qui en annonce un\u00a0: le carrefour trouve le fil. Le titre, les langues et l’identifiant viennent du fil s’ils sont laissés vides.',
  required: 'obligatoire',
  optional: 'facultatif',
  urlLabel: 'Adresse du fil ou du site web',
  urlHint: 'Par exemple https://www.example.org/ ou https://www.example.org/feed/',
  organizationHint: 'L’organisation qui publie le fil, telle que le répertoire doit la nommer.',
  chooseRegion: 'Choisissez une région',
  noProvince: 'Aucune\u00a0: toute la région',
  languagesHint: 'Ne cochez rien pour les prendre dans le fil.',
  topicsHint: 'Attribués à chaque contenu de cette source, en plus des thèmes trouvés dans chaque contenu.',
  titleHint: 'Pris dans le fil s’il est vide.',
  slugHint: 'Lettres minuscules, chiffres et traits d’union\u00a0; sert dans les adresses des fils de la source. Tiré du titre s’il est vide.',
  addButton: 'Trouver le fil et ajouter la source',
  candidatesLegend: (n) => `Cette adresse propose ${n} fils\u00a0: choisissez-en un`,
  candidatesHint: 'Puis envoyez de nouveau le formulaire.',
  candidateUntitled: 'Fil sans titre',
  problemHeading: 'La source n’a pas été ajoutée',
  duplicate: 'Ce fil est déjà inscrit sous',
  slugTaken: 'Cet identifiant est déjà pris par',
  blocked:
    'Cette adresse n’est pas publique (réseau privé, cette machine ou adresse interne)\u00a0: le carrefour ne lit pas ce genre d’adresse.',
  noFeed: 'Aucun fil n’a été trouvé à cette adresse.',
  noFeedOffered: 'Cette page n’annonce aucun fil, et aucun n’a été trouvé aux endroits habituels (/feed, /rss.xml, /atom.xml…).',
  cannotFetch: 'Cette adresse n’a pas pu être lue.',
  chosenUnusable: 'Le fil choisi n’est pas utilisable.',
  technicalDetail: 'Détail technique',
  fieldProblem: 'Vérifiez ce champ',

  forbiddenTitle: 'Pas permis avec ce jeton',
  readOnlyText: 'Ce jeton est en lecture seule\u00a0: il permet de tout voir, mais rien changer. Connectez-vous avec un autre jeton pour faire des changements.',
  csrfTitle: 'Ce formulaire a été refusé',
  csrfText: 'Il ne venait pas des pages de ce carrefour, ou la page était trop ancienne. Revenez en arrière, rechargez la page et envoyez-le de nouveau.',
  conflictTitle: 'Cette action n’a pas pu être faite',
  sourceNotFound: 'Cette source n’existe pas. Elle a peut-être été supprimée.',
};

export const ADMIN_WORDS: Record<Language, AdminWords> = { en, fr };

/** "15 min", "2 h", "1 h 30 min" (the same in both languages but for the spacing rules we share). */
export function formatMinutes(minutes: number, _ui: Language): string {
  if (minutes < 60) return `${minutes}\u00a0min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h}\u00a0h\u00a0${m}\u00a0min` : `${h}\u00a0h`;
}

/** "120 ms", "2.4 s" / "2,4 s" */
export function formatDuration(ms: number, ui: Language): string {
  if (ms < 1000) return `${ms}\u00a0ms`;
  return `${new Intl.NumberFormat(ui === 'fr' ? 'fr-CA' : 'en-CA', { maximumFractionDigits: 1 }).format(ms / 1000)}\u00a0s`;
}

/** "812 B", "14.2 KB" / "14,2 ko" */
export function formatBytes(bytes: number, ui: Language): string {
  const n = (v: number) => new Intl.NumberFormat(ui === 'fr' ? 'fr-CA' : 'en-CA', { maximumFractionDigits: 1 }).format(v);
  const units = ui === 'fr' ? ['o', 'ko', 'Mo'] : ['B', 'KB', 'MB'];
  if (bytes < 1024) return `${bytes}\u00a0${units[0]}`;
  if (bytes < 1024 * 1024) return `${n(bytes / 1024)}\u00a0${units[1]}`;
  return `${n(bytes / 1024 / 1024)}\u00a0${units[2]}`;
}

const relativeFormats = {
  en: new Intl.RelativeTimeFormat('en-CA', { numeric: 'auto' }),
  fr: new Intl.RelativeTimeFormat('fr-CA', { numeric: 'auto' }),
};

/** "in 12 minutes" / "dans 12 minutes" for a time to come; undefined when it has come (due now). */
export function formatUpcoming(date: Date, now: number, ui: Language): string | undefined {
  const ahead = date.getTime() - now;
  const rtf = relativeFormats[ui];
  if (ahead <= 30_000) return undefined;
  if (ahead < 3_600_000) return rtf.format(Math.max(1, Math.round(ahead / 60_000)), 'minute');
  if (ahead < 86_400_000) return rtf.format(Math.round(ahead / 3_600_000), 'hour');
  return rtf.format(Math.round(ahead / 86_400_000), 'day');
}

// Eastern time, as the reader shows dates, but with the zone named: an operator may be anywhere.
const stampParts = (locale: string) => ({
  date: new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'America/Toronto' }),
  time: new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: 'America/Toronto' }),
});
const stampFormats = { en: stampParts('en-CA'), fr: stampParts('fr-CA') };

/** ["2025-05-03", "2:05 p.m. EDT"] / ["2025-05-03", "14 h 05 HAE"]: short enough for a table cell, on one line or two. */
export function formatStamp(date: Date, ui: Language): [string, string] {
  return [stampFormats[ui].date.format(date), stampFormats[ui].time.format(date)];
}
