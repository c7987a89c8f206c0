import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import { makeBatch } from './events.ts'
import { KEYS } from './stack.ts'

/** One answer the client got, by when it was sent (ms since the load started). */
export interface Answer { at: number, status: number | 'network', ms: number, retryAfter?: number }

export interface LoadOptions {
  /** Event ids are `<run>-<n>`. */
  run: string
  batch?: number
  /** Pause between two accepted requests. */
  pauseMs?: number
  /** Longest wait a Retry-After may impose (the client waits what it is told, up to this). */
  maxWaitMs?: number
  key?: string
}

export interface Load {
  /** Ids of every event answered 202. */
  accepted: string[]
  answers: Answer[]
  /** Stops after the batch in hand is accepted (it is resent until it is, up to `deadlineMs`). */
  stop: (deadlineMs?: number) => Promise<void>
}

/**
 * A well-behaved client posting batches over real HTTP: a refused batch (429/503, or no answer) is sent
 * again unchanged — same event ids, so a retry can never duplicate — after the Retry-After it was given.
 */
export function startLoad (t: Test, baseUrl: string, options: LoadOptions): Load {
  const { run, batch = 50, pauseMs = 100, maxWaitMs = 10_000, key = KEYS.ingest } = options
  const accepted: string[] = []
  const answers: Answer[] = []
  const t0 = performance.now()
  let stopping = false
  let deadline = Infinity
  // A test that fails before it stops the load must not leave it posting: the process would wait for it.
  t.teardown(() => { stopping = true; deadline = 0 })
  const loop = (async () => {
    for (let next = 0; !stopping || next === 0; next += batch) {
      const body = JSON.stringify(makeBatch(run, next, batch))
      for (;;) {
        const at = performance.now() - t0
        let answer: Answer
        try {
          const res = await fetch(`${baseUrl}/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` }, signal: AbortSignal.timeout(15_000) })
          const text = await res.text()
          const retryAfter = res.headers.get('retry-after')
          answer = { at, status: res.status, ms: performance.now() - t0 - at, ...(retryAfter === null ? {} : { retryAfter: Number(retryAfter) }) }
          if (res.status === 202) accepted.push(...(JSON.parse(text) as { ids: string[] }).ids)
        } catch {
          answer = { at, status: 'network', ms: performance.now() - t0 - at }
        }
        answers.push(answer)
        if (answer.status === 202) break
        if (typeof answer.status === 'number' && answer.status < 500 && answer.status !== 429) throw new Error(`ingest answered ${answer.status}`)
        if (performance.now() > deadline) return
        await sleep(Math.min(maxWaitMs, (answer.retryAfter ?? 1) * 1000))
      }
      await sleep(pauseMs)
    }
  })()
  return {
    accepted,
    answers,
    stop: async (deadlineMs = 120_000) => {
      stopping = true
      deadline = performance.now() + deadlineMs
      await loop
    }
  }
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0

/** Answers by status, latency, and whether every refusal said when to come back; printed as test comments. */
export function summarise (answers: readonly Answer[], from = 0, to = Infinity): { statuses: Record<string, number>, p50: number, p99: number, max: number, refusals: number, withRetryAfter: number } {
  const within = answers.filter(a => a.at >= from && a.at < to)
  const statuses: Record<string, number> = {}
  for (const a of within) statuses[a.status] = (statuses[a.status] ?? 0) + 1
  const ms = within.map(a => a.ms).sort((a, b) => a - b)
  const refused = within.filter(a => a.status === 429 || a.status === 503)
  return { statuses, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: ms.at(-1) ?? 0, refusals: refused.length, withRetryAfter: refused.filter(a => a.retryAfter !== undefined && a.retryAfter >= 1).length }
}

/** Reports one phase of the client's view as a TAP comment. */
export function report (t: Test, phase: string, answers: readonly Answer[], from = 0, to = Infinity): ReturnType<typeof summarise> {
  const s = summarise(answers, from, to)
  const statuses = Object.entries(s.statuses).map(([k, v]) => `${k}×${v}`).join(' ') || 'none'
  t.comment(`${phase}: answers ${statuses}; latency p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms; ${s.withRetryAfter}/${s.refusals} refusals carried Retry-After`)
  return s
}
