/**
 * Reading one Kibana saved object of type `search` as it comes from an export file: any JSON at all. Every
 * part the translation uses is checked for its shape first, and each problem is named by its JSON pointer in
 * the object (inside `searchSourceJSON`, the pointer continues into the JSON it holds).
 */

/** Where in the imported object a problem is, and what it is. */
export interface ObjectProblem { path: string, message: string }

/** A filter pill, its shape checked; its parameters are checked by the translation, which knows their type. */
export interface Pill {
  path: string
  type?: string
  key?: string
  params?: unknown
  negate: boolean
  disabled: boolean
}

/** What the translation reads from a `search` object, with every shape checked. */
export interface CheckedSearch {
  title: string
  description?: string
  columns?: string[]
  sort?: Array<[string, 'asc' | 'desc']>
  /** Only when the search restores its time range. */
  timeRange?: { from: string, to: string }
  query: { text: string, language: string }
  pills: Pill[]
  textBased: boolean
}

export const SOURCE = '/attributes/kibanaSavedObjectMeta/searchSourceJSON'

type Json = Record<string, unknown>
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const optional = <T>(v: unknown, is: (x: unknown) => x is T): v is T | undefined => v === undefined || is(v)
const isString = (v: unknown): v is string => typeof v === 'string'
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean'

/** Checks a `search` object's shape; the search is returned only when nothing is wrong. */
export function readSearchObject (o: Json): { search?: CheckedSearch, problems: ObjectProblem[] } {
  const problems: ObjectProblem[] = []
  const bad = (path: string, message: string): undefined => { problems.push({ path, message }); return undefined }
  const a = o.attributes
  if (!isObject(a)) return { problems: [{ path: '/attributes', message: 'must be an object holding the search' }] }
  const title = isString(a.title) && a.title.trim() !== '' ? a.title : bad('/attributes/title', a.title === undefined ? 'is required' : 'must be a non-empty string')
  if (!optional(a.description, isString) && a.description !== null) bad('/attributes/description', 'must be a string')
  const columns = stringsAt(a.columns, '/attributes/columns', bad)
  const sort = sortAt(a.sort, bad)
  if (!optional(a.timeRestore, isBoolean)) bad('/attributes/timeRestore', 'must be true or false')
  const range = a.timeRange
  const timeRange = a.timeRestore !== true
    ? undefined
    : isObject(range) && isString(range.from) && isString(range.to) ? { from: range.from, to: range.to } : bad('/attributes/timeRange', 'must be {"from": "…", "to": "…"} when timeRestore is true')
  const source = sourceOf(a.kibanaSavedObjectMeta, bad)
  const query = source === undefined ? undefined : queryOf(source.query, bad)
  const pills = source === undefined ? undefined : pillsOf(source.filter, bad)
  if (problems.length > 0 || title === undefined || query === undefined || pills === undefined) return { problems }
  return {
    search: {
      title,
      ...(isString(a.description) && a.description !== '' ? { description: a.description } : {}),
      ...(columns === undefined ? {} : { columns }),
      ...(sort === undefined ? {} : { sort }),
      ...(timeRange === undefined ? {} : { timeRange }),
      query, pills, textBased: a.isTextBasedQuery === true
    },
    problems
  }
}

type Bad = (path: string, message: string) => undefined

function stringsAt (v: unknown, path: string, bad: Bad): string[] | undefined {
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v)) return bad(path, 'must be an array of field names')
  v.forEach((c, i) => { if (!isString(c)) bad(`${path}/${i}`, 'must be a field name (a string)') })
  return v.filter(isString)
}

/** Kibana writes `[[field, order], …]`, and older versions a single `[field, order]`. */
function sortAt (v: unknown, bad: Bad): Array<[string, 'asc' | 'desc']> | undefined {
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v)) return bad('/attributes/sort', 'must be an array of [field, "asc" or "desc"] pairs')
  const pairs: unknown[] = v.length === 2 && isString(v[0]) ? [v] : v
  const out: Array<[string, 'asc' | 'desc']> = []
  pairs.forEach((p, i) => {
    if (Array.isArray(p) && p.length === 2 && isString(p[0]) && (p[1] === 'asc' || p[1] === 'desc')) out.push([p[0], p[1]])
    else bad(pairs === v ? `/attributes/sort/${i}` : '/attributes/sort', 'must be a [field, "asc" or "desc"] pair')
  })
  return out
}

function sourceOf (meta: unknown, bad: Bad): Json | undefined {
  if (meta === undefined) return {}
  if (!isObject(meta)) return bad('/attributes/kibanaSavedObjectMeta', 'must be an object')
  const text = meta.searchSourceJSON
  if (text === undefined) return {}
  if (!isString(text)) return bad(SOURCE, 'must be a string holding the search source as JSON')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return bad(SOURCE, 'is not JSON')
  }
  return isObject(parsed) ? parsed : bad(SOURCE, 'must hold a JSON object')
}

function queryOf (q: unknown, bad: Bad): { text: string, language: string } | undefined {
  if (q === undefined || q === null) return { text: '', language: 'kuery' }
  if (!isObject(q)) return bad(`${SOURCE}/query`, 'must be {"query": "…", "language": "kuery"}')
  if (!optional(q.language, isString)) return bad(`${SOURCE}/query/language`, 'must be a string')
  const language = q.language ?? 'kuery'
  // Kibana leaves an empty Lucene query as an empty object.
  if (q.query === undefined || (isObject(q.query) && Object.keys(q.query).length === 0)) return { text: '', language }
  return isString(q.query) ? { text: q.query, language } : bad(`${SOURCE}/query/query`, 'must be a string')
}

function pillsOf (filters: unknown, bad: Bad): Pill[] | undefined {
  if (filters === undefined || filters === null) return []
  if (!Array.isArray(filters)) return bad(`${SOURCE}/filter`, 'must be an array of filters')
  const pills: Pill[] = []
  filters.forEach((f, i) => {
    const path = `${SOURCE}/filter/${i}`
    if (!isObject(f)) return bad(path, 'must be a filter object')
    const meta = f.meta ?? {}
    if (!isObject(meta)) return bad(`${path}/meta`, 'must be an object')
    const exists = isObject(f.exists) && isString(f.exists.field) ? f.exists.field : undefined
    const text = (name: string): boolean => name === 'type' || name === 'key'
    const wrong = ['type', 'key', 'negate', 'disabled'].filter(name => meta[name] !== undefined && meta[name] !== null && !(text(name) ? isString : isBoolean)(meta[name]))
    wrong.forEach(name => bad(`${path}/meta/${name}`, text(name) ? 'must be a string' : 'must be true or false'))
    if (wrong.length > 0) return
    const key = isString(meta.key) ? meta.key : exists
    pills.push({ path, ...(isString(meta.type) ? { type: meta.type } : {}), ...(key === undefined ? {} : { key }), params: meta.params, negate: meta.negate === true, disabled: meta.disabled === true })
  })
  return pills
}
