/** KQL syntax trees. Positions are 0-based offsets in the query text, kept for error messages. */

export type RangeOp = 'gt' | 'gte' | 'lt' | 'lte'

export interface AndNode<T> { kind: 'and', children: T[] }
export interface OrNode<T> { kind: 'or', children: T[] }
export interface NotNode<T> { kind: 'not', child: T }

/** Boolean structure over some leaf type: the same shape serves whole queries and value lists. */
export type Expr<Leaf> = Leaf | AndNode<Expr<Leaf>> | OrNode<Expr<Leaf>> | NotNode<Expr<Leaf>>

/**
 * A value as typed. `chunks` are the literal pieces between unescaped `*` wildcards, escapes already
 * resolved: `ab*c` is ['ab', 'c'], `ab\*c` is ['ab*c'], a lone `*` is ['', '']. A quoted value has one chunk.
 */
export interface Literal {
  kind: 'literal'
  chunks: string[]
  quoted: boolean
  position: number
  /** The offset just after the value as typed (its closing quote included). */
  end: number
}

/** `field:value` or `field:(a or b)`; `field:*` is a literal of empty chunks. */
export interface FieldNode {
  kind: 'field'
  field: string
  fieldPosition: number
  value: ValueExpr
}

/** `field >= value` */
export interface RangeNode {
  kind: 'range'
  field: string
  fieldPosition: number
  op: RangeOp
  value: Literal
}

/** A value without a field: searched in the free-text fields. */
export interface FreeTextNode {
  kind: 'free_text'
  value: Literal
}

export interface MatchAllNode { kind: 'match_all' }

export type ValueExpr = Expr<Literal>
export type Clause = FieldNode | RangeNode | FreeTextNode
export type KqlNode = Expr<Clause> | MatchAllNode

/** True when the literal has at least one unescaped `*`. */
export const hasWildcard = (literal: Literal): boolean => literal.chunks.length > 1
