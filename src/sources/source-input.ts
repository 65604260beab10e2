// Sources registered at run time (admin API, CLI, OPML): the input schemas, built from the same
// fields as a feeds.yaml entry, and the pure rules that turn input into a SourceSpec: slugs made
// from titles, URLs compared for duplicates, OPML folder names matched to topics. Every problem
// with the input comes as a field, an English message and a code with its values, which the admin
// pages word in their own language and the command line in its own flags.
import { z } from 'zod';
import { isOneOf, LANGUAGES, PROVINCE_REGION, PROVINCES, REGIONS, type SourceSpec, type Topic } from '../core/types.ts';
import { kindProblems, provinceFits, SLUG_PATTERN, selectorsSchema, sourceSpecSchema } from './feeds-file.ts';

const shape = sourceSpecSchema.shape;

/** A province given without a region sets it: "ns" is in the Atlantic region. */
function regionFromProvince(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const { region, province } = input as { region?: unknown; province?: unknown };
  if ((region === undefined || region === '') && typeof province === 'string' && isOneOf(PROVINCES, province)) {
    return { ...input, region: PROVINCE_REGION[province] };
  }
  return input;
}

/**
 * A new source: `url` is a feed or a page that links to one (autodiscovery); `feedUrl` picks one
 * of several feeds discovery found. Slug, title and languages may be left out: they come from the
 * feed (the slug from the title, made unique); the region may be left out when a province says it.
 */
export const newSourceSchema = z.preprocess(
  regionFromProvince,
  sourceSpecSchema
    .extend({
      feedUrl: shape.url.optional(),
      region: z.enum(REGIONS, { error: (issue) => (issue.input === undefined ? 'required' : undefined) }),
    })
    .partial({ slug: true, title: true, languages: true }),
);
export type NewSourceInput = z.infer<typeof newSourceSchema>;

/** A change to a source: any of its fields but the slug (feed URLs use it); null clears an optional one. */
export const sourcePatchSchema = z.strictObject({
  url: shape.url.optional(),
  title: shape.title.optional(),
  organization: shape.organization.optional(),
  region: shape.region.optional(),
  province: shape.province.unwrap().nullable().optional(),
  languages: shape.languages.optional(),
  topics: z.array(z.string().regex(SLUG_PATTERN, 'must be lowercase letters, digits and single hyphens')).optional(),
  siteUrl: shape.siteUrl.unwrap().nullable().optional(),
  intervalMinutes: shape.intervalMinutes.unwrap().nullable().optional(),
  /** A page source's selectors, checked against the page before they are stored. */
  selectors: selectorsSchema.optional(),
});
export type SourcePatch = z.infer<typeof sourcePatchSchema>;

/** What is wrong with a field, as a code the web layer and the command line word themselves. */
export type FieldProblemCode =
  | 'required'
  | 'not-a-url'
  | 'too-long'
  | 'too-few'
  | 'too-many'
  | 'too-small'
  | 'too-large'
  | 'not-a-whole-number'
  | 'not-one-of'
  | 'bad-slug'
  | 'unknown-field'
  | 'province-not-in-region'
  | 'unknown-topic'
  | 'selector-invalid'
  | 'selectors-required'
  | 'selectors-page-only'
  | 'invalid';

export interface FieldProblem {
  field: string;
  /** In English, for the API's answer and the logs. */
  message: string;
  code?: FieldProblemCode;
  params?: Record<string, string | number | string[]>;
}

/** The code and values of one zod issue. */
function codeOf(issue: z.core.$ZodIssue): Pick<FieldProblem, 'code' | 'params'> {
  if (issue.message === 'required') return { code: 'required' };
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return { code: 'required' };
      return issue.expected === 'int' || issue.expected === 'number' ? { code: 'not-a-whole-number' } : { code: 'invalid' };
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? { code: 'required' } : { code: 'invalid' };
      if (issue.origin === 'array') return { code: 'too-few', params: { min: Number(issue.minimum) } };
      return { code: 'too-small', params: { min: Number(issue.minimum) } };
    case 'too_big':
      if (issue.origin === 'string') return { code: 'too-long', params: { max: Number(issue.maximum) } };
      if (issue.origin === 'array') return { code: 'too-many', params: { max: Number(issue.maximum) } };
      return { code: 'too-large', params: { max: Number(issue.maximum) } };
    case 'invalid_value':
      return { code: 'not-one-of', params: { accepted: issue.values.map(String) } };
    case 'invalid_format':
      return issue.format === 'regex' ? { code: 'bad-slug' } : { code: 'invalid' };
    case 'custom': {
      // A check that names its problem (a selector that is not CSS) passes the code and facts on.
      const named = issue.params as { code?: string; field?: string; selector?: string } | undefined;
      if (named?.code === 'selector-invalid') return { code: 'selector-invalid', params: { field: named.field ?? 'item', selector: named.selector ?? '' } };
      return /absolute http\(s\) URL/.test(issue.message) ? { code: 'not-a-url' } : { code: 'invalid' };
    }
    default:
      return { code: 'invalid' };
  }
}

/** zod issues as "field: reason" pairs with their codes, unknown keys named one by one. */
export function describeIssues(issues: z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue) => {
    const field = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k): FieldProblem => ({ field: [field, k].filter(Boolean).join('.'), message: 'unknown field', code: 'unknown-field' }));
    }
    return [{ field: field || '(body)', message: issue.message, ...codeOf(issue) }];
  });
}

/** Checks a complete spec the way feeds.yaml is checked: schema, province in region, known topics. */
export function checkSpec(spec: unknown, topics: Topic[]): { ok: true; spec: SourceSpec } | { ok: false; problems: FieldProblem[] } {
  const parsed = sourceSpecSchema.safeParse(spec);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const problems: FieldProblem[] = [];
  const s = parsed.data as SourceSpec;
  for (const p of kindProblems(s)) problems.push({ field: p.path, message: p.message, code: p.code });
  if (s.province && !provinceFits(s.region, s.province)) {
    problems.push({ field: 'province', message: `province "${s.province}" is not in region "${s.region}"`, code: 'province-not-in-region', params: { province: s.province, region: s.region } });
  }
  const known = new Set(topics.map((t) => t.slug));
  s.topics.forEach((t, i) => {
    if (known.size > 0 && !known.has(t)) problems.push({ field: `topics.${i}`, message: `unknown topic "${t}"`, code: 'unknown-topic', params: { topic: t } });
  });
  return problems.length ? { ok: false, problems } : { ok: true, spec: s };
}

/** Lowercase, accents and punctuation set aside: "Santé mentale" and "sante-mentale" fold alike. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[œŒ]/g, 'oe')
    .replace(/[æÆ]/g, 'ae')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A slug from a title: "Nouvelles de l'AMSSA — Été" → "nouvelles-de-l-amssa-ete". */
export function slugify(text: string, maxLength = 48): string {
  let slug = foldText(text);
  if (slug.length > maxLength) {
    slug = slug.slice(0, maxLength);
    const cut = slug.lastIndexOf('-');
    if (cut > maxLength / 2) slug = slug.slice(0, cut);
    slug = slug.replace(/-+$/, '');
  }
  return slug || 'source';
}

/** `base`, or `base-2`, `base-3` … whichever is not taken yet. */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * What two feed URLs must share to be the same feed: host without "www.", path without a trailing
 * slash, and the query. Scheme, default port, fragment and case of the host do not count.
 */
export function feedUrlKey(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname.toLowerCase().replace(/^www\./, '');
    const path = u.pathname.replace(/\/+$/, '') || '/';
    return `${host}${u.port ? `:${u.port}` : ''}${path}${u.search}`;
  } catch {
    return url;
  }
}

/** The topic a folder name stands for: its slug or its English or French label, folded. */
export function topicForFolder(name: string, topics: Topic[]): string | undefined {
  const key = foldText(name);
  if (!key) return undefined;
  return topics.find((t) => [t.slug, t.label.en, t.label.fr].some((v) => foldText(v) === key))?.slug;
}

/** "en,fr", "fr-CA", "English" → the hub's languages found in a language attribute or option. */
export function languagesFrom(value: string | undefined): ('en' | 'fr')[] {
  if (!value) return [];
  const found = new Set<'en' | 'fr'>();
  for (const part of value.split(/[\s,;]+/)) {
    const p = part.toLowerCase();
    if (/^(en|eng)(?:[-_]|$)/.test(p) || p === 'english' || p === 'anglais') found.add('en');
    if (/^(fr|fra|fre)(?:[-_]|$)/.test(p) || p === 'french' || p === 'français' || p === 'francais') found.add('fr');
  }
  return LANGUAGES.filter((l) => found.has(l));
}
