// Why a page, or selectors on it, cannot be a source: a code and its parameters, worded in web/
// (in English and French) and stored as they are.

export type PageProblemCode =
  /** The document is not an HTML page (JSON, plain text, a PDF, other XML); `looksLike` says what it is. */
  | 'not-html'
  /** The document is an RSS or Atom feed: it should be registered as a feed. */
  | 'page-is-a-feed'
  /** The page asks for a password before it shows anything. */
  | 'login-wall'
  /** Larger than `limit` characters. */
  | 'page-too-large'
  /** Elements nested deeper than `limit`: no real page is, a hostile one may be. */
  | 'page-too-deeply-nested'
  /** The selector for `field` is not CSS we can run; `reason` is the selector engine's. */
  | 'selector-invalid'
  /** The selector for `field` is longer than `limit` characters. */
  | 'selector-too-long'
  /** The selector for `field` finds nothing (for a relative one: in no item). */
  | 'selector-matches-nothing'
  /** The item selector takes in the whole page (html, body, or a block holding nearly all its text). */
  | 'selector-matches-page'
  /** One item selected inside another: the item selector is too loose. */
  | 'selector-matches-nested'
  /** The items found (`items` of them) have no link of their own, and items are identified by their link. */
  | 'items-without-links'
  /** The selectors found `previous` items last time and none now: the site was most likely redesigned. */
  | 'selectors-stopped-matching'
  /** No repeated block with links was found to propose. */
  | 'no-repeated-blocks';

export interface PageProblem {
  code: PageProblemCode;
  params: Record<string, string | number>;
}

export function pageProblem(code: PageProblemCode, params: PageProblem['params'] = {}): PageProblem {
  return { code, params };
}
