/**
 * The rooms of src/ and what each may import (docs/architecture.md explains the layers). Entry points at the
 * top of src/ (server.ts, worker.ts) are the `entry` room; `errors.ts` is the `errors` room.
 */
export function roomOf (path: string): string {
  const [first, ...rest] = path.split('/')
  if (rest.length === 0) return /^(server|worker)(\.ts)?$/.test(first as string) ? 'entry' : 'errors'
  return first as string
}

const PURE = ['errors', 'validation', 'events']
const BASE = [...PURE, 'config', 'enrich', 'query', 'integrity']
const IO = [...BASE, 'store', 'queue', 'auth', 'metrics', 'monitor']
const SERVICES = ['export', 'analytics', 'saved', 'search', 'proofs', 'ingest', 'alerts', 'watch', 'notify', 'streams', 'entities']

export const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  // The checker of request and event shapes, with its formats: pure, used by the event model and every service.
  validation: ['errors'],
  events: ['errors', 'validation'],
  enrich: PURE,
  query: PURE,
  integrity: PURE,
  // The configuration checks at start the keys and the checkpoint origin it reads, with integrity's parsers.
  config: [...PURE, 'integrity'],
  queue: [...PURE, 'config', 'integrity'],
  store: [...BASE],
  auth: [...BASE, 'store'],
  metrics: [...BASE, 'queue'],
  monitor: [...BASE, 'queue', 'store', 'metrics'],
  ...Object.fromEntries(SERVICES.map(s => [s, [...IO, ...SERVICES.filter(x => x !== s)]])),
  indexer: [...IO, ...SERVICES],
  sealing: IO,
  http: [...IO, ...SERVICES],
  compose: [...IO, ...SERVICES, 'indexer', 'sealing', 'http'],
  cli: [...IO, ...SERVICES, 'indexer', 'sealing', 'compose'],
  entry: ['compose']
}

/**
 * Imports that break the rules today, each to be removed by moving code to its owner. The test fails
 * on any new one, and on an entry here that no longer exists.
 */
export const KNOWN_EXCEPTIONS = new Set<string>([])

/**
 * Inside store/, by the data each part serves: events/ (the event partitions and what reads them), then
 * integrity/ and system/ (which locate events by their ids), and templates.ts, which installs every part's
 * indices. The client, bulk writes, capabilities and shard waits (`plumbing`, the other top-level files) import
 * no part.
 */
export function storePartOf (pathInStore: string): string {
  const [first, ...rest] = pathInStore.split('/')
  if (rest.length > 0) return first as string
  return first === 'templates.ts' || first === 'templates' ? 'templates' : 'plumbing'
}

export const STORE_PARTS: Record<string, readonly string[]> = {
  plumbing: [],
  events: ['plumbing'],
  integrity: ['plumbing', 'events'],
  system: ['plumbing', 'events'],
  templates: ['plumbing', 'events', 'integrity', 'system']
}
