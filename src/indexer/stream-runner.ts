import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { StreamsConfig } from '../config/monitoring-config.ts'
import type { StreamsStore, VersionedStream } from '../store/system/streams-store.ts'
import type { StreamEvent } from '../store/events/stream-events.ts'
import type { Leases } from '../queue/lease.ts'
import type { SendBatch } from '../streams/senders.ts'
import { horizon, pruneSnapshots, publicState, type QueueSnapshot } from '../streams/delivery-state.ts'
import type { StreamMetrics } from '../metrics/stream-metrics.ts'
import { deliverStream } from './stream-deliverer.ts'

export interface StreamRunnerDeps {
  store: StreamsStore
  leases: Leases
  send: SendBatch
  /** The stream's next events (its query, confined to its tenant) after a position and before a time. */
  page: (stream: VersionedStream, after: [number, string] | null, before: number, size: number) => Promise<StreamEvent[]>
  /** When the oldest unfinished ingest job was queued (now when none is). */
  oldestPending: (now: number) => Promise<number>
  metrics?: StreamMetrics
  log: Logger
  now?: () => number
}

/** Event partitions refresh every second; a snapshot of the queue this old has seen its finished jobs' events become searchable. */
const REFRESH_MS = 1500
const POLL_MS = 1000
const LIST_EVERY_MS = 5000
const MAX_BATCHES_PER_TURN = 20
const PARALLEL = 4

/**
 * Delivers every enabled stream this worker holds the lease of, once a second: streams spread over the
 * workers, each delivered by one at a time (which keeps its order); a dead worker's streams are taken over
 * when its leases expire.
 */
export function startStreamRunner (config: StreamsConfig, deps: StreamRunnerDeps): { close: () => Promise<void> } {
  const now = deps.now ?? Date.now
  const holder = randomUUID()
  let snapshots: QueueSnapshot[] = []
  let streams: VersionedStream[] = []
  let listedAt = -Infinity
  const held = new Set<string>()
  let stopped = false
  let timer: NodeJS.Timeout | undefined

  const turn = async (): Promise<void> => {
    const t0 = now()
    snapshots = pruneSnapshots([...snapshots, { takenAt: t0, oldestPendingAt: await deps.oldestPending(t0) }], t0, REFRESH_MS)
    if (t0 - listedAt > LIST_EVERY_MS) {
      streams = (await deps.store.list(null)).filter(s => s.doc.enabled)
      listedAt = t0
    }
    const before = horizon(snapshots, t0, REFRESH_MS, config.settleMs)
    if (before === undefined) return
    const queue = [...streams]
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      for (let s = queue.shift(); s !== undefined && !stopped; s = queue.shift()) await deliverOne(s, before)
    }))
  }

  const deliverOne = async (listed: VersionedStream, before: number): Promise<void> => {
    const name = `stream:${listed.id}`
    if (!(await deps.leases.hold(name, holder))) { held.delete(listed.id); return }
    held.add(listed.id)
    try {
      // The list is a few seconds old: a stream deleted, disabled or changed since is read again, and a deleted
      // one (no definition, or no position: both go together) is never delivered from the start.
      const stream = await deps.store.get(listed.id)
      if (stream === undefined || !stream.doc.enabled) return
      const stored = await deps.store.versionedPosition(stream.id)
      if (stored.version === null) return
      const type = stream.doc.destination.type
      // Saved only over the version read: a position moved meanwhile by an administrator is not overwritten, nor
      // one deleted with its stream.
      let version: string | undefined = stored.version
      const outcome = await deliverStream(stream, before, {
        page: deps.page, send: deps.send, now,
        position: async () => stored.position,
        save: async (id, position) => {
          if (version === undefined) return false
          version = await deps.store.savePositionIf(id, position, version)
          return version !== undefined
        },
        stillHeld: async () => await deps.leases.hold(name, holder)
      }, { maxBatches: MAX_BATCHES_PER_TURN, maxBackoffMs: config.maxBackoffMs })
      if (outcome.delivered > 0) deps.metrics?.delivered.inc({ type }, outcome.delivered)
      if (outcome.failed) {
        deps.metrics?.failures.inc({ type })
        deps.log.warn({ stream: stream.id, tenant: stream.doc.tenant, error: outcome.position.lastError?.message, failures: outcome.position.consecutiveFailures }, 'log stream delivery failed; it will be retried')
      }
      deps.metrics?.lagOf(stream.id, publicState(outcome.position, now()).lagSeconds)
    } catch (err) {
      deps.log.error({ err, stream: listed.id }, 'log stream turn failed')
    }
  }

  let running: Promise<void> = Promise.resolve()
  const schedule = (): void => {
    if (stopped) return
    timer = setTimeout(() => {
      running = turn().catch(err => { deps.log.error({ err }, 'log streams turn failed') }).finally(schedule)
    }, POLL_MS)
  }
  schedule()

  return {
    close: async () => {
      stopped = true
      clearTimeout(timer)
      await running
      await Promise.all([...held].map(async id => { await deps.leases.release(`stream:${id}`, holder).catch(() => undefined) }))
    }
  }
}
