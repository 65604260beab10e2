// Loads feeds.yaml: the sources to fetch and the bilingual topic taxonomy. Validated completely
// with zod; every problem is reported with its line and field, and start-up stops on any.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Node } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { checkSelectorSyntax, MAX_SELECTOR_CHARS } from '../core/page-selectors.ts';
import { LANGUAGES, PROVINCES, REGIONS, SOURCE_KINDS, type LexiconPair, type SourceSpec, type Topic } from '../core/types.ts';

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slug = z.string().regex(SLUG_PATTERN, 'must be lowercase letters, digits and single hyphens');

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');

const selector = z.string().trim().min(1, 'must not be empty').max(MAX_SELECTOR_CHARS, `must be at most ${MAX_SELECTOR_CHARS} characters`);

/** A page source's CSS selectors: `item` on the page, the others inside each item; each must be CSS we can run. */
export const selectorsSchema = z
  .strictObject({ item: selector, title: selector.optional(), link: selector.optional(), date: selector.optional(), summary: selector.optional() })
  .superRefine((selectors, ctx) => {
    for (const problem of checkSelectorSyntax(selectors)) {
      // Empty and over-long selectors are told above, each once.
      if (problem.code !== 'selector-invalid' || problem.params.selector === '') continue;
      ctx.addIssue({
        code: 'custom',
        path: [problem.params.field!],
        message: `not a CSS selector the hub can run (${problem.params.reason})`,
        params: { code: 'selector-invalid', field: problem.params.field!, selector: problem.params.selector ?? '' },
      });
    }
  });

export const sourceSpecSchema = z.strictObject({
  slug,
  url: httpUrl,
  title: z.string().trim().min(1).max(200),
  organization: z.string().trim().min(1).max(200),
  region: z.enum(REGIONS),
  province: z.enum(PROVINCES).optional(),
  languages: z.array(z.enum(LANGUAGES)).min(1).max(2),
  topics: z.array(slug).default([]),
  siteUrl: httpUrl.optional(),
  intervalMinutes: z.number().int().min(1).max(10_080).optional(),
  /** 'feed' (the default) or 'page': a web page read with `selectors`. */
  kind: z.enum(SOURCE_KINDS).optional(),
  selectors: selectorsSchema.optional(),
});

/** A page source needs its selectors, and only a page source has any. */
export function kindProblems(spec: Pick<SourceSpec, 'kind' | 'selectors'>): { path: string; message: string; code: 'selectors-required' | 'selectors-page-only' }[] {
  if (spec.kind === 'page' && !spec.selectors) return [{ path: 'selectors', message: 'required for a page source (kind: page): at least item', code: 'selectors-required' }];
  if (spec.kind !== 'page' && spec.selectors) return [{ path: 'selectors', message: 'only a page source (kind: page) has selectors', code: 'selectors-page-only' }];
  return [];
}

const keywordList = z.array(z.string().trim().min(1)).default([]);

export const topicSchema = z.strictObject({
  slug,
  label: z.strictObject({ en: z.string().min(1), fr: z.string().min(1) }),
  keywords: z.strictObject({ en: keywordList, fr: keywordList }).default({ en: [], fr: [] }),
  categories: z.array(z.string().trim().min(1)).default([]),
});

/** One side of a lexicon entry: a word or phrase, or several spellings of it. */
const lexiconSide = z.union([z.string().trim().min(1).max(200), z.array(z.string().trim().min(1).max(200)).min(1).max(20)]).transform((v) => (Array.isArray(v) ? v.join('|') : v));

/** An English word or phrase and its French counterpart, added to the built-in lexicon (normalize/lexicon.ts). */
export const lexiconPairSchema = z.strictObject({ en: lexiconSide, fr: lexiconSide });

const fileSchema = z
  .strictObject({
    topics: z.array(topicSchema).default([]),
    sources: z.array(sourceSpecSchema).default([]),
    lexicon: z.array(lexiconPairSchema).max(2000).default([]),
  })
  .superRefine((file, ctx) => {
    const topics = new Set(file.topics.map((t) => t.slug));
    file.sources.forEach((s, i) => {
      for (const p of kindProblems(s)) ctx.addIssue({ code: 'custom', path: ['sources', i, p.path], message: p.message });
      if (s.province && !provinceFits(s.region, s.province)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'province'], message: `province "${s.province}" is not in region "${s.region}"` });
      }
      s.topics.forEach((t, j) => {
        if (topics.size > 0 && !topics.has(t)) {
          ctx.addIssue({ code: 'custom', path: ['sources', i, 'topics', j], message: `unknown topic "${t}"` });
        }
      });
    });
  });

/** Duplicate slugs, found on the raw document so they are reported even when other fields are wrong. */
function findDuplicateSlugs(raw: unknown): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const list of ['sources', 'topics'] as const) {
    const entries = (raw as Record<string, unknown> | null)?.[list];
    if (!Array.isArray(entries)) continue;
    const seen = new Map<string, number>();
    entries.forEach((entry, i) => {
      const slug = (entry as { slug?: unknown } | null)?.slug;
      if (typeof slug !== 'string') return;
      const first = seen.get(slug);
      if (first !== undefined) {
        issues.push({ path: [list, i, 'slug'], message: `duplicate ${list === 'sources' ? 'source' : 'topic'} slug "${slug}" (also entry ${first + 1})` });
      } else seen.set(slug, i);
    });
  }
  return issues;
}

/** True when the province lies in the region (any province fits 'national'). */
export function provinceFits(region: string, province: string): boolean {
  if (region === 'national') return true;
  const map: Record<string, string[]> = {
    atlantic: ['nl', 'pe', 'ns', 'nb'],
    quebec: ['qc'],
    ontario: ['on'],
    prairies: ['mb', 'sk', 'ab'],
    bc: ['bc'],
    north: ['yt', 'nt', 'nu'],
  };
  return map[region]?.includes(province) ?? false;
}

export interface FeedsFile {
  sources: SourceSpec[];
  topics: Topic[];
  /** Operator's additions to the English–French lexicon. */
  lexicon: LexiconPair[];
}

export async function loadFeedsFile(file: string): Promise<FeedsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read the file: ${(err as Error).message}`], file);
  }
  return parseFeedsFile(text, file);
}

export function parseFeedsFile(text: string, file = 'feeds.yaml'): FeedsFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${pos ? `line ${pos.line}: ` : ''}${e.message.split('\n')[0]}`;
      }),
      file,
    );
  }
  const raw = doc.toJS() ?? {};
  const result = fileSchema.safeParse(raw);
  const duplicates = findDuplicateSlugs(raw);
  if (!result.success || duplicates.length) {
    const issues = [...(result.success ? [] : result.error.issues), ...duplicates.map((d) => ({ ...d, code: 'custom' as const }))];
    const problems = issues.flatMap((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      return keys.map((key) => {
        const where = locate(doc.contents, issue.path as (string | number)[], key, lineCounter);
        const field = [...issue.path, ...(key ? [key] : [])].join('.');
        const message = key ? `unknown key "${key}"` : issue.message;
        return `${where ? `line ${where}: ` : ''}${field || '(top level)'}: ${message}`;
      });
    });
    const lineOfProblem = (p: string) => Number(/^line (\d+)/.exec(p)?.[1] ?? 0);
    throw new ConfigError(problems.sort((a, b) => lineOfProblem(a) - lineOfProblem(b)), file);
  }
  return result.data as FeedsFile;
}

/** The line of the node at `path` (or of the key `key` inside it), for error messages. */
function locate(root: unknown, path: (string | number)[], key: string | undefined, lc: LineCounter): number | undefined {
  let node = root as Node | null | undefined;
  let lastLine: number | undefined = lineOf(node, lc);
  for (const part of [...path, ...(key ? [key] : [])]) {
    if (!node || typeof node !== 'object') break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === part);
      if (!pair) break;
      lastLine = lineOf(pair.key as Node, lc) ?? lastLine;
      node = pair.value as Node;
      if (part === key) break;
    } else if ('items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      node = (node as { items: Node[] }).items[part as number];
      lastLine = lineOf(node, lc) ?? lastLine;
    } else break;
  }
  return lastLine;
}

function lineOf(node: unknown, lc: LineCounter): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}
