import type { Test } from 'tap'
import { t } from '../helpers/file-test.ts'
import { pino } from 'pino'
import { Redis } from 'ioredis'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { startSealing } from '../../src/sealing/sealer-worker.ts'
import type { Sealer } from '../../src/sealing/sealer.ts'
import type { SealEntry } from '../../src/integrity/types.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

const entry = (id: string): SealEntry => ({ tenant: 'brand-a', id, index: 'p', leaf: '0'.repeat(64) })

/**
 * The seal queue and worker on the real Redis, with a sealer that records what it is given and holds its first
 * seal until released: entries stored while that seal job runs are sealed in its turn, not queued.
 */
async function harness (t: Test, turnMs: number): Promise<{ calls: string[][], release: () => void, enqueue: (entries: SealEntry[]) => Promise<void> }> {
  const config = loadConfig(testEnv())
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null })
  const calls: string[][] = []
  let release = (): void => undefined
  const gate = new Promise<void>(resolve => { release = resolve })
  const sealer = {
    invalidate: () => undefined,
    checkpoint: async () => [],
    seal: async (entries: readonly SealEntry[]) => {
      calls.push(entries.map(e => e.id))
      if (calls.length === 1) await gate
      return { sealed: entries.length, skipped: 0 }
    }
  } as unknown as Sealer
  const sealing = await startSealing(redis, sealer, { prefix: config.queuePrefix, checkpointMs: 3_600_000, lockMs: 30_000, turnMs }, pino({ level: 'silent' }))
  t.teardown(async () => {
    release()
    await sealing.close()
    redis.disconnect()
    const es = createEs(config.elasticsearchUrl)
    await cleanup(es, config)
    await es.close()
  })
  return { calls, release: () => { release() }, enqueue: sealing.enqueue }
}

async function until (check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(25)
  if (!check()) throw new Error('timed out')
}

t.test('entries stored while this process runs the seal job are sealed in its turn', async t => {
  const h = await harness(t, 5000)
  await h.enqueue([entry('a')]) // no job running: through Redis
  await until(() => h.calls.length === 1)
  let settled = false
  const held = h.enqueue([entry('b'), entry('c')]).then(() => { settled = true })
  await sleep(200)
  t.notOk(settled, 'held until sealed, not handed to Redis')
  h.release()
  await held
  t.same(h.calls, [['a'], ['b', 'c']], 'sealed right after the job, in the same turn')
})

t.test('with SILLAGE_SEAL_TURN_MS=0 every entry goes through Redis', async t => {
  const h = await harness(t, 0)
  await h.enqueue([entry('a')])
  await until(() => h.calls.length === 1)
  await h.enqueue([entry('b'), entry('c')]) // settles once Redis holds it, while the first seal still runs
  t.same(h.calls, [['a']])
  h.release()
  await until(() => h.calls.length === 2)
  t.same(h.calls, [['a'], ['b', 'c']], 'sealed by a job of their own')
})

t.test('entries to look up never take the turn', async t => {
  const h = await harness(t, 5000)
  await h.enqueue([entry('a')])
  await until(() => h.calls.length === 1)
  await h.enqueue([{ ...entry('d'), recheck: true }]) // queued (delayed by the lock), settles at once
  h.release()
  await sleep(200)
  t.same(h.calls, [['a']], 'not sealed in the turn')
})
