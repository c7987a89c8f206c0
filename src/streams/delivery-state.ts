import type { StoredPosition, StreamState } from './schema.ts'

/** A look at the ingest queue: at `takenAt`, every job still unfinished had been queued at `oldestPendingAt` or later. */
export interface QueueSnapshot { takenAt: number, oldestPendingAt: number }

/**
 * Up to which ingest time every event is searchable, so that walking by `event.ingested` skips none. An event
 * not searchable yet is either in an unfinished job (queued at or after the snapshot's oldest pending job) or
 * written since the snapshot and awaiting a refresh; a snapshot older than the refresh interval rules out the
 * second. `settleMs` covers the time between stamping `event.ingested` and queueing, and clock skew between
 * API hosts. Undefined until a snapshot is old enough.
 */
export function horizon (snapshots: readonly QueueSnapshot[], now: number, refreshMs: number, settleMs: number): number | undefined {
  let usable: QueueSnapshot | undefined
  for (const s of snapshots) if (s.takenAt <= now - refreshMs && (usable === undefined || s.takenAt > usable.takenAt)) usable = s
  return usable === undefined ? undefined : Math.min(usable.oldestPendingAt, usable.takenAt) - settleMs
}

/** Keeps the snapshots still useful: the newest old enough, and the younger ones. */
export function pruneSnapshots (snapshots: readonly QueueSnapshot[], now: number, refreshMs: number): QueueSnapshot[] {
  const old = snapshots.filter(s => s.takenAt <= now - refreshMs)
  const newest = old.reduce<QueueSnapshot | undefined>((a, s) => a === undefined || s.takenAt > a.takenAt ? s : a, undefined)
  return [...(newest === undefined ? [] : [newest]), ...snapshots.filter(s => s.takenAt > now - refreshMs)]
}

/** Delay before attempt n+1 after n consecutive failures: 1 s doubling, capped. */
export function retryDelay (failures: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.min(30, Math.max(0, failures - 1)))
}

/** After a batch was delivered: the position moves to its last event; `full` batches mean more may wait. */
export function delivered (state: StoredPosition, last: [number, string], count: number, full: boolean, now: number): StoredPosition {
  return { ...state, after: last, deliveredAt: now, deliveredTotal: state.deliveredTotal + count, behindSince: full ? last[0] : null, failingSince: null, consecutiveFailures: 0, nextAttemptAt: null }
}

/** Nothing new up to the horizon. */
export function caughtUp (state: StoredPosition): StoredPosition {
  return state.behindSince === null ? state : { ...state, behindSince: null }
}

/** A delivery failed: the position stays, the next attempt waits. */
export function failed (state: StoredPosition, oldestPending: number, message: string, now: number, maxBackoffMs: number): StoredPosition {
  const failures = state.consecutiveFailures + 1
  return { ...state, behindSince: oldestPending, failingSince: state.failingSince ?? now, consecutiveFailures: failures, lastError: { at: now, message: message.slice(0, 500) }, nextAttemptAt: now + retryDelay(failures, maxBackoffMs) }
}

const iso = (ms: number | null): string | null => ms === null ? null : new Date(ms).toISOString()

/** The state as the API shows it. */
export function publicState (s: StoredPosition, now: number): StreamState {
  return {
    position: s.after === null ? null : { ingested: new Date(s.after[0]).toISOString(), eventId: s.after[1] },
    deliveredAt: iso(s.deliveredAt),
    deliveredTotal: s.deliveredTotal,
    lagSeconds: s.behindSince === null ? 0 : Math.max(0, now - s.behindSince) / 1000,
    failingSince: iso(s.failingSince),
    consecutiveFailures: s.consecutiveFailures,
    lastError: s.lastError === null ? null : { at: new Date(s.lastError.at).toISOString(), message: s.lastError.message },
    nextAttemptAt: iso(s.nextAttemptAt)
  }
}
