import type { WatchBounds } from '../config/monitoring-config.ts'
import type { SystemAlert, SystemAlertKind } from './system-alert.ts'

/** One look at the pipeline, taken by the self-watch job. */
export interface Observation {
  at: number
  events: { depth: number, oldestWaitingAt: number | null, failed: number }
  /** Absent when the integrity chain is off. */
  seal?: { oldestWaitingAt: number | null, lastCheckpointAt: number | null, checkpointMs: number }
  /** Dead letters ever stored: those stored now and those retention has deleted. */
  deadLetters: number
  streams: Array<{ id: string, tenant: string, name: string, failingSince: number | null }>
}

/** What the watch remembers between runs (kept in Redis: runs go to any worker). */
export interface WatchState {
  since: number
  deadLetters: number | null
  failedJobs: number | null
  /** The ingest queue's depth has not gone down since `since`, from `from` to `last`. */
  growth: { since: number, from: number, last: number } | null
  /** Conditions raised and not yet over. */
  firing: string[]
}

export interface WatchResult { state: WatchState, raised: SystemAlert[], resolved: string[] }

const seconds = (ms: number): number => Math.round(ms / 100) / 10

/**
 * Decides which system alerts to raise. Lasting conditions (a backlog, a late sealer, a failing stream) are
 * raised once when they start and reported resolved when they end; dead letters and failed jobs are raised at
 * each increase of their count.
 */
export function watch (previous: WatchState | undefined, obs: Observation, bounds: WatchBounds): WatchResult {
  const at = obs.at
  const iso = new Date(at).toISOString()
  // The most letters seen: a sum that dips (letters deleted by retention before the counter of deleted letters grows) and comes back is not new.
  const seenLetters = previous === undefined ? null : previous.deadLetters
  const state: WatchState = { since: previous?.since ?? at, deadLetters: seenLetters === null ? obs.deadLetters : Math.max(seenLetters, obs.deadLetters), failedJobs: obs.events.failed, growth: nextGrowth(previous?.growth ?? null, obs.events.depth, at), firing: [] }
  const raised: SystemAlert[] = []
  const lasting = (key: string, kind: SystemAlertKind, on: boolean, make: () => Omit<SystemAlert, 'key' | 'kind' | 'at'>): void => {
    if (!on) return
    state.firing.push(key)
    if (!(previous?.firing ?? []).includes(key)) raised.push({ key, kind, at: iso, ...make() })
  }

  const newLetters = seenLetters === null ? 0 : obs.deadLetters - seenLetters
  if (newLetters > 0) {
    raised.push({ key: 'dead_letters', kind: 'dead_letters', severity: 'critical', at: iso, summary: `${newLetters} event(s) dead-lettered: refused by Elasticsearch or clashing with a stored id; they are not in the trail until handled`, details: { new: newLetters, total: obs.deadLetters } })
  }
  const newFailed = previous?.failedJobs === null || previous === undefined ? 0 : obs.events.failed - previous.failedJobs
  if (newFailed > 0) {
    raised.push({ key: 'jobs_failed', kind: 'jobs_failed', severity: 'critical', at: iso, summary: `${newFailed} ingest job(s) exhausted their retries; their events wait for npm run cli -- replay-failed`, details: { new: newFailed, failed: obs.events.failed } })
  }

  const oldest = obs.events.oldestWaitingAt === null ? 0 : at - obs.events.oldestWaitingAt
  lasting('queue_backlog', 'queue_backlog', oldest > bounds.queueAgeMs, () => ({ severity: 'critical', summary: `the oldest waiting ingest job is ${seconds(oldest)} s old (bound ${seconds(bounds.queueAgeMs)} s): events are not being indexed`, details: { oldest_seconds: seconds(oldest), depth: obs.events.depth, bound_seconds: seconds(bounds.queueAgeMs) } }))
  const growth = state.growth
  const growing = growth !== null && at - growth.since >= bounds.queueGrowthMs && growth.last > growth.from
  lasting('queue_growing', 'queue_growing', growing, () => ({ severity: 'high', summary: `the ingest queue has grown for ${seconds(at - (growth?.since ?? at))} s without draining (${growth?.from} → ${growth?.last} jobs)`, details: { from: growth?.from ?? 0, depth: obs.events.depth, for_seconds: seconds(at - (growth?.since ?? at)) } }))

  if (obs.seal !== undefined) {
    const seal = obs.seal
    const sealAge = seal.oldestWaitingAt === null ? 0 : at - seal.oldestWaitingAt
    lasting('sealing_behind', 'sealing_behind', sealAge > bounds.sealAgeMs, () => ({ severity: 'critical', summary: `stored events have waited ${seconds(sealAge)} s to enter the integrity log (bound ${seconds(bounds.sealAgeMs)} s)`, details: { oldest_seconds: seconds(sealAge), bound_seconds: seconds(bounds.sealAgeMs) } }))
    const late = Math.max(bounds.checkpointLateMs, 3 * seal.checkpointMs)
    const since = at - (seal.lastCheckpointAt ?? state.since)
    lasting('checkpoint_late', 'checkpoint_late', since > late, () => ({ severity: 'critical', summary: seal.lastCheckpointAt === null ? `no checkpoint run in ${seconds(since)} s of watching` : `the last checkpoint run finished ${seconds(since)} s ago (bound ${seconds(late)} s)`, details: { since_seconds: seconds(since), bound_seconds: seconds(late) } }))
  }

  for (const s of obs.streams) {
    const failing = s.failingSince === null ? 0 : at - s.failingSince
    // No error text: the tenant's alerts reach its read keys, and the error names the receiver (admins read it in
    // the stream's status, operators in the worker's log).
    lasting(`stream_failing:${s.id}`, 'stream_failing', failing > bounds.streamFailingMs, () => ({ severity: 'high', tenant: s.tenant, summary: `log stream "${s.name}" of tenant ${s.tenant} has failed to deliver for ${seconds(failing)} s; its status (GET /v1/streams/${s.id}) says why`, details: { stream: s.id, failing_seconds: seconds(failing) } }))
  }

  const resolved = (previous?.firing ?? []).filter(key => !state.firing.includes(key))
  return { state, raised, resolved }
}

function nextGrowth (growth: WatchState['growth'], depth: number, at: number): WatchState['growth'] {
  if (depth === 0) return null
  if (growth === null || depth < growth.last) return { since: at, from: depth, last: depth }
  return { ...growth, last: depth }
}
