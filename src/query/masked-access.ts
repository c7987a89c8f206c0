import { isIP } from 'node:net'
import { MASKED_FIELDS } from '../events/personal-fields.ts'
import type { FieldError } from '../errors.ts'
import type { Filters } from './filters.ts'
import { hasWildcard, type Clause, type Expr, type KqlNode, type Literal } from './kql/ast.ts'
import { KqlError } from './kql/kql-error.ts'

/*
 * A masked reader sees personal fields masked. Searching, sorting or grouping on their clear values would
 * give them back one guess at a time (`user.email:alice.s*` → 1 hit), so masked readers may use such a field
 * only in ways that reveal no more than its masked form: whether it is present, and address blocks at least
 * as wide as the masked address. Free text may quote emails and addresses, which are masked in place; no
 * rule on the words searched can tell a hidden part from the rest, so masked readers cannot search it.
 */

const FREE_TEXT_ROOTS = ['message', 'event.reason']
/** Fields masked as free text for a reader of masked data (emails and addresses in them hidden), under these roots. */
export const TEXT_MASKED_ROOTS: readonly string[] = [...FREE_TEXT_ROOTS, 'audit.details']
const ADDRESS_FIELDS = new Set(['source.ip', 'related.ip'])

/** The masked form keeps 3 of 4 IPv4 bytes (`a.b.c.x`) and 3 of 8 IPv6 groups (`a:b:c::x`). */
export const WIDEST_VISIBLE = { 4: 24, 6: 48 } as const

// A field and its multi-fields (`user.name.text` indexes `user.name`).
const within = (name: string, roots: Iterable<string>): boolean => [...roots].some(r => name === r || name.startsWith(`${r}.`))

/** Why a masked reader may not search, sort or group on this field; undefined when it may. */
export function maskedFieldProblem (field: string): string | undefined {
  if (within(field, MASKED_FIELDS)) {
    const how = ADDRESS_FIELDS.has(field) ? `; it can be searched only by blocks of /${WIDEST_VISIBLE[4]} or wider (IPv4) or /${WIDEST_VISIBLE[6]} or wider (IPv6), and cannot be sorted or grouped on` : '; it cannot be searched, sorted or grouped on'
    return `field "${field}" is masked for this key${how}`
  }
  if (within(field, FREE_TEXT_ROOTS)) {
    return `field "${field}" is masked for this key where it quotes emails and addresses; free text ("message", "event.reason") cannot be searched, sorted or grouped on`
  }
  if (within(field, ['audit.details'])) {
    return `field "${field}" is masked for this key where it quotes emails and addresses; the client's details (audit.details.*) cannot be searched, sorted or grouped on`
  }
  return undefined
}

/** An address block that reveals no more than the masked form: an IPv4 block of /24 or wider, an IPv6 one of /48 or wider. */
export function isCoarseBlock (value: string): boolean {
  const slash = value.indexOf('/')
  if (slash === -1) return false
  const version = isIP(value.slice(0, slash))
  const prefix = value.slice(slash + 1)
  if ((version !== 4 && version !== 6) || !/^\d{1,3}$/.test(prefix)) return false
  return Number(prefix) <= WIDEST_VISIBLE[version]
}

/** What a masked reader may not send in structured filters: narrow address blocks and free text. */
export function maskedFilterProblems (f: Filters, path = '/filters'): FieldError[] {
  const errors: FieldError[] = []
  f.ip?.forEach((ip, i) => {
    if (!isCoarseBlock(ip)) errors.push({ index: 0, path: `${path}/ip/${i}`, message: maskedFieldProblem('source.ip') as string })
  })
  if (f.text !== undefined) errors.push({ index: 0, path: `${path}/text`, message: maskedFieldProblem('message') as string })
  return errors
}

const isExists = (literal: Literal): boolean => !literal.quoted && literal.chunks.every(chunk => chunk === '')

/** Every clause of a KQL tree a masked reader may not use, with its position. */
export function maskedKqlProblems (node: KqlNode): KqlError[] {
  const problems: KqlError[] = []
  const clause = (c: Clause): void => {
    if (c.kind === 'free_text') {
      if (!isExists(c.value)) problems.push(new KqlError(maskedFieldProblem('message') as string, c.value.position))
      return
    }
    const problem = maskedFieldProblem(c.field)
    if (problem === undefined) return
    if (c.kind === 'range') {
      problems.push(new KqlError(problem, c.fieldPosition))
      return
    }
    walk<Literal>(c.value, literal => {
      const allowed = isExists(literal) || (ADDRESS_FIELDS.has(c.field) && !hasWildcard(literal) && isCoarseBlock(literal.chunks.join('')))
      if (!allowed) problems.push(new KqlError(problem, literal.position))
    })
  }
  if (node.kind !== 'match_all') walk<Clause>(node, clause)
  return problems
}

function walk<L> (node: Expr<L>, leaf: (l: L) => void): void {
  const n = node as { kind: string, children?: Array<Expr<L>>, child?: Expr<L> }
  if (n.kind === 'and' || n.kind === 'or') n.children?.forEach(c => walk(c, leaf))
  else if (n.kind === 'not') walk(n.child as Expr<L>, leaf)
  else leaf(node as L)
}
