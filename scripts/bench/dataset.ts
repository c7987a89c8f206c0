/**
 * A deterministic, realistic data set for read benchmarks: users with sessions over 90 or 180 days, sign-ins,
 * money, bets and clicks, from a few dozen countries. Loaded straight through `_bulk` (the read path is
 * what is measured) with the same enrichment as ingest, into its own prefix, and reused when present.
 */
import type { Es } from '../../src/store/elasticsearch.ts'
import type { Config } from '../../src/config/config.ts'
import { IngestService } from '../../src/ingest/ingest-service.ts'
import { enrichContext } from '../../src/compose/enrich-context.ts'
import type { EventsQueue } from '../../src/queue/events-queue.ts'
import { bulkCreate } from '../../src/store/bulk.ts'
import { eventsAlias, partitionIndex } from '../../src/store/events/index-names.ts'
import { eventDocId } from '../../src/store/events/event-doc-id.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { UA } from '../../test/helpers/events.ts'

const PUBLIC_IPS = ['81.2.69.142', '2a01:e0a:1::1', '88.198.1.1', '8.8.8.8', '77.88.55.242', '212.27.48.10', '91.198.174.192',
  '151.101.1.69', '104.16.0.1', '185.60.216.35', '31.13.64.35', '41.203.64.1', '196.25.1.1', '200.160.2.3', '133.11.0.1',
  '202.12.27.33', '203.178.141.194', '45.33.32.156', '62.210.16.6', '193.0.6.139', '195.46.39.39', '80.80.80.80']
const ACTIONS = ['login', 'login', 'login', 'logout', 'login_failed', 'deposit', 'withdrawal', 'bet_placed', 'bet_placed', 'bet_placed',
  'bet_won', 'game_launched', 'button_clicked', 'page_viewed', 'email_changed', 'ticket_created', 'bonus_granted', 'password_changed']
const WORDS = ['refund', 'jackpot', 'verification', 'limit', 'bonus', 'dispute', 'chargeback', 'kyc', 'document', 'selfie']
const UAS = Object.values(UA)
const DAY = 86_400_000

/** A small, fast, seeded generator: the same data set every run. */
function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

export interface Shape { users: number, days: number }
const STANDARD: Shape = { users: 50_000, days: 90 }

/**
 * The read benchmarks' shape: 50,000 users over 90 days, as they have been measured up to 1 million events;
 * from 10 million on, the scale goal's shape: 20 events per user (500,000 users) over 180 days.
 */
export const shapeOf = (total: number): Shape => total >= 10_000_000 ? { users: total / 20, days: 180 } : STANDARD

export function benchEvent (i: number, now: number, shape: Shape = STANDARD): Record<string, unknown> {
  const r = rng(i * 2654435761)
  const action = ACTIONS[Math.floor(r() * ACTIONS.length)] as string
  const user = Math.floor(r() * shape.users)
  const money = ['deposit', 'withdrawal', 'bet_placed', 'bet_won', 'bonus_granted'].includes(action)
  const ip = r() < 0.1 ? `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 254) + 1}` : PUBLIC_IPS[Math.floor(r() * PUBLIC_IPS.length)] as string
  return {
    '@timestamp': new Date(now - Math.floor(r() * shape.days * DAY)).toISOString(),
    event: { id: `bench-${i}`, action, outcome: action === 'login_failed' || r() < 0.05 ? 'failure' : 'success' },
    message: `${action} ${WORDS[Math.floor(r() * WORDS.length)]} note ${i % 1000}`,
    user: { id: `u-${user}`, email: `user${user}@example.com` },
    source: { ip },
    user_agent: { original: UAS[Math.floor(r() * UAS.length)] },
    audit: {
      session: { id: `s-${user}-${Math.floor(r() * 40)}` },
      ...(money ? { money: { amount: Math.floor(r() * (action === 'withdrawal' ? 5000 : 500)) + 1, currency: r() < 0.7 ? 'EUR' : 'USD' } } : {}),
      ...(r() < 0.02 ? { actor: { type: 'operator', id: `op-${Math.floor(r() * 20)}`, name: 'Operator' } } : {})
    }
  }
}

/** Ensures `total` events are stored under the config's prefix, loading what is missing. */
export async function ensureDataset (es: Es, config: Config, total: number, log: (s: string) => void): Promise<void> {
  const alias = eventsAlias(config.indexPrefix)
  const have = await es.count({ index: alias, ignore_unavailable: true, allow_no_indices: true }).then(r => r.count, () => 0)
  if (have === total) { log(`data set present: ${total} events under ${alias}`); return }
  const caps = await detectCapabilities(es)
  await installTemplates(es, { prefix: config.indexPrefix, replicas: 0, retentionDays: config.retentionDays }, caps)
  // Events are prepared as of the start: the oldest stay within retention however long the load takes.
  const now = Date.now()
  const shape = shapeOf(total)
  const prepare = new IngestService(null as unknown as EventsQueue, enrichContext(config), { indexPrefix: config.indexPrefix, maxBatch: 1000, queueMaxJobs: 1 }, { now: () => now })
  const t0 = performance.now()
  const chunk = 5000
  let inFlight: Promise<void>[] = []
  for (let from = have; from < total; from += chunk) {
    const inputs = Array.from({ length: Math.min(chunk, total - from) }, (_, k) => benchEvent(from + k, now, shape))
    const events = []
    for (let k = 0; k < inputs.length; k += 1000) events.push(...prepare.prepare({ events: inputs.slice(k, k + 1000) }))
    const docs = events.map(e => ({ index: partitionIndex(config.indexPrefix, e.audit.retention, e['@timestamp']), id: eventDocId(e.audit.tenant, e.event.id), doc: JSON.stringify(e) }))
    inFlight.push(bulkCreate(es, docs).then(r => { if (r.some(x => x.status !== 201 && x.status !== 409)) throw new Error('load refused documents') }))
    if (inFlight.length >= 2) { await Promise.all(inFlight); inFlight = [] }
    if ((from / chunk) % 20 === 0) log(`loaded ${from + docs.length} / ${total}`)
  }
  await Promise.all(inFlight)
  await es.indices.refresh({ index: alias })
  await es.indices.forcemerge({ index: alias, max_num_segments: 5 }).catch(() => undefined)
  log(`loaded ${total - have} events in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}
