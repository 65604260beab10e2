// A small English ↔ French lexicon of the settlement sector's vocabulary: the words a headline
// and its translation use for one idea ("call for proposals" / "appel de propositions"). It lets
// an English item and its French twin be recognised from their words, and a search in one
// language find the other. Operators extend it under `lexicon:` in feeds.yaml.
import type { LexiconPair } from '../core/types.ts';
import { contentWords } from './words.ts';

export type { LexiconPair };

/**
 * Places are marked: a text about Nova Scotia and one about Colombie-Britannique are two texts,
 * whatever else they share.
 */
const PLACES: readonly LexiconPair[] = [
  { en: 'Newfoundland and Labrador|Newfoundland', fr: 'Terre-Neuve-et-Labrador|Terre-Neuve' },
  { en: 'Prince Edward Island|PEI|P.E.I.', fr: 'Île-du-Prince-Édouard|Î.-P.-É.' },
  { en: 'Nova Scotia', fr: 'Nouvelle-Écosse' },
  { en: 'New Brunswick', fr: 'Nouveau-Brunswick' },
  { en: 'Quebec', fr: 'Québec' },
  { en: 'Ontario', fr: 'Ontario' },
  { en: 'Manitoba', fr: 'Manitoba' },
  { en: 'Saskatchewan', fr: 'Saskatchewan' },
  { en: 'Alberta', fr: 'Alberta' },
  { en: 'British Columbia', fr: 'Colombie-Britannique' },
  { en: 'Yukon', fr: 'Yukon' },
  { en: 'Northwest Territories', fr: 'Territoires du Nord-Ouest' },
  { en: 'Nunavut', fr: 'Nunavut' },
  { en: 'Atlantic Canada|Atlantic', fr: 'Canada atlantique|Atlantique' },
  { en: 'Prairies', fr: 'Prairies' },
  { en: 'Montreal', fr: 'Montréal' },
  { en: 'Quebec City', fr: 'ville de Québec' },
  { en: 'Greater Sudbury', fr: 'Grand Sudbury' },
  { en: 'St. John’s|St. John\'s', fr: 'St. John’s|St. John\'s' },
  { en: 'Acadian Peninsula', fr: 'Péninsule acadienne' },
  // Cities and towns where newcomers settle: the same name in both languages, and the usual
  // difference between two postings of one template.
  ...('Vancouver|Surrey|Burnaby|Richmond|Abbotsford|Kelowna|Kamloops|Nanaimo|Victoria|Prince George|Whitehorse|Yellowknife|Iqaluit|' +
    'Calgary|Edmonton|Red Deer|Lethbridge|Medicine Hat|Brooks|Grande Prairie|Fort McMurray|Saskatoon|Regina|Moose Jaw|Prince Albert|' +
    'Winnipeg|Brandon|Steinbach|Winkler|Toronto|Ottawa|Mississauga|Brampton|Hamilton|London|Windsor|Kitchener|Waterloo|Guelph|Sudbury|' +
    'Thunder Bay|Timmins|Sault Ste. Marie|North Bay|Peterborough|Kingston|Belleville|Barrie|Niagara|Peel|York|Durham|Gatineau|Sherbrooke|' +
    'Laval|Longueuil|Trois-Rivières|Saguenay|Moncton|Dieppe|Shediac|Saint John|Fredericton|Edmundston|Bathurst|Miramichi|Halifax|' +
    'Sydney|Truro|Yarmouth|Clare|Chéticamp|Charlottetown|Summerside|St. John’s|Corner Brook|Gander')
    .split('|')
    .map((city) => ({ en: city, fr: city })),
];

/** The sector's vocabulary; keep entries to words a translator would really use for each other. */
export const LEXICON_PAIRS: readonly LexiconPair[] = [
  // Programs, funding and government.
  { en: 'call for proposals|calls for proposals|CFP', fr: 'appel de propositions|appels de propositions|appel à propositions|AP' },
  { en: 'call for applications', fr: 'appel de candidatures|appel à candidatures' },
  { en: 'call for expressions of interest|expression of interest', fr: 'appel de déclarations d’intérêt|déclaration d’intérêt|manifestation d’intérêt' },
  { en: 'funding|fund|funds|funded', fr: 'financement|fonds|financé|financer|subvention' },
  { en: 'grant|grants', fr: 'subvention|subventions' },
  { en: 'investment|investments|invests|invest|investing', fr: 'investissement|investissements|investit|investir' },
  { en: 'government', fr: 'gouvernement' },
  { en: 'Government of Canada', fr: 'gouvernement du Canada' },
  { en: 'federal', fr: 'fédéral|fédérale' },
  { en: 'provincial', fr: 'provincial|provinciale' },
  { en: 'minister', fr: 'ministre' },
  { en: 'department', fr: 'ministère' },
  { en: 'announces|announce|announced|announcement', fr: 'annonce|annoncer|annoncé|annonces' },
  { en: 'launches|launch|launched|launching', fr: 'lance|lancer|lancement|lancé' },
  { en: 'applications|application|apply', fr: 'demande|demandes|candidature|candidatures|postuler' },
  { en: 'deadline', fr: 'date limite|échéance' },
  { en: 'eligible|eligibility', fr: 'admissible|admissibles|admissibilité' },
  { en: 'organizations|organization|agencies|agency', fr: 'organismes|organisme|organisations|organisation' },
  { en: 'program|programs|programme', fr: 'programme|programmes' },
  { en: 'pilot|pilot project', fr: 'projet pilote|pilote' },
  { en: 'project|projects', fr: 'projet|projets' },
  { en: 'support|supports|supporting', fr: 'soutien|appui|appuyer|soutenir|appuis' },
  { en: 'new', fr: 'nouveau|nouvelle|nouveaux|nouvelles|nouvel' },
  { en: 'help|helps', fr: 'aider|aide|aident' },
  { en: 'million|millions', fr: 'million|millions' },
  { en: 'billion', fr: 'milliard|milliards' },
  { en: 'dollars', fr: 'dollars' },
  { en: 'year|years', fr: 'an|ans|année|années' },
  { en: 'multi-year', fr: 'pluriannuel|pluriannuelle' },
  { en: 'report|reports', fr: 'rapport|rapports' },
  { en: 'survey', fr: 'sondage|enquête' },
  { en: 'study|research', fr: 'étude|recherche' },
  { en: 'findings|results', fr: 'résultats|constats' },
  { en: 'toolkit|tool kit', fr: 'trousse|trousse à outils|boîte à outils' },
  { en: 'guide', fr: 'guide' },
  { en: 'webinar|webinars', fr: 'webinaire|webinaires' },
  { en: 'conference', fr: 'conférence|congrès|colloque' },
  { en: 'workshop|workshops', fr: 'atelier|ateliers' },
  { en: 'information session|info session', fr: 'séance d’information|séance d’info|session d’information' },
  { en: 'session|sessions', fr: 'séance|séances|session|sessions' },
  { en: 'event|events', fr: 'événement|événements|évènement|activité' },
  { en: 'registration|register', fr: 'inscription|inscrivez|inscrire' },
  { en: 'free', fr: 'gratuit|gratuite|gratuitement' },
  { en: 'online|virtual', fr: 'en ligne|virtuel|virtuelle' },
  { en: 'week', fr: 'semaine' },
  { en: 'day', fr: 'journée|jour' },
  { en: 'annual', fr: 'annuel|annuelle' },
  { en: 'national', fr: 'national|nationale' },
  { en: 'job posting|job opening|we are hiring|hiring', fr: 'offre d’emploi|poste à pourvoir|nous embauchons|embauche' },
  { en: 'coordinator', fr: 'coordonnateur|coordonnatrice|coordinateur|coordinatrice' },
  { en: 'manager', fr: 'gestionnaire' },
  { en: 'board of directors|board', fr: 'conseil d’administration' },
  { en: 'annual general meeting|AGM', fr: 'assemblée générale annuelle|AGA' },
  { en: 'statement', fr: 'déclaration' },
  { en: 'welcomes|welcome|welcoming', fr: 'accueille|accueil|accueillir|accueillante|accueillantes' },
  { en: 'celebrate|celebrates|celebrating|celebration', fr: 'célébrer|célèbre|célébration|souligner|souligne' },
  { en: 'partnership|partnerships|partners', fr: 'partenariat|partenariats|partenaires' },
  { en: 'network', fr: 'réseau' },
  { en: 'community|communities', fr: 'communauté|communautés|collectivité|collectivités' },
  { en: 'rural|smaller communities|small communities', fr: 'rural|rurale|rurales|ruraux|petites collectivités' },
  { en: 'local', fr: 'local|locale|locaux' },
  // People and services.
  { en: 'newcomer|newcomers|new arrivals', fr: 'nouvel arrivant|nouveaux arrivants|nouvelles arrivantes|personnes nouvellement arrivées|nouveaux arrivants' },
  { en: 'immigrant|immigrants', fr: 'immigrant|immigrants|immigrante|immigrantes|personnes immigrantes' },
  { en: 'immigration', fr: 'immigration' },
  { en: 'refugee|refugees', fr: 'réfugié|réfugiés|réfugiée|réfugiées|personnes réfugiées' },
  { en: 'asylum claimants|asylum seekers|refugee claimants', fr: 'demandeurs d’asile|demandeuses d’asile|personnes demandant l’asile' },
  { en: 'Government-Assisted Refugees|GARs', fr: 'réfugiés pris en charge par le gouvernement|RPG' },
  { en: 'privately sponsored refugees|private sponsorship', fr: 'réfugiés parrainés par le secteur privé|parrainage privé' },
  { en: 'sponsor|sponsors|sponsorship', fr: 'parrain|parrains|parrainage' },
  { en: 'permanent residents|permanent resident|permanent residence', fr: 'résidents permanents|résident permanent|résidence permanente' },
  { en: 'temporary residents|temporary resident', fr: 'résidents temporaires|résident temporaire' },
  { en: 'citizenship', fr: 'citoyenneté' },
  { en: 'citizens|citizen', fr: 'citoyens|citoyen|citoyennes' },
  { en: 'international students|international student', fr: 'étudiants étrangers|étudiants internationaux|étudiantes et étudiants étrangers|étudiant étranger' },
  { en: 'students|student', fr: 'étudiants|étudiant|étudiantes' },
  { en: 'study permit|study permits', fr: 'permis d’études' },
  { en: 'work permit|work permits', fr: 'permis de travail' },
  { en: 'Post-Graduation Work Permit|PGWP', fr: 'permis de travail postdiplôme|PTPD' },
  { en: 'workers|worker', fr: 'travailleurs|travailleur|travailleuses|travailleuse' },
  { en: 'temporary foreign workers', fr: 'travailleurs étrangers temporaires' },
  { en: 'employers|employer', fr: 'employeurs|employeur' },
  { en: 'employment|jobs|job', fr: 'emploi|emplois' },
  { en: 'labour market|labor market', fr: 'marché du travail' },
  { en: 'skills|skilled', fr: 'compétences|qualifié|qualifiés' },
  { en: 'foreign credentials|credential recognition|credentials', fr: 'titres de compétences étrangers|reconnaissance des titres de compétences|reconnaissance des acquis|titres de compétences' },
  { en: 'internationally educated|internationally trained', fr: 'formés à l’étranger|formées à l’étranger|diplômés à l’étranger' },
  { en: 'health care workers|health care|healthcare', fr: 'travailleurs de la santé|soins de santé|santé' },
  { en: 'health', fr: 'santé' },
  { en: 'nurses|nurse|nursing', fr: 'infirmières|infirmiers|infirmière|infirmier|personnel infirmier|soins infirmiers' },
  { en: 'physicians|physician|doctors|doctor', fr: 'médecins|médecin' },
  { en: 'engineers|engineer', fr: 'ingénieurs|ingénieur|ingénieures' },
  { en: 'licence|license|licensed|licensing', fr: 'permis|autorisation d’exercer' },
  { en: 'regulated professions', fr: 'professions réglementées' },
  { en: 'bridging program|bridge training', fr: 'programme de transition|formation relais' },
  { en: 'mental health', fr: 'santé mentale' },
  { en: 'wellbeing|well-being|wellness', fr: 'bien-être|mieux-être' },
  { en: 'housing', fr: 'logement|logements' },
  { en: 'affordable housing', fr: 'logement abordable' },
  { en: 'shelter|shelters', fr: 'refuge|refuges|hébergement' },
  { en: 'settlement', fr: 'établissement' },
  { en: 'resettlement', fr: 'réinstallation' },
  { en: 'Resettlement Assistance Program|RAP', fr: 'Programme d’aide à la réinstallation|PAR' },
  { en: 'Settlement Program', fr: 'Programme d’établissement' },
  { en: 'integration', fr: 'intégration' },
  { en: 'services|service', fr: 'services|service' },
  { en: 'settlement services', fr: 'services d’établissement' },
  { en: 'pre-arrival', fr: 'préarrivée|avant l’arrivée|avant le départ' },
  { en: 'arrival|arrive|arrived', fr: 'arrivée|arriver|arrivés|arrivées' },
  { en: 'language training|language classes', fr: 'formation linguistique|cours de langue' },
  { en: 'language', fr: 'langue|linguistique' },
  { en: 'English', fr: 'anglais' },
  { en: 'French', fr: 'français|française' },
  { en: 'French-speaking', fr: 'd’expression française|francophones' },
  { en: 'Francophone|Francophones', fr: 'francophone|francophones' },
  { en: 'Francophone minority communities', fr: 'communautés francophones en situation minoritaire' },
  { en: 'Welcoming Francophone Communities', fr: 'Communautés francophones accueillantes' },
  { en: 'official languages', fr: 'langues officielles' },
  { en: 'bilingual', fr: 'bilingue' },
  { en: 'interpretation|interpreters|interpreter', fr: 'interprétation|interprètes|interprète' },
  { en: 'translation', fr: 'traduction' },
  { en: 'children|child|kids', fr: 'enfants|enfant' },
  { en: 'youth|young people', fr: 'jeunes|jeunesse' },
  { en: 'families|family', fr: 'familles|famille' },
  { en: 'parents|parent', fr: 'parents|parent' },
  { en: 'women', fr: 'femmes' },
  { en: 'seniors|older adults', fr: 'aînés|aînées|personnes aînées' },
  { en: 'childcare|child care', fr: 'garde d’enfants|services de garde' },
  { en: 'school|schools', fr: 'école|écoles' },
  { en: 'teachers|teacher|instructors|instructor', fr: 'enseignants|enseignant|enseignantes|formateurs|formatrices' },
  { en: 'training', fr: 'formation' },
  { en: 'staff|frontline workers|practitioners', fr: 'personnel|intervenants|intervenantes|praticiens' },
  { en: 'racism|anti-racism', fr: 'racisme|antiracisme|lutte contre le racisme' },
  { en: 'discrimination', fr: 'discrimination' },
  { en: 'equity|diversity|inclusion', fr: 'équité|diversité|inclusion' },
  { en: 'gender-based violence|family violence|violence', fr: 'violence fondée sur le sexe|violence familiale|violence' },
  { en: 'transportation|transit', fr: 'transport|transports|transport en commun' },
  { en: 'digital', fr: 'numérique' },
  { en: 'technology', fr: 'technologie' },
  { en: 'entrepreneurs|entrepreneurship|business', fr: 'entrepreneurs|entrepreneuriat|entreprise|entreprises' },
  { en: 'mentorship|mentoring', fr: 'mentorat' },
  { en: 'human rights', fr: 'droits de la personne|droits humains' },
  { en: 'Safe Third Country Agreement', fr: 'Entente sur les tiers pays sûrs' },
  { en: 'court', fr: 'cour|tribunal' },
  { en: 'advocates|advocacy', fr: 'défenseurs|défense des droits' },
  { en: 'World Refugee Day', fr: 'Journée mondiale des réfugiés' },
  { en: 'National Francophone Immigration Week', fr: 'Semaine nationale de l’immigration francophone' },
  { en: 'changes|change', fr: 'changements|changement|modifications' },
  { en: 'measures', fr: 'mesures' },
  { en: 'expanded|expands|expand|more', fr: 'élargis|élargit|élargir|élargi|élargissement|plus' },
  { en: 'plan', fr: 'plan' },
  { en: 'levels plan', fr: 'plan des niveaux' },
  { en: 'targets', fr: 'cibles' },
  { en: 'strategy', fr: 'stratégie' },
  { en: 'policy', fr: 'politique' },
  { en: 'consultation|consultations', fr: 'consultation|consultations' },
  { en: 'recommendations', fr: 'recommandations' },
  { en: 'open|opens', fr: 'ouvert|ouverte|ouvre|ouverture' },
  { en: 'closes|closing|ends', fr: 'ferme|fermeture|prend fin' },
  { en: 'extended', fr: 'prolongé|prolongée|prolongation' },
  { en: 'now available|available', fr: 'maintenant disponible|disponible' },
  { en: 'recipients|recipient|award|awards', fr: 'lauréats|lauréates|prix' },
  { en: 'volunteers|volunteer', fr: 'bénévoles|bénévole' },
  { en: 'winter', fr: 'hiver' },
  { en: 'summer', fr: 'été' },
  { en: 'spring', fr: 'printemps' },
  { en: 'fall|autumn', fr: 'automne' },
  // Words of everyday reporting that the sector's texts lean on.
  { en: 'smaller centres|small centres|smaller centers|small towns', fr: 'petits centres|petites villes|petites localités' },
  { en: 'outcomes', fr: 'résultats' },
  { en: 'scan|portrait|overview', fr: 'portrait|survol|aperçu' },
  { en: 'data', fr: 'données' },
  { en: 'interviews|interview', fr: 'entrevues|entrevue|entretiens' },
  { en: 'service providers|service provider|providers', fr: 'fournisseurs de services|fournisseur de services|fournisseurs' },
  { en: 'assessment|assessments|evaluation', fr: 'évaluation|évaluations' },
  { en: 'learners|learner', fr: 'apprenants|apprenant|apprenantes|apprenante' },
  { en: 'tasks|task', fr: 'tâches|tâche' },
  { en: 'Canadian Language Benchmarks|CLB', fr: 'Niveaux de compétence linguistique canadiens|NCLC' },
  { en: 'Portfolio-Based Language Assessment|PBLA', fr: 'évaluation linguistique basée sur le portfolio|évaluation linguistique axée sur le portfolio|ELBP|ELA' },
  { en: 'Language Instruction for Newcomers to Canada|LINC', fr: 'Cours de langue pour les immigrants au Canada|CLIC' },
  { en: 'landlord|landlords', fr: 'propriétaire|propriétaires' },
  { en: 'tenants|tenant|renters', fr: 'locataires|locataire' },
  { en: 'work|working', fr: 'travail|travailler|emploi' },
  { en: 'city|cities', fr: 'ville|villes' },
  { en: 'large|larger|big', fr: 'grande|grandes|grand|grands' },
  { en: 'faster|quickly|sooner', fr: 'rapidement|plus tôt|plus vite' },
  { en: 'longer', fr: 'plus longtemps' },
  { en: 'barrier|barriers|obstacle', fr: 'obstacle|obstacles|barrière|barrières' },
  { en: 'medical|doctor’s', fr: 'médical|médicale|médicaux' },
  { en: 'appointment|appointments', fr: 'rendez-vous' },
  { en: 'sample|examples|model', fr: 'types|exemples|modèles' },
  { en: 'practice|practices', fr: 'pratique|pratiques' },
  { en: 'tips|advice', fr: 'conseils' },
  { en: 'lessons|lesson', fr: 'leçons|leçon|cours' },
  { en: 'teaching|teach', fr: 'enseignement|enseigner' },
  { en: 'classes|class|courses|course', fr: 'cours|classes|classe' },
  { en: 'results|results of', fr: 'résultats' },
  { en: 'released|publishes|published', fr: 'publié|publiée|publie|publication' },
  { en: 'first', fr: 'premier|première|premiers|premières' },
  { en: 'countries|country', fr: 'pays' },
  { en: 'across the country|nationwide|across Canada', fr: 'partout au pays|à l’échelle du pays|partout au Canada' },
  { en: 'take effect|in effect|come into force', fr: 'entrent en vigueur|en vigueur|entrée en vigueur' },
  { en: 'opportunity|opportunities', fr: 'possibilité|possibilités|occasion|occasions' },
  { en: 'share|shares|sharing', fr: 'partager|partage|partagent' },
  { en: 'members|member', fr: 'membres|membre' },
  { en: 'month|monthly', fr: 'mois|mensuel' },
  ...'one:un|two:deux|three:trois|four:quatre|five:cinq|six:six|seven:sept|eight:huit|nine:neuf|ten:dix|eleven:onze|twelve:douze|thirteen:treize|fourteen:quatorze|fifteen:quinze|sixteen:seize|twenty:vingt|thirty:trente|forty:quarante|fifty:cinquante|hundred:cent'
    .split('|')
    .map((pair) => ({ en: pair.split(':')[0], fr: pair.split(':')[1] })),
  ...PLACES,
];

/** A compiled lexicon: text in either language → the ideas it names, and the words left over. */
export interface Lexicon {
  /** Longest phrases first: each phrase is a run of stems, its idea an id. */
  phrases: Map<string, { stems: string[]; concept: string }[]>;
  /** Ideas that are places (provinces, cities). */
  places: Set<string>;
  /** The pairs it was made from, built-in ones first. */
  pairs: readonly LexiconPair[];
}

/**
 * A crude stem, the same for both languages: enough that plural and feminine forms meet
 * ("refugees", "réfugiées" → "refugie"/"refugee"), never meant to join two different words.
 */
export function stemWord(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && w.endsWith('eaux')) return w.slice(0, -1);
  // French -al plurals: locaux, nationaux, ruraux.
  if (w.length > 5 && w.endsWith('aux')) return `${w.slice(0, -3)}al`;
  if (w.length > 4 && /(?:ch|sh|ss|x)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && (w.endsWith('s') || w.endsWith('x')) && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('ee')) w = w.slice(0, -1);
  return w;
}

/** Meaningful words as stems: accents folded, function words out, plurals joined. */
export function stemsOf(text: string): string[] {
  return contentWords(text.replace(/[’']/g, ' ')).map(stemWord);
}

/** The built-in pairs and an operator's, compiled once. */
export function compileLexicon(extra: readonly LexiconPair[] = []): Lexicon {
  const pairs = [...LEXICON_PAIRS, ...extra];
  const phrases = new Map<string, { stems: string[]; concept: string }[]>();
  const places = new Set<string>();
  const placeSet = new Set(PLACES);
  // Spellings met twice join the ideas of the first entry, so an operator's entry that
  // repeats a built-in spelling extends that idea rather than splitting it.
  const conceptOf = new Map<string, string>();
  pairs.forEach((pair, i) => {
    const spellings = [...pair.en.split('|'), ...pair.fr.split('|')].map((s) => stemsOf(s)).filter((s) => s.length > 0);
    const concept = spellings.map((s) => conceptOf.get(s.join(' '))).find(Boolean) ?? `c${i}`;
    if (placeSet.has(pair)) places.add(concept);
    for (const stems of spellings) {
      const key = stems.join(' ');
      if (!conceptOf.has(key)) conceptOf.set(key, concept);
      const list = phrases.get(stems[0]) ?? [];
      if (!list.some((p) => p.stems.join(' ') === key)) list.push({ stems, concept: conceptOf.get(key)! });
      phrases.set(stems[0], list);
    }
  });
  for (const list of phrases.values()) list.sort((a, b) => b.stems.length - a.stems.length);
  return { phrases, places, pairs };
}

/**
 * A text as ideas and leftover stems: a phrase of the lexicon becomes "=<idea>", the longest
 * first; other words stay as their stems, to be matched as they are or as cognates.
 */
export function conceptsOf(text: string, lexicon: Lexicon): string[] {
  const stems = stemsOf(text);
  const out: string[] = [];
  for (let i = 0; i < stems.length; ) {
    const match = lexicon.phrases.get(stems[i])?.find((p) => p.stems.every((s, j) => stems[i + j] === s));
    if (match) {
      out.push(`=${match.concept}`);
      i += match.stems.length;
    } else {
      out.push(stems[i]);
      i++;
    }
  }
  return out;
}

/** The lexicon every hub starts from. */
export const DEFAULT_LEXICON: Lexicon = compileLexicon();
