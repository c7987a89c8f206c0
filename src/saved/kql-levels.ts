import { LEVELS } from '../events/schema.ts'
import type { Clause, KqlNode } from '../query/kql/ast.ts'
import { LEVEL_FIELD, levelsInRange } from '../query/kql/compile.ts'
import { lookupField } from '../query/fields.ts'
import { parseKql } from '../query/kql/parser.ts'

/**
 * The query with each range on the importance level (`audit.importance.level >= high`) written as the levels it
 * keeps (`audit.importance.level:(high or critical)`): here levels compare in their order, in Kibana as text
 * (`>= high` would keep high, low and medium there). Anything else is left as written; a query that does not
 * parse is returned as it is.
 */
export function levelRangesAsLists (text: string): string {
  let tree: KqlNode
  try {
    tree = parseKql(text)
  } catch {
    return text
  }
  const spans: Array<{ start: number, end: number, kql: string }> = []
  for (const clause of clauses(tree)) {
    if (clause.kind !== 'range' || lookupField(clause.field)?.name !== LEVEL_FIELD) continue
    const at = LEVELS.findIndex(l => l === clause.value.chunks.join('*'))
    if (at === -1) continue
    const kept = levelsInRange(clause.op, at)
    spans.push({ start: clause.fieldPosition, end: clause.value.end, kql: kept.length === 0 ? `(not ${LEVEL_FIELD}:*)` : `${LEVEL_FIELD}:(${kept.join(' or ')})` })
  }
  return spans.sort((a, b) => b.start - a.start).reduce((out, s) => `${out.slice(0, s.start)}${s.kql}${out.slice(s.end)}`, text)
}

function * clauses (node: KqlNode): Generator<Clause> {
  if (node.kind === 'and' || node.kind === 'or') for (const child of node.children) yield * clauses(child)
  else if (node.kind === 'not') yield * clauses(node.child)
  else if (node.kind !== 'match_all') yield node
}
