import type { FieldError } from '../errors.ts'
import { EVENT_FIELDS, lookupField } from '../query/fields.ts'

/** The columns of a CSV export when none are asked for: what an investigator reads first. */
export const DEFAULT_COLUMNS = [
  '@timestamp', 'event.id', 'event.action', 'event.outcome', 'audit.category', 'audit.importance.level',
  'user.id', 'user.email', 'audit.actor.type', 'audit.actor.id', 'source.ip', 'source.geo.country_iso_code',
  'audit.session.id', 'audit.money.amount', 'audit.money.currency', 'audit.money.direction', 'message'
] as const

/**
 * Fields present in stored documents: the mapping's leaves without their multi-fields (`user.name.text` is
 * an index of `user.name`, never a key of the document).
 */
const SOURCE_FIELDS: string[] = [...EVENT_FIELDS.keys()].filter(name => !EVENT_FIELDS.has(name.slice(0, name.lastIndexOf('.'))))
const SOURCE_SET = new Set(SOURCE_FIELDS)

const isLeaf = (f: string): boolean => SOURCE_SET.has(f) || (f.startsWith('audit.details.') && lookupField(f) !== undefined)

/** One CSV column: its header (the dotted path) and where its value sits in the document. */
export interface Column { header: string, path: string[] }

/**
 * Expands requested fields into leaf columns with dotted headers: an object path (`source.geo`) becomes one
 * column per field of the mapping under it, a geo point two (`.lat`, `.lon`). `audit.details` (free keys) is
 * one column holding its JSON; one key of it is `audit.details.<key>`; a multi-field is the column of its field.
 * Unknown fields are errors.
 */
export function expandColumns (fields: readonly string[], errors: FieldError[], pointer = '/columns'): Column[] {
  const out: Column[] = []
  const seen = new Set<string>()
  const add = (name: string): void => {
    if (seen.has(name)) return
    seen.add(name)
    out.push({ header: name, path: name.split('.') })
  }
  fields.forEach((asked, i) => {
    // A multi-field (`event.reason.keyword`, as Kibana's columns name them) holds its field's value.
    const f = EVENT_FIELDS.get(asked)?.multiFieldOf ?? asked
    const leaves = isLeaf(f) ? [f] : SOURCE_FIELDS.filter(s => s.startsWith(`${f}.`))
    if (leaves.length === 0) {
      errors.push({ index: 0, path: `${pointer}/${i}`, message: `unknown field "${f}"; use a stored field such as event.action, or an object such as source.geo` })
      return
    }
    for (const leaf of leaves) {
      if (EVENT_FIELDS.get(leaf)?.type === 'geo_point') { add(`${leaf}.lat`); add(`${leaf}.lon`) } else add(leaf)
    }
  })
  return out
}

/** The `_source` paths a set of columns needs: the walk fetches nothing else. */
export function sourcePaths (columns: readonly Column[]): string[] {
  const paths = new Set<string>()
  for (const c of columns) {
    const geo = c.header.endsWith('.lat') || c.header.endsWith('.lon') ? c.path.slice(0, -1) : c.path
    paths.add(geo.join('.'))
  }
  return [...paths]
}

/** The value under a column's path, or undefined. */
export function valueAt (doc: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = doc
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined
    v = (v as Record<string, unknown>)[key]
  }
  return v
}
