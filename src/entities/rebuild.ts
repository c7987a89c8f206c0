import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../store/elasticsearch.ts'
import type { EntitiesStore } from '../store/events/entities-store.ts'
import type { EventsScanner } from '../store/events/events-scan.ts'
import { eventsAlias } from '../store/events/index-names.ts'
import { WHOLE } from '../store/search-pages.ts'
import { ENTITY_FIELDS, fromScanned } from './entity-event.ts'
import { addEvent, addTotals, compactLedger, mergeStates } from './merge.ts'
import { emptyState, entityId, type EntityState, type Kind } from './model.ts'
import { rebuiltOccurrences } from './occurrences.ts'
import { stateOf, versionOf, writeStates } from './entity-writes.ts'

type Query = estypes.QueryDslQueryContainer

const FIELD: Record<Kind, string> = { user: 'user.id', device: 'audit.device.id', ip: 'source.ip' }
const GROUP_KEYS = 5000
const GROUP_EVENTS = 50_000

/**
 * `forget`: the entities become what the stored events say and no more (documents replaced rather than merged,
 * and those of keys without any event left deleted), so that what retention deleted is forgotten too.
 */
export interface RebuildOptions { tenant?: string, graceMs: number, now?: () => number, log?: (line: string) => void, forget?: boolean }
export interface RebuildReport { tenants: string[], entities: Record<Kind, number>, forgotten: Record<Kind, number>, events: number, conflicts: number, seconds: number }

/**
 * Recomputes entities from the stored events, a group of keys at a time: the documents are read, the events
 * alias refreshed, the keys' events scanned and folded, and the result written only if no worker changed the
 * document in between (otherwise the group's changed keys are done again). Sums and the ledger come from the
 * events; the idempotent part is merged with what the document held (the actions' first occurrences from the
 * events on, see rebuiltOccurrences). Safe while ingest runs.
 */
export async function rebuildEntities (es: Es, prefix: string, store: EntitiesStore, scanner: EventsScanner, options: RebuildOptions): Promise<RebuildReport> {
  const t0 = performance.now()
  const now = options.now ?? Date.now
  const tenants = options.tenant !== undefined ? [options.tenant] : await tenantsToRebuild(es, prefix, store, options.forget === true)
  const report: RebuildReport = { tenants, entities: { user: 0, device: 0, ip: 0 }, forgotten: { user: 0, device: 0, ip: 0 }, events: 0, conflicts: 0, seconds: 0 }
  for (const tenant of tenants) {
    for (const kind of ['user', 'device', 'ip'] as const) {
      const seen = new Set<string>()
      for await (const group of keyGroups(es, prefix, tenant, FIELD[kind])) {
        if (options.forget === true) for (const k of group) seen.add(k)
        let keys = group
        for (let round = 0; keys.length > 0; round++) {
          if (round === 20) throw new Error(`entities of ${tenant} kept changing during the rebuild (${keys.length} ${kind} keys)`)
          const ids = keys.map(k => entityId(tenant, kind, k))
          const current = await store.read(ids)
          // Every event already applied to a document read above is searchable after this refresh.
          await es.indices.refresh({ index: eventsAlias(prefix), ignore_unavailable: true, allow_no_indices: true })
          const built = await foldKeys(scanner, tenant, kind, keys, now(), options.graceMs, n => { report.events += n })
          const targets = keys.flatMap((key, i) => {
            const fresh = built.get(key)
            if (fresh === undefined) return []
            if (options.forget === true) return [{ id: ids[i] as string, version: versionOf(current[i]), next: fresh }]
            const next = stateOf(current[i], fresh)
            const stored = new Map(next.actions)
            mergeStates(next, fresh)
            // The events say more than a merge keeps of an action's first occurrences (occurrences.ts).
            for (const [action, o] of fresh.actions) next.actions.set(action, rebuiltOccurrences(stored.get(action), o))
            next.totals = fresh.totals
            next.ledger = fresh.ledger
            next.ledgerFrom = fresh.ledgerFrom
            return [{ id: ids[i] as string, version: versionOf(current[i]), next }]
          })
          const { conflicts } = await writeStates(store, targets)
          report.conflicts += conflicts.size
          if (round === 0) report.entities[kind] += targets.length
          keys = keys.filter((_, i) => conflicts.has(ids[i] as string))
        }
      }
      if (options.forget === true) report.forgotten[kind] += await forgetOrphans(es, prefix, store, tenant, kind, seen)
      options.log?.(`${tenant}: ${report.entities[kind]} ${kind} entities${options.forget === true ? `, ${report.forgotten[kind]} forgotten` : ''}`)
    }
  }
  report.seconds = (performance.now() - t0) / 1000
  return report
}

/** The keys' events folded into new states: the idempotent part, and for users the sums and the ledger. */
async function foldKeys (scanner: EventsScanner, tenant: string, kind: Kind, keys: readonly string[], now: number, graceMs: number, read: (n: number) => void): Promise<Map<string, EntityState>> {
  const states = new Map<string, EntityState>()
  const field = FIELD[kind]
  await scanner.scan({
    query: { bool: { filter: [{ term: { 'audit.tenant': tenant } }, { terms: { [field]: [...keys] } }] } },
    keys: [field], fields: ENTITY_FIELDS, limit: Number.MAX_SAFE_INTEGER
  }, events => {
    read(events.length)
    for (const scanned of events) {
      const key = scanned.keys[0]
      const e = fromScanned(scanned.id, scanned.time, scanned.fields)
      if (key === null || key === undefined || e === undefined) continue
      let s = states.get(key)
      if (s === undefined) { s = emptyState(tenant, kind, key); states.set(key, s) }
      addEvent(s, e)
      if (kind === 'user') addTotals(s, e, now, graceMs)
    }
  })
  if (kind === 'user') for (const s of states.values()) compactLedger(s, now - graceMs)
  return states
}

/**
 * Deletes the tenant's entities of this kind whose key has no event left: those not among the keys the rebuild
 * found, checked again against the events once refreshed (a key whose first event came during the rebuild is
 * kept), each deleted only if no worker changed it since it was read.
 */
async function forgetOrphans (es: Es, prefix: string, store: EntitiesStore, tenant: string, kind: Kind, seen: ReadonlySet<string>): Promise<number> {
  const orphans: string[] = []
  await store.walk({ bool: { filter: [{ term: { tenant } }, { term: { kind } }] } }, ['key'], docs => {
    for (const d of docs) if (typeof d.key === 'string' && !seen.has(d.key)) orphans.push(d.key)
  })
  let deleted = 0
  for (let i = 0; i < orphans.length; i += GROUP_KEYS) {
    const keys = orphans.slice(i, i + GROUP_KEYS)
    const ids = keys.map(k => entityId(tenant, kind, k))
    const current = await store.read(ids)
    await es.indices.refresh({ index: eventsAlias(prefix), ignore_unavailable: true, allow_no_indices: true })
    const r = await es.search({
      index: eventsAlias(prefix), ignore_unavailable: true, allow_no_indices: true, ...WHOLE, size: 0, track_total_hits: false,
      query: { bool: { filter: [{ term: { 'audit.tenant': tenant } }, { terms: { [FIELD[kind]]: keys } }] } },
      aggs: { k: { terms: { field: FIELD[kind], size: keys.length } } }
    })
    const alive = new Set(((r.aggregations?.k as estypes.AggregationsStringTermsAggregate | undefined)?.buckets as estypes.AggregationsStringTermsBucket[] | undefined ?? []).map(b => String(b.key)))
    deleted += await store.deleteIfUnchanged(keys.flatMap((k, j) => {
      const v = current[j]
      return alive.has(k) || v === undefined ? [] : [{ id: ids[j] as string, version: { seqNo: v.seqNo, primaryTerm: v.primaryTerm } }]
    }))
  }
  return deleted
}

/** The tenants with events; when forgetting, those the store holds too (one whose events have all gone has entities to forget). */
async function tenantsToRebuild (es: Es, prefix: string, store: EntitiesStore, forget: boolean): Promise<string[]> {
  const withEvents = await listTenants(es, prefix)
  return forget ? [...new Set([...withEvents, ...await store.tenants()])].sort() : withEvents
}

async function listTenants (es: Es, prefix: string): Promise<string[]> {
  const tenants: string[] = []
  for await (const group of keyGroups(es, prefix, undefined, 'audit.tenant')) tenants.push(...group)
  return tenants
}

/** A field's values in order, grouped so that each group holds at most 5,000 values and about 50,000 events. */
async function * keyGroups (es: Es, prefix: string, tenant: string | undefined, field: string): AsyncGenerator<string[]> {
  const query: Query = { bool: { filter: [...(tenant === undefined ? [] : [{ term: { 'audit.tenant': tenant } }]), { exists: { field } }] } }
  let after: Record<string, estypes.FieldValue> | undefined
  let group: string[] = []
  let events = 0
  for (;;) {
    const r = await es.search({
      index: eventsAlias(prefix), ignore_unavailable: true, allow_no_indices: true, ...WHOLE, size: 0, track_total_hits: false, query,
      aggs: { k: { composite: { size: GROUP_KEYS, sources: [{ k: { terms: { field } } }], ...(after === undefined ? {} : { after }) } } }
    })
    const agg = r.aggregations?.k as estypes.AggregationsCompositeAggregate | undefined
    const buckets = (agg?.buckets ?? []) as estypes.AggregationsCompositeBucket[]
    for (const b of buckets) {
      if (group.length > 0 && (group.length === GROUP_KEYS || events + b.doc_count > GROUP_EVENTS)) { yield group; group = []; events = 0 }
      group.push(String(b.key.k))
      events += b.doc_count
    }
    if (buckets.length < GROUP_KEYS || agg?.after_key === undefined) break
    after = agg.after_key as Record<string, estypes.FieldValue>
  }
  if (group.length > 0) yield group
}
