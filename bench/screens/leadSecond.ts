/**
 * A screened column (bench/screen.ts; session 38, not built): 1 when the query's first word is the name's second part
 * and not its first (`yy_set_column` for "Set the current column": a name behind a prefix). 0 for issues, traces
 * and questions, as `leadName`.
 */
import { isQuestionText, parseQuery } from '../../src/core/search/query';
import { stem } from '../../src/core/text/stem';
import { identifierParts } from '../../src/core/text/tokenize';
import { shortName } from '../screen';

export function column(query: string, name: string): number {
  const q = parseQuery(query);
  if (q.kind === 'issue' || q.kind === 'trace' || isQuestionText(query)) return 0;
  const lead = q.words[0];
  const parts = identifierParts(shortName(name));
  if (!lead || parts.length < 2) return 0;
  const is = (p: string) => p === lead || stem(p) === stem(lead);
  return !is(parts[0]) && is(parts[1]) ? 1 : 0;
}
