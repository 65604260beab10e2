// The words of digest and confirmation messages, in English and French. French is typed as the
// English, so a string added in one language and forgotten in the other does not compile. Labels
// of types and regions are in core/words.ts; dates are written by core/locale.ts.
import type { Language } from '../core/types.ts';

const en = {
  colon: ':',
  daily: 'daily',
  weekly: 'weekly',
  /** The subject of a digest: how many stories, and the selection. */
  subject: (n: number, selection: string) => `${n} new ${n === 1 ? 'story' : 'stories'} — ${selection}`,
  heading: (frequency: string) => `Your ${frequency} Passerelle digest`,
  lead: (n: number, since: string) => `${n} new ${n === 1 ? 'story' : 'stories'} for your selection since ${since}.`,
  selection: 'Your selection',
  alsoBy: 'Also published by',
  readMore: 'Read it',
  more: (n: number) => `${n} more ${n === 1 ? 'story' : 'stories'} did not fit in this message:`,
  seeAll: 'See them all on Passerelle',
  why: (selection: string, hub: string) => `You receive this message because you subscribed to “${selection}” on ${hub} and confirmed it.`,
  change: 'Change this digest (how often, language, selection)',
  unsubscribe: 'Unsubscribe',
  sentBy: 'Sent by',
  contact: 'Contact',

  confirmSubject: 'Confirm your Passerelle email digest',
  confirmHeading: 'Please confirm your subscription',
  confirmLead: (hub: string) => `Someone, probably you, asked ${hub} to send this address an email digest of:`,
  confirmOne: (frequency: string) => `${frequency} digest`,
  confirmButton: 'Yes, send me this digest',
  confirmExpires: (date: string) => `Each link works until ${date}. Nothing will be sent to you unless you follow one.`,
  confirmIgnore: 'If you did not ask for this, ignore this message: you will not hear from us again, and the request is deleted after seven days.',
};

export type DigestWords = typeof en;

const fr: DigestWords = {
  colon: '\u00a0:',
  daily: 'quotidien',
  weekly: 'hebdomadaire',
  subject: (n, selection) => `${n} ${n > 1 ? 'nouveaux contenus' : 'nouveau contenu'} — ${selection}`,
  heading: (frequency) => `Votre résumé ${frequency} de Passerelle`,
  lead: (n, since) => `${n} ${n > 1 ? 'nouveaux contenus' : 'nouveau contenu'} pour votre sélection depuis le ${since}.`,
  selection: 'Votre sélection',
  alsoBy: 'Aussi publié par',
  readMore: 'Lire',
  more: (n) => `${n} ${n > 1 ? 'autres contenus ne tenaient pas' : 'autre contenu ne tenait pas'} dans ce message\u00a0:`,
  seeAll: 'Tout voir sur Passerelle',
  why: (selection, hub) => `Vous recevez ce message parce que vous vous êtes abonné à «\u00a0${selection}\u00a0» sur ${hub} et l’avez confirmé.`,
  change: 'Modifier ce résumé (fréquence, langue, sélection)',
  unsubscribe: 'Se désabonner',
  sentBy: 'Envoyé par',
  contact: 'Contact',

  confirmSubject: 'Confirmez votre résumé par courriel de Passerelle',
  confirmHeading: 'Veuillez confirmer votre abonnement',
  confirmLead: (hub) => `Quelqu’un, probablement vous, a demandé à ${hub} d’envoyer à cette adresse un résumé par courriel de\u00a0:`,
  confirmOne: (frequency) => `résumé ${frequency}`,
  confirmButton: 'Oui, envoyez-moi ce résumé',
  confirmExpires: (date) => `Chaque lien fonctionne jusqu’au ${date}. Rien ne vous sera envoyé si vous n’en suivez aucun.`,
  confirmIgnore: 'Si vous n’avez rien demandé, ignorez ce message\u00a0: vous n’aurez plus de nos nouvelles, et la demande est supprimée après sept jours.',
};

export const DIGEST_WORDS: Record<Language, DigestWords> = { en, fr };
