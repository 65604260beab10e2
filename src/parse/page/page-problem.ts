// Why a page, or selectors on it, cannot be a source: a code and its facts (core/types.ts), worded
// in web/ in English and French and stored as they are.

export type { PageProblem, PageProblemCode } from '../../core/types.ts';
export { pageProblem } from '../../core/page-selectors.ts';
