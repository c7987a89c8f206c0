import { createHash } from 'node:crypto'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * Fields the server works out at each receipt rather than taking from the client: the time of receipt, and
 * what classification, rules, geolocation and device parsing derive (rules and data files change between two
 * receipts of the same event). Two receipts of one event differ only here.
 */
const DERIVED: readonly string[][] = [
  ['event', 'ingested'], ['event', 'kind'], ['related'], ['source', 'geo'],
  ['user_agent', 'name'], ['user_agent', 'version'], ['user_agent', 'os'], ['user_agent', 'device'],
  ['audit', 'category'], ['audit', 'retention'], ['audit', 'importance'], ['audit', 'ip_scope'],
  ['audit', 'device', 'type'], ['audit', 'money', 'direction']
]

/**
 * What the client said about an event (a stored or queued document): the document without the derived fields,
 * and without `@timestamp` when it is the time of receipt (the client sent none).
 */
export function clientView (doc: unknown): Json {
  const copy = structuredClone(doc) as Record<string, Json>
  const event = copy.event as Record<string, Json> | undefined
  if (event !== undefined && copy['@timestamp'] === event.ingested) delete copy['@timestamp']
  for (const path of DERIVED) drop(copy, path)
  return copy
}

function drop (obj: Json | undefined, path: readonly string[]): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return
  const [head, ...rest] = path as [string, ...string[]]
  if (rest.length === 0) delete obj[head]
  else drop(obj[head], rest)
}

/** JSON with object keys sorted, so equal values have equal text whatever their key order. */
function stableJson (value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  return `{${Object.keys(value).filter(k => value[k] !== undefined).sort().map(k => `${JSON.stringify(k)}:${stableJson(value[k] as Json)}`).join(',')}}`
}

/** SHA-256 (hex) of the client view: equal for two receipts of the same event. */
export function clientFingerprint (doc: unknown): string {
  return createHash('sha256').update(stableJson(clientView(doc))).digest('hex')
}

/** Whether two documents record the same event as the client sent it. */
export function sameEvent (a: unknown, b: unknown): boolean {
  return stableJson(clientView(a)) === stableJson(clientView(b))
}

/** Paths (`message`, `audit.money.amount`, …) where the client views of two documents differ, sorted. */
export function differingFields (a: unknown, b: unknown): string[] {
  const left = leaves(clientView(a))
  const right = leaves(clientView(b))
  return [...new Set([...left.keys(), ...right.keys()])].filter(k => left.get(k) !== right.get(k)).sort()
}

/** Leaf values by dotted path; arrays count as one value. */
function leaves (value: Json, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix === '' ? k : `${prefix}.${k}`, out)
  } else {
    out.set(prefix, stableJson(value))
  }
  return out
}
