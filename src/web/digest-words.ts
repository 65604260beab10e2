// Every string of the email digest pages and of the email form in the Subscribe box, in English
// and French (French typed as the English, so a missing string does not compile).
import type { Language } from '../core/types.ts';
import type { AddressProblem } from '../mail/address.ts';

const en = {
  formHeading: 'Get this selection by email',
  formIntro: 'A digest of the new items of exactly this selection, in your inbox. No account. We first send a message to confirm, and every digest has a one-click unsubscribe link.',
  email: 'Your email address',
  frequency: 'How often',
  daily: 'Daily',
  weekly: 'Weekly',
  language: 'Language of the messages',
  honeypot: 'Leave this field empty',
  subscribe: 'Subscribe by email',
  whenDaily: (hour: string) => `daily at ${hour}`,
  whenWeekly: (day: string, hour: string) => `every ${day} at ${hour}`,

  requestTitle: 'Subscribe by email',
  problemLead: 'The address could not be used:',
  problems: {
    empty: 'Please type your email address.',
    'too-long': 'This address is longer than an email address can be (254 characters).',
    control: 'This address contains line breaks or other invisible characters.',
    shape: 'This does not look like an email address: it needs one @, then a domain, and no spaces, commas or angle brackets.',
    local: 'The part before the @ has characters an address cannot have here (use letters, digits and . _ + -).',
    domain: 'The part after the @ is not a domain name (like example.ca).',
  } satisfies Record<AddressProblem, string>,
  badChoice: 'Please choose daily or weekly, and English or French.',
  badSelection: 'This selection could not be read:',
  tooMany: (minutes: number) => `Too many requests from your connection. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  busy: 'We are holding too many unconfirmed requests right now. Please try again later.',

  requestedTitle: 'Check your inbox',
  requestedText: 'If this address can receive a digest, a message to confirm is on its way. Follow its link to start receiving digests: nothing is sent until you do. The link works for 7 days.',
  requestedLimit: 'To protect every inbox from unwanted mail, an address gets at most one confirmation message a day. If one came earlier today, use its link; a selection asked for since then comes in tomorrow’s message.',
  backToSelection: 'Back to the selection',

  confirmTitle: 'Confirm your email digest',
  confirmText: (address: string) => `Send a digest of this selection to ${address}?`,
  confirmButton: 'Yes, send me this digest',
  confirmedTitle: 'Your digest is confirmed',
  confirmedText: (when: string) => `Thank you. Your first digest comes on ${when}, if there is something new. Every digest has links to change it or unsubscribe.`,
  alreadyConfirmed: 'This subscription was already confirmed.',

  manageTitle: 'Change your email digest',
  manageIntro: (address: string) => `The digest sent to ${address}.`,
  suspended: (reason: string) => `Digests to this address are suspended: its mail server refused them several times (“${reason}”). Saving this form starts them again.`,
  selectionHeading: 'Selection',
  keywords: 'Keywords',
  anyValue: 'Any',
  save: 'Save changes',
  saved: 'Your changes are saved.',
  taken: 'You already receive a digest of that selection at this address.',
  selectionWhole: 'All items',
  unsubscribeHeading: 'Stop receiving this digest',

  unsubscribeTitle: 'Unsubscribe',
  unsubscribeText: (address: string) => `Stop sending this digest to ${address}? The address is deleted at once.`,
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedText: 'You will receive no more digests of this selection, and your address has been deleted from it.',

  expiredTitle: 'This link has expired',
  expiredText: 'Confirmation links work for 7 days, and the request is then deleted. Subscribe again from the selection you want.',
  unknownTitle: 'This link does not work',
  unknownText: 'It may be incomplete, or the subscription was already cancelled (unsubscribing deletes it). To receive a digest, subscribe again from the selection you want.',
  home: 'Go to the latest items',
};

export type DigestPageWords = typeof en;

const fr: DigestPageWords = {
  formHeading: 'Recevoir cette sélection par courriel',
  formIntro: 'Un résumé des nouveaux contenus de cette sélection exactement, dans votre boîte de réception. Sans compte. Nous envoyons d’abord un message de confirmation, et chaque résumé contient un lien de désabonnement en un clic.',
  email: 'Votre adresse courriel',
  frequency: 'Fréquence',
  daily: 'Quotidien',
  weekly: 'Hebdomadaire',
  language: 'Langue des messages',
  honeypot: 'Laissez ce champ vide',
  subscribe: 'M’abonner par courriel',
  whenDaily: (hour) => `chaque jour à ${hour}`,
  whenWeekly: (day, hour) => `chaque ${day} à ${hour}`,

  requestTitle: 'S’abonner par courriel',
  problemLead: 'Cette adresse n’a pas pu être utilisée\u00a0:',
  problems: {
    empty: 'Veuillez saisir votre adresse courriel.',
    'too-long': 'Cette adresse est plus longue qu’une adresse courriel ne peut l’être (254 caractères).',
    control: 'Cette adresse contient des sauts de ligne ou d’autres caractères invisibles.',
    shape: 'Ceci ne ressemble pas à une adresse courriel\u00a0: il faut un @, puis un domaine, sans espaces, virgules ni chevrons.',
    local: 'La partie avant le @ contient des caractères qu’une adresse ne peut pas avoir ici (utilisez des lettres, des chiffres et . _ + -).',
    domain: 'La partie après le @ n’est pas un nom de domaine (comme exemple.ca).',
  },
  badChoice: 'Veuillez choisir quotidien ou hebdomadaire, et anglais ou français.',
  badSelection: 'Cette sélection n’a pas pu être lue\u00a0:',
  tooMany: (minutes) => `Trop de demandes depuis votre connexion. Veuillez réessayer dans ${minutes}\u00a0minute${minutes > 1 ? 's' : ''}.`,
  busy: 'Nous gardons trop de demandes non confirmées en ce moment. Veuillez réessayer plus tard.',

  requestedTitle: 'Consultez votre boîte de réception',
  requestedText: 'Si cette adresse peut recevoir un résumé, un message de confirmation est en route. Suivez son lien pour commencer à recevoir les résumés\u00a0: rien n’est envoyé avant. Le lien fonctionne pendant 7\u00a0jours.',
  requestedLimit: 'Pour protéger chaque boîte de réception du courrier non désiré, une adresse reçoit au plus un message de confirmation par jour. Si vous en avez reçu un plus tôt aujourd’hui, utilisez son lien\u00a0; une sélection demandée depuis viendra dans le message de demain.',
  backToSelection: 'Retour à la sélection',

  confirmTitle: 'Confirmez votre résumé par courriel',
  confirmText: (address) => `Envoyer un résumé de cette sélection à ${address}\u00a0?`,
  confirmButton: 'Oui, envoyez-moi ce résumé',
  confirmedTitle: 'Votre résumé est confirmé',
  confirmedText: (when) => `Merci. Votre premier résumé arrivera le ${when}, s’il y a du nouveau. Chaque résumé contient des liens pour le modifier ou vous désabonner.`,
  alreadyConfirmed: 'Cet abonnement était déjà confirmé.',

  manageTitle: 'Modifier votre résumé par courriel',
  manageIntro: (address) => `Le résumé envoyé à ${address}.`,
  suspended: (reason) => `Les résumés à cette adresse sont suspendus\u00a0: son serveur de courriel les a refusés plusieurs fois («\u00a0${reason}\u00a0»). Enregistrer ce formulaire les relance.`,
  selectionHeading: 'Sélection',
  keywords: 'Mots-clés',
  anyValue: 'Tous',
  save: 'Enregistrer les modifications',
  saved: 'Vos modifications sont enregistrées.',
  taken: 'Vous recevez déjà un résumé de cette sélection à cette adresse.',
  selectionWhole: 'Tous les contenus',
  unsubscribeHeading: 'Ne plus recevoir ce résumé',

  unsubscribeTitle: 'Se désabonner',
  unsubscribeText: (address) => `Ne plus envoyer ce résumé à ${address}\u00a0? L’adresse est supprimée aussitôt.`,
  unsubscribeButton: 'Me désabonner',
  unsubscribedTitle: 'Vous êtes désabonné',
  unsubscribedText: 'Vous ne recevrez plus de résumé de cette sélection, et votre adresse en a été supprimée.',

  expiredTitle: 'Ce lien a expiré',
  expiredText: 'Les liens de confirmation fonctionnent pendant 7\u00a0jours, puis la demande est supprimée. Abonnez-vous de nouveau à partir de la sélection voulue.',
  unknownTitle: 'Ce lien ne fonctionne pas',
  unknownText: 'Il est peut-être incomplet, ou l’abonnement a déjà été annulé (se désabonner le supprime). Pour recevoir un résumé, abonnez-vous de nouveau à partir de la sélection voulue.',
  home: 'Aller aux derniers contenus',
};

export const DIGEST_PAGE_WORDS: Record<Language, DigestPageWords> = { en, fr };

/** Weekday names for "every Monday at 7:00". */
export const WEEKDAY_NAMES: Record<Language, Record<string, string>> = {
  en: { sunday: 'Sunday', monday: 'Monday', tuesday: 'Tuesday', wednesday: 'Wednesday', thursday: 'Thursday', friday: 'Friday', saturday: 'Saturday' },
  fr: { sunday: 'dimanche', monday: 'lundi', tuesday: 'mardi', wednesday: 'mercredi', thursday: 'jeudi', friday: 'vendredi', saturday: 'samedi' },
};

/** The admin page of email digests (never an address: counts per selection, and removing one address given). */
const adminEn = {
  nav: 'Email digests',
  title: 'Email digests',
  intro: 'Subscribers per selection and how the last digest went. Addresses are never shown.',
  off: 'SMTP_URL is not set: the hub sends no mail and offers no email form. The README says how to turn digests on.',
  none: 'No one has asked for an email digest yet.',
  colSelection: 'Selection',
  colConfirmed: 'Confirmed',
  colPending: 'Awaiting confirmation',
  colSuspended: 'Suspended',
  colLast: 'Last digest',
  never: 'none yet',
  sendStatus: { prepared: 'being sent', sent: 'sent', failed: 'failed (retried)', bounced: 'refused by the address’s server' } as Record<string, string>,
  suspendedWhy: (n: number, reason: string) => `${n} × ${reason}`,
  removeHeading: 'Remove an address',
  removeIntro: 'When someone asks you to stop writing to them, type their address: every subscription of it is deleted at once.',
  removeLabel: 'Email address',
  removeButton: 'Remove this address',
  removed: (n: number) => (n === 0 ? 'No subscription has that address.' : `Removed: ${n} subscription${n === 1 ? '' : 's'} of that address.`),
  badAddress: 'That is not an email address.',
  sendNowButton: 'Send every digest now',
  sendNowIntro: 'Sends each confirmed subscriber the stories new since their last digest, as if it were due (as “passerelle digests send --now” does).',
  sentNow: (r: { sent: number; empty: number; failed: number; bounced: number; suspended: number }) =>
    `Digests sent: ${r.sent}; nothing new: ${r.empty}; failed (retried later): ${r.failed}; refused by the address’s server: ${r.bounced + r.suspended}.`,
};

export type DigestAdminWords = typeof adminEn;

const adminFr: DigestAdminWords = {
  nav: 'Résumés par courriel',
  title: 'Résumés par courriel',
  intro: 'Abonnés par sélection et résultat du dernier résumé. Les adresses ne sont jamais affichées.',
  off: 'SMTP_URL n’est pas défini\u00a0: le carrefour n’envoie aucun courriel et n’offre pas de formulaire. Le README explique comment activer les résumés.',
  none: 'Personne n’a encore demandé de résumé par courriel.',
  colSelection: 'Sélection',
  colConfirmed: 'Confirmés',
  colPending: 'En attente de confirmation',
  colSuspended: 'Suspendus',
  colLast: 'Dernier résumé',
  never: 'aucun encore',
  sendStatus: { prepared: 'en cours d’envoi', sent: 'envoyé', failed: 'échec (nouvel essai)', bounced: 'refusé par le serveur de l’adresse' },
  suspendedWhy: (n, reason) => `${n} × ${reason}`,
  removeHeading: 'Retirer une adresse',
  removeIntro: 'Quand une personne vous demande de ne plus lui écrire, saisissez son adresse\u00a0: tous ses abonnements sont supprimés aussitôt.',
  removeLabel: 'Adresse courriel',
  removeButton: 'Retirer cette adresse',
  removed: (n) => (n === 0 ? 'Aucun abonnement n’a cette adresse.' : `Retiré\u00a0: ${n} abonnement${n > 1 ? 's' : ''} de cette adresse.`),
  badAddress: 'Ce n’est pas une adresse courriel.',
  sendNowButton: 'Envoyer tous les résumés maintenant',
  sendNowIntro: 'Envoie à chaque abonné confirmé les contenus nouveaux depuis son dernier résumé, comme s’il était dû (comme « passerelle digests send --now »).',
  sentNow: (r) => `Résumés envoyés : ${r.sent} ; rien de nouveau : ${r.empty} ; échecs (nouvel essai plus tard) : ${r.failed} ; refusés par le serveur de l’adresse : ${r.bounced + r.suspended}.`,
};

export const DIGEST_ADMIN_WORDS: Record<Language, DigestAdminWords> = { en: adminEn, fr: adminFr };
