import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { QUEUES, cappedExponentialBackoff } from '../queue/policy.ts'
import type { SignedCheckpoint } from '../integrity/checkpoint.ts'
import type { SealEntry, SealResult } from '../integrity/types.ts'
import type { Sealer } from './sealer.ts'
import { entryCount, packEntries, unpackEntries, type SealJobData } from '../queue/seal-payload.ts'
import { createSealQueue, type SealJob, type SealJobName, type SealJobResult, type SealQueue } from '../queue/seal-queue.ts'
import { SealTurn } from './seal-turn.ts'

export interface SealerOptions {
  prefix: string
  checkpointMs: number
  /** Lock duration of the workers' jobs; entries to be looked up in the log wait this long before sealing. */
  lockMs: number
  /**
   * Longest a seal job goes on sealing the new entries of its own process (see SealTurn), so that checkpoints
   * and other processes' seal jobs get their turn; 0 sends every entry through Redis.
   */
  turnMs: number
}

export interface Sealing {
  /** Puts stored events on the seal queue; resolves once Redis holds them. */
  enqueue: (entries: SealEntry[]) => Promise<void>
  /** Makes checkpoints now (after the seal jobs already waiting; entries delayed for a lookup are not waited for) and returns them. */
  checkpointNow: (timeoutMs?: number) => Promise<SignedCheckpoint[]>
  close: () => Promise<void>
}

/** Entries per seal job: one `_bulk` of leaves, a few hundred kilobytes in Redis. */
const MAX_ENTRIES_PER_JOB = 5000
/** Most entries one seal takes in at once, the job it runs and the seal jobs waiting behind it together. */
const MAX_ENTRIES_PER_SEAL = 20_000
const JOBS_PER_READ = 4
/** Longer than the gap between two bulks of a busy worker (flush interval plus an Elasticsearch round trip). */
const TURN_IDLE_MS = 200
/** A round of the turn gathers this many entries, waiting at most this long (which sealing latency gains). */
const ROUND_MIN_ENTRIES = 5000
const ROUND_GATHER_MS = 250

/** The seal queue's consumer (see createSealQueue: one job at a time across every worker process). */
export async function startSealing (connection: Redis, sealer: Sealer, options: SealerOptions, log: Logger): Promise<Sealing> {
  const queue = await createSealQueue(connection, options.prefix, options.checkpointMs)

  // The last process to seal leaves its token: another one's token means this process's view of the logs is stale.
  const ownerKey = `${options.prefix}:integrity:sealer`
  const token = randomUUID()
  const takenKey = `${options.prefix}:integrity:seal-taken`
  const enqueuer = new SealEnqueuer(queue, options.lockMs)
  const turn = new SealTurn({ seal: async entries => await sealer.seal(entries), queue: async entries => await enqueuer.add(entries), maxEntries: MAX_ENTRIES_PER_SEAL, idleMs: TURN_IDLE_MS, minEntries: ROUND_MIN_ENTRIES, gatherMs: ROUND_GATHER_MS })
  const worker = new Worker<SealJobData, SealJobResult, SealJobName>(QUEUES.seal.name, async (job: SealJob) => {
    const previous = await connection.set(ownerKey, token, 'GET')
    if (previous !== token) sealer.invalidate()
    if (job.name === 'checkpoint') return await sealer.checkpoint()
    turn.begin()
    try {
      const result = await sealJobs(job)
      // Then the entries this process stored meanwhile, for as long as the turn is still this process's.
      await turn.drain(Date.now() + options.turnMs, async () => await connection.get(ownerKey) === token)
      return result
    } finally {
      turn.end()
    }
  }, {
    connection,
    prefix: options.prefix,
    concurrency: 1,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: 1000,
    settings: { backoffStrategy: cappedExponentialBackoff }
  })

  async function sealJobs (job: SealJob): Promise<SealResult> {
    // Group commit: the seal jobs waiting behind this one are sealed with it, in one bulk. No other sealer can
    // take them meanwhile (one active job at most); if this process dies before removing them, they run again.
    const merged = await waitingSeals(queue, entryCount(job.data))
    const jobs = [job, ...merged]
    const ids = jobs.map(j => j.id as string)
    // A job taken before (it failed, or its process died mid-seal) may have had its entries sealed: they are
    // then looked up in the log. Jobs leave the set once completed or removed.
    const replay = job.attemptsMade > 0 || (await connection.smismember(takenKey, ...ids)).includes(1)
    await connection.sadd(takenKey, ...ids)
    const result = await sealer.seal(jobs.flatMap(j => unpackEntries(j.data)), replay)
    // A merged job that could not be removed runs again, and must then be looked up: it stays in the set.
    const removed = await Promise.allSettled(merged.map(async j => { await j.remove() }))
    const gone = merged.filter((_, i) => removed[i]?.status === 'fulfilled').map(j => j.id as string)
    if (gone.length > 0) await connection.srem(takenKey, ...gone)
    return result
  }
  worker.on('completed', job => { if (job.name === 'seal') connection.srem(takenKey, job.id as string).catch(() => undefined) })
  worker.on('error', err => log.error({ err }, 'seal worker error'))
  worker.on('failed', (job, err) => log.warn({ job: job?.id, name: job?.name, attempts: job?.attemptsMade, err: err.message }, 'seal job failed, will retry'))

  return {
    // New entries stored while this process holds the seal turn are sealed in it; the others go through Redis.
    enqueue: async entries => options.turnMs > 0 && turn.isOpen && entries.every(e => e.recheck !== true) ? await turn.hold(entries) : await enqueuer.add(entries),
    checkpointNow: async (timeoutMs = 60_000) => {
      const job = await queue.add('checkpoint', {}, QUEUES.seal.checkpoint)
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const state = await job.getState()
        if (state === 'completed') return ((await queue.getJob(job.id as string))?.returnvalue ?? []) as SignedCheckpoint[]
        if (state === 'failed') throw new Error(`checkpoint failed: ${(await queue.getJob(job.id as string))?.failedReason ?? 'unknown'}`)
        await sleep(50)
      }
      throw new Error(`no checkpoint within ${timeoutMs} ms`)
    },
    close: async () => {
      // The active seal job ends its turn first: what it still held goes to the queue, which is then flushed.
      await worker.close()
      await enqueuer.flushed()
      await queue.close()
    }
  }
}

/** Seal jobs waiting in the queue, oldest first, up to MAX_ENTRIES_PER_SEAL entries with the running one. */
async function waitingSeals (queue: SealQueue, running: number): Promise<SealJob[]> {
  const taken: SealJob[] = []
  let entries = running
  // Read a few jobs at a time: each is read whole, and most of a long queue would not fit in this seal.
  for (let from = 0; ; from += JOBS_PER_READ) {
    const waiting = await queue.getJobs(['waiting'], from, from + JOBS_PER_READ - 1, true)
    for (const job of waiting) {
      if (job.name !== 'seal') continue
      const size = entryCount(job.data)
      if (entries + size > MAX_ENTRIES_PER_SEAL) return taken
      taken.push(job)
      entries += size
    }
    if (waiting.length < JOBS_PER_READ) return taken
  }
}

/**
 * Gathers the entries of the events jobs that finish together (a bulk settles many jobs at once) into few
 * seal jobs, so the single sealer writes large bulks of leaves.
 */
class SealEnqueuer {
  private pending: Array<{ entries: SealEntry[], resolve: () => void, reject: (err: Error) => void }> = []
  private scheduled = false
  private readonly inFlight = new Set<Promise<void>>()

  constructor (private readonly queue: SealQueue, private readonly recheckDelayMs: number) {}

  add (entries: SealEntry[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entries, resolve, reject })
      if (this.scheduled) return
      this.scheduled = true
      setImmediate(() => this.flush())
    })
  }

  async flushed (): Promise<void> {
    await Promise.allSettled([...this.inFlight])
  }

  private flush (): void {
    const batch = this.pending
    this.pending = []
    this.scheduled = false
    const entries = batch.flatMap(p => p.entries)
    const jobs: Array<{ name: SealJobName, data: SealJobData, opts?: { delay: number } }> = []
    const add = (list: SealEntry[], recheck: boolean): void => {
      for (let i = 0; i < list.length; i += MAX_ENTRIES_PER_JOB) {
        // An entry to look up waits out the ingest lock: the entry of the same event from the attempt that
        // created it (not looked up) is then in the queue ahead of it, or that attempt died and never sent one.
        // Sealed first, the looked-up one could not see it and the event would be sealed twice.
        jobs.push({ name: 'seal', data: packEntries(list.slice(i, i + MAX_ENTRIES_PER_JOB), recheck), ...(recheck ? { opts: { delay: this.recheckDelayMs } } : {}) })
      }
    }
    add(entries.filter(e => e.recheck !== true), false)
    add(entries.filter(e => e.recheck === true), true)
    const run = this.queue.addBulk(jobs).then(
      () => { for (const p of batch) p.resolve() },
      (err: Error) => { for (const p of batch) p.reject(err) }
    ).finally(() => this.inFlight.delete(run))
    this.inFlight.add(run)
  }
}
