import { api } from './client.ts'
import { kqlPhrase } from './kql.ts'
import type { AggregateResponse, FieldInfo } from './types.ts'

/** The word being typed at the caret: a field name, or `field:` followed by the start of a value. */
export function tokenAt (query: string, caret: number): { start: number, field?: string, prefix: string } {
  let start = caret
  while (start > 0 && !/[\s()]/.test(query[start - 1] as string)) start--
  const word = query.slice(start, caret)
  const colon = word.indexOf(':')
  if (colon < 0) return { start, prefix: word }
  return { start: start + colon + 1, field: word.slice(0, colon), prefix: word.slice(colon + 1).replace(/^"/, '') }
}

const VALUE_TYPES = new Set(['keyword', 'ip', 'number'])

/** Field names, or the most frequent values of a field in the period, that continue what is typed. */
export async function suggestions (all: FieldInfo[], token: ReturnType<typeof tokenAt>, period: { from: string, to: string, timeZone: string }, signal: AbortSignal): Promise<string[]> {
  if (token.field === undefined) {
    const p = token.prefix.toLowerCase()
    return all.filter(f => !f.masked && f.name.toLowerCase().includes(p)).sort((a, b) => Number(!a.name.startsWith(p)) - Number(!b.name.startsWith(p))).slice(0, 10).map(f => `${f.name}:`)
  }
  const field = all.find(f => f.name === token.field)
  if (field === undefined || field.masked || !VALUE_TYPES.has(field.type)) return []
  const safe = /^[\w.@-]*$/.test(token.prefix) ? token.prefix : ''
  const r = await api<AggregateResponse>('/v1/events/aggregate', {
    body: { filters: { period }, ...(safe === '' || field.type !== 'keyword' ? {} : { query: `${field.name}:${safe}*` }), groupBy: [{ field: field.name, size: 10 }] },
    signal
  })
  return r.groups.filter(g => g.key !== null).map(g => typeof g.key === 'string' ? kqlPhrase(g.key) : String(g.key))
}
