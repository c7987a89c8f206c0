import type { Filters, SearchRequest } from '../api/types.ts'
import { kqlPhrase } from '../api/kql.ts'

/** The filters a chip can hold, with the URL parameter that carries each. */
export const FILTER_KINDS = ['category', 'action', 'outcome', 'importance', 'ip', 'country', 'device', 'operator', 'session', 'user', 'amountMin', 'amountMax'] as const
export type FilterKind = typeof FILTER_KINDS[number]

export const DEFAULT_COLUMNS = ['@timestamp', 'event.action', 'user.id', 'source.ip', 'source.geo.country_iso_code', 'event.outcome', 'audit.importance.level', 'message']

/** Everything a Discover view shows lives here, and all of it in the address, so a link reopens the same view. */
export interface DiscoverState {
  query: string
  from: string
  to: string
  filters: Array<{ kind: FilterKind, value: string }>
  columns: string[]
  sort: { field: string, order: 'asc' | 'desc' }
  /** The zone the period is read in when it is not the person's (a saved search's); absent otherwise. */
  zone?: string
}

export function readState (p: URLSearchParams): DiscoverState {
  const filters: DiscoverState['filters'] = []
  for (const kind of FILTER_KINDS) for (const value of p.getAll(kind)) if (value !== '') filters.push({ kind, value })
  const [field, order] = (p.get('sort') ?? 'time:desc').split(':')
  const zone = p.get('tz') ?? ''
  return {
    query: p.get('q') ?? '',
    from: p.get('from') ?? 'now-24h',
    to: p.get('to') ?? 'now',
    filters,
    columns: p.get('cols')?.split(',').filter(c => c !== '') ?? DEFAULT_COLUMNS,
    sort: { field: field === undefined || field === '' ? 'time' : field, order: order === 'asc' ? 'asc' : 'desc' },
    ...(zone === '' ? {} : { zone })
  }
}

export function writeState (s: DiscoverState): URLSearchParams {
  const p = new URLSearchParams()
  if (s.query !== '') p.set('q', s.query)
  p.set('from', s.from)
  p.set('to', s.to)
  for (const f of s.filters) p.append(f.kind, f.value)
  if (s.columns.join(',') !== DEFAULT_COLUMNS.join(',')) p.set('cols', s.columns.join(','))
  if (!(s.sort.field === 'time' && s.sort.order === 'desc')) p.set('sort', `${s.sort.field}:${s.sort.order}`)
  if (s.zone !== undefined) p.set('tz', s.zone)
  return p
}

/** The filters object of the API from the chips and the period (zone: the view's own, else the person's). */
export function toFilters (s: DiscoverState, timeZone: string): Filters {
  const f: Filters = { period: { from: s.from, to: s.to, timeZone: s.zone ?? timeZone } }
  const add = (key: 'category' | 'action' | 'outcome' | 'ip' | 'country' | 'deviceType' | 'operatorId' | 'sessionId' | 'userId', value: string): void => {
    const list = f[key] ?? []
    list.push(value)
    f[key] = list
  }
  for (const { kind, value } of s.filters) {
    switch (kind) {
      case 'importance': f.importance = { levels: [...(f.importance?.levels ?? []), value] }; break
      case 'device': add('deviceType', value); break
      case 'operator': add('operatorId', value); break
      case 'session': add('sessionId', value); break
      case 'user': add('userId', value); break
      // The chips' form refuses what is not an amount; one typed into the address is left out (its chip says so).
      case 'amountMin': { const n = parseAmount(value); if (n !== null) f.amount = { ...f.amount, gte: n }; break }
      case 'amountMax': { const n = parseAmount(value); if (n !== null) f.amount = { ...f.amount, lte: n }; break }
      default: add(kind, value)
    }
  }
  return f
}

export const isAmountKind = (kind: FilterKind): boolean => kind === 'amountMin' || kind === 'amountMax'

// A comma followed by three digits may group thousands (1,500) as well as separate decimals: neither is assumed.
const AMBIGUOUS = /^[-+]?\d{1,3},\d{3}$/

/** Whether an amount's comma could be a thousands separator as well as a decimal comma ("1,500"). */
export const ambiguousAmount = (text: string): boolean => AMBIGUOUS.test(text.trim())

/** An amount as typed: digits with a decimal point or comma ("12.50", "1,5"); null for anything else. */
export function parseAmount (text: string): number | null {
  const t = text.trim()
  if (ambiguousAmount(t) || !/^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(t)) return null
  return Number(t.replace(',', '.'))
}

export function toSearch (s: DiscoverState, timeZone: string, size = 100): SearchRequest {
  return {
    filters: toFilters(s, timeZone),
    ...(s.query.trim() === '' ? {} : { query: s.query }),
    timeZone,
    sort: [{ field: s.sort.field, order: s.sort.order }],
    size
  }
}

/** A KQL clause matching one value exactly; quotes and backslashes escaped. */
export function kqlClause (field: string, value: unknown, negate = false): string {
  const text = typeof value === 'string' ? kqlPhrase(value) : String(value)
  return `${negate ? 'not ' : ''}${field}:${text}`
}

/** Adds a clause to a query with AND. */
export function andQuery (query: string, clause: string): string {
  const q = query.trim()
  return q === '' ? clause : `(${q}) and ${clause}`
}
