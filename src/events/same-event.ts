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
 * The event's time (as JSON text), and whether the client gave it. A `@timestamp` equal to the time of receipt is
 * the server's when the client gave none, but a client's time can fall in that very millisecond (a client that
 * stamps an event as it sends it): such a time is `given: false` and stands for either.
 */
interface EventTime { time: string, given: boolean }

function eventTime (doc: unknown): EventTime {
  const d = doc as { '@timestamp'?: unknown, event?: { ingested?: unknown } }
  return { time: JSON.stringify(d['@timestamp'] ?? null), given: d['@timestamp'] !== d.event?.ingested }
}

/**
 * Whether two receipts agree on the event's time: equal times, or two times of receipt (no time given either
 * time). A time given against a time of receipt agrees only when they are equal, as the receipt may be hiding it.
 */
const timesAgree = (x: EventTime, y: EventTime): boolean => x.time === y.time || (!x.given && !y.given)

/** What the client said about an event (a stored or queued document) besides its time: the document without `@timestamp` and the derived fields. */
export function clientView (doc: unknown): Json {
  const copy = structuredClone(doc) as Record<string, Json>
  delete copy['@timestamp']
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

/**
 * A document's fingerprint, compared with `sameFingerprint`: the SHA-256 (hex) of its client view, whether the
 * client gave its time, and the time. Two receipts of the same event have matching fingerprints.
 */
export function clientFingerprint (doc: unknown): string {
  const { time, given } = eventTime(doc)
  return `${createHash('sha256').update(stableJson(clientView(doc))).digest('hex')} ${given ? 'given' : 'receipt'} ${time}`
}

/** Whether two fingerprints can be of the same event (the rule of `sameEvent`). */
export function sameFingerprint (a: string, b: string): boolean {
  const [x, y] = [parseFingerprint(a), parseFingerprint(b)]
  return x.digest === y.digest && timesAgree(x, y)
}

function parseFingerprint (fingerprint: string): EventTime & { digest: string } {
  const [digest = '', kind, ...time] = fingerprint.split(' ')
  return { digest, given: kind === 'given', time: time.join(' ') }
}

/** Whether two documents record the same event as the client sent it. */
export function sameEvent (a: unknown, b: unknown): boolean {
  return timesAgree(eventTime(a), eventTime(b)) && stableJson(clientView(a)) === stableJson(clientView(b))
}

/** Paths (`message`, `audit.money.amount`, …) where the client views of two documents differ, sorted. */
export function differingFields (a: unknown, b: unknown): string[] {
  const left = leaves(clientView(a))
  const right = leaves(clientView(b))
  const fields = [...new Set([...left.keys(), ...right.keys()])].filter(k => left.get(k) !== right.get(k))
  if (!timesAgree(eventTime(a), eventTime(b))) fields.push('@timestamp')
  return fields.sort()
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
