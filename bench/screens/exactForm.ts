/**
 * A screened column (bench/screen.ts; session 38, not built): the share of the name's parts that are query words as
 * written, not only another form of one (`Message`, not `Messages`, for "Get flash message by key"). 0 for issues
 * and traces.
 */
import { parseQuery } from '../../src/core/search/query';
import { identifierParts, tokenizeCode } from '../../src/core/text/tokenize';
import { shortName } from '../screen';

export function column(query: string, name: string): number {
  const kind = parseQuery(query).kind;
  if (kind === 'issue' || kind === 'trace') return 0;
  const tokens = new Set(tokenizeCode(query));
  const parts = identifierParts(shortName(name));
  return parts.length ? parts.filter((p) => tokens.has(p)).length / parts.length : 0;
}
