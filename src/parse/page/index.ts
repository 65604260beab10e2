// parse/page/: a web page and CSS selectors in, the ParsedFeed a feed would give out, for sources
// that publish no feed. Uses htmlparser2 (already our HTML parser) with css-select.

export { readPage, DEFAULT_PAGE_LIMITS, type PageDocument, type PageInput, type PageLimits, type PageReading } from './read-page.ts';
export { checkSelectors, checkSelectorSyntax, MAX_SELECTOR_CHARS, SELECTOR_FIELDS, type PageSelectors, type SelectorField } from './page-selectors.ts';
export { extractPageItems, NO_LINK, type ExtractOptions, type PageExtraction } from './extract-page.ts';
export { proposeSelectors, type PreviewItem, type ProposeOptions, type ProposeOutcome, type SelectorProposal } from './propose-selectors.ts';
export { pageProblem, type PageProblem, type PageProblemCode } from './page-problem.ts';
