// The facts of a stored error or warning that any visitor may be told. Error and page-problem
// words read only these; a resolved address or a looked-up host name stays on the admin pages.
import type { ProblemParams } from '../core/types.ts';

/** The facts error words may use: what any visitor may be told. */
export type PublicFacts = Pick<
  ProblemParams,
  'status' | 'seconds' | 'limitBytes' | 'contentType' | 'viaRedirect' | 'count' | 'field' | 'selector' | 'limit' | 'looksLike' | 'items' | 'previous'
>;

/** The facts of a stored error that may be shown anywhere: the address and host names are left out. */
export function publicFacts(params: ProblemParams | null | undefined): PublicFacts {
  const { status, seconds, limitBytes, contentType, viaRedirect, count, field, selector, limit, looksLike, items, previous } = params ?? {};
  const facts = { status, seconds, limitBytes, contentType, viaRedirect, count, field, selector, limit, looksLike, items, previous };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
}
