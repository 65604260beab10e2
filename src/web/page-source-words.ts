// Every string of the admin pages about page sources (a web page read with CSS selectors), in
// English and French: the offer when a page publishes no feed, the selector fields, the preview,
// the source page's "how the page is read" and the page that changes the selectors. French is
// typed as `PageSourceWords`, so a string added in one language only does not compile.
import type { SelectorField } from '../core/page-selectors.ts';
import type { Language } from '../core/types.ts';

const en = {
  offerHeading: 'This page publishes no feed: the hub can read the page itself',
  offerIntro:
    'The hub found these repeated blocks on the page. Choose the one that lists what the source should publish, or give CSS selectors of your own; then preview the items before anything is saved.',
  proposalsLegend: 'Repeated blocks found on the page',
  proposalSummary: (items: number, withDate: number) => `${items} item${items === 1 ? '' : 's'}, ${withDate} with a date`,
  proposalFirst: 'First items:',
  ownSelectors: 'My own CSS selectors (below)',
  selectorsLegend: 'CSS selectors',
  selectorsHint:
    'The item selector finds each entry of the list on the page; the others are looked for inside each entry. Only the item selector is required.',
  selectorLabel: { item: 'Items', title: 'Title', link: 'Link', date: 'Date', summary: 'Summary' } as Record<SelectorField, string>,
  selectorHint: {
    item: 'For example article.post, div.card or table.views-table tbody tr',
    title: 'Inside each item. Empty: its heading, else its first link.',
    link: 'Inside each item. Empty: the title’s link. Items are told apart by their links.',
    date: 'Inside each item. Empty: a <time> element. Dates in English or French are read; without one, the day the item is first seen.',
    summary: 'Inside each item. Empty: no summary.',
  } as Record<SelectorField, string>,
  previewButton: 'Preview the items',
  previewAgain: 'Preview again',
  saveButton: 'Add this page as a source',
  startOver: 'Start again with another address',
  previewHeading: 'Preview: nothing is saved yet',
  previewCount: (n: number, shown: number) =>
    `These selectors find ${n} item${n === 1 ? '' : 's'} on the page${shown < n ? `; the first ${shown} as they would be stored:` : ', as they would be stored:'}`,
  previewNoDate: 'no date on the page: the day it is first seen',
  previewNext: 'If these are the items the source should publish, add it; otherwise change the selectors and preview again.',
  announcedFeed: 'This page announces a feed, which is usually the better source:',
  problemHeading: 'These selectors cannot be used',
  pageAddress: 'Page address',
  kindLabel: 'Kind',
  kindPage: 'Web page, read with CSS selectors',
  kindFeed: 'Feed',
  readingHeading: 'How the page is read',
  itemsLastRead: 'Items found by the last successful read',
  editSelectors: 'Change the selectors',
  editTitle: (title: string) => `Selectors of “${title}”`,
  editIntro:
    'New selectors are checked on the page as it is now and previewed before they are saved. Its items already read are kept; new selectors read the page again on its next fetch.',
  proposeButton: 'Look for repeated blocks on the page now',
  saveSelectors: 'Save these selectors',
  doneSelectors: 'Selectors saved: the page is read with them on its next fetch (refresh it now to see it at once).',
  fileManaged: 'Managed by feeds.yaml: change its selectors in the file (the file wins at every start).',
  noneFound: 'none yet',
};

export type PageSourceWords = typeof en;

const fr: PageSourceWords = {
  offerHeading: 'Cette page ne publie aucun fil\u00a0: le carrefour peut lire la page elle-même',
  offerIntro:
    'Le carrefour a trouvé ces blocs répétés dans la page. Choisissez celui qui énumère ce que la source doit publier, ou donnez vos propres sélecteurs CSS\u00a0; prévisualisez ensuite les contenus avant que rien ne soit enregistré.',
  proposalsLegend: 'Blocs répétés trouvés dans la page',
  proposalSummary: (items, withDate) => `${items} contenu${items > 1 ? 's' : ''}, dont ${withDate} daté${withDate > 1 ? 's' : ''}`,
  proposalFirst: 'Premiers contenus\u00a0:',
  ownSelectors: 'Mes propres sélecteurs CSS (ci-dessous)',
  selectorsLegend: 'Sélecteurs CSS',
  selectorsHint:
    'Le sélecteur des contenus trouve chaque entrée de la liste dans la page\u00a0; les autres sont cherchés à l’intérieur de chaque entrée. Seul le sélecteur des contenus est obligatoire.',
  selectorLabel: { item: 'Contenus', title: 'Titre', link: 'Lien', date: 'Date', summary: 'Résumé' },
  selectorHint: {
    item: 'Par exemple article.post, div.card ou table.views-table tbody tr',
    title: 'À l’intérieur de chaque contenu. Vide\u00a0: son intertitre, sinon son premier lien.',
    link: 'À l’intérieur de chaque contenu. Vide\u00a0: le lien du titre. Les contenus sont distingués par leurs liens.',
    date: 'À l’intérieur de chaque contenu. Vide\u00a0: un élément <time>. Les dates en français ou en anglais sont lues\u00a0; sans date, le jour où le contenu est vu la première fois.',
    summary: 'À l’intérieur de chaque contenu. Vide\u00a0: aucun résumé.',
  },
  previewButton: 'Prévisualiser les contenus',
  previewAgain: 'Prévisualiser de nouveau',
  saveButton: 'Ajouter cette page comme source',
  startOver: 'Recommencer avec une autre adresse',
  previewHeading: 'Aperçu\u00a0: rien n’est encore enregistré',
  previewCount: (n, shown) =>
    `Ces sélecteurs trouvent ${n} contenu${n > 1 ? 's' : ''} dans la page${shown < n ? `\u00a0; voici les ${shown} premiers tels qu’ils seraient enregistrés\u00a0:` : ', tels qu’ils seraient enregistrés\u00a0:'}`,
  previewNoDate: 'aucune date dans la page\u00a0: le jour où il est vu la première fois',
  previewNext: 'Si ce sont les contenus que la source doit publier, ajoutez-la\u00a0; sinon, changez les sélecteurs et prévisualisez de nouveau.',
  announcedFeed: 'Cette page annonce un fil, qui est d’ordinaire une meilleure source\u00a0:',
  problemHeading: 'Ces sélecteurs ne peuvent pas servir',
  pageAddress: 'Adresse de la page',
  kindLabel: 'Type',
  kindPage: 'Page web, lue avec des sélecteurs CSS',
  kindFeed: 'Fil',
  readingHeading: 'Comment la page est lue',
  itemsLastRead: 'Contenus trouvés à la dernière lecture réussie',
  editSelectors: 'Changer les sélecteurs',
  editTitle: (title) => `Sélecteurs de «\u00a0${title}\u00a0»`,
  editIntro:
    'Les nouveaux sélecteurs sont vérifiés sur la page telle qu’elle est maintenant et prévisualisés avant d’être enregistrés. Les contenus déjà lus sont gardés\u00a0; de nouveaux sélecteurs relisent la page à sa prochaine lecture.',
  proposeButton: 'Chercher maintenant les blocs répétés de la page',
  saveSelectors: 'Enregistrer ces sélecteurs',
  doneSelectors: 'Sélecteurs enregistrés\u00a0: la page sera lue avec eux à sa prochaine lecture (lisez-la maintenant pour le voir tout de suite).',
  fileManaged: 'Gérée par feeds.yaml\u00a0: changez ses sélecteurs dans le fichier (il l’emporte à chaque démarrage).',
  noneFound: 'aucun pour l’instant',
};

export const PAGE_SOURCE_WORDS: Record<Language, PageSourceWords> = { en, fr };
