import t from 'tap'
import type { Redis } from 'ioredis'
import { DurableAck, redisVersion, supportsWaitAof } from '../../../src/queue/durable-ack.ts'

/** A scripted Redis: what INFO and CONFIG GET answer, and the WAITAOF calls it received. */
function fakeRedis (state: { version: string, aof: boolean, fsync: string, waitaof?: [number, number] }): { redis: Redis, calls: string[][] } {
  const calls: string[][] = []
  const redis = {
    info: async (section: string) => section === 'server' ? `# Server\r\nredis_version:${state.version}\r\n` : `# Persistence\r\naof_enabled:${state.aof ? 1 : 0}\r\n`,
    config: async (_get: string, name: string) => { calls.push(['CONFIG', name]); return [name, state.fsync] },
    call: async (...args: string[]) => { calls.push(args); return state.waitaof ?? [1, 0] }
  }
  return { redis: redis as unknown as Redis, calls }
}

t.test('version lines and WAITAOF support (7.2 and later)', async t => {
  t.same(redisVersion('redis_version:7.0.15\r\n'), [7, 0])
  t.same(redisVersion('# Server\r\nredis_version:8.2.1\r\n'), [8, 2])
  t.same(redisVersion('nothing'), [0, 0])
  t.notOk(supportsWaitAof([7, 0]))
  t.ok(supportsWaitAof([7, 2]))
  t.ok(supportsWaitAof([8, 0]))
})

t.test('Redis 7.2+: WAITAOF 1 0 <timeout> after each add; refused when the AOF did not fsync in time', async t => {
  const state = { version: '7.4.1', aof: true, fsync: 'everysec', waitaof: [1, 0] as [number, number] }
  const { redis, calls } = fakeRedis(state)
  const ack = await DurableAck.open(redis, { timeoutMs: 1500 })
  t.equal(ack.method, 'waitaof')
  await ack.ready()
  await ack.confirm()
  t.same(calls, [['WAITAOF', '1', '0', '1500']], 'no CONFIG needed: WAITAOF itself proves the fsync')
  state.waitaof = [0, 0]
  await t.rejects(ack.confirm(), /did not fsync within 1500 ms/)
})

t.test('older Redis: appendfsync always is required, checked at start and again every few seconds', async t => {
  let now = 0
  const state = { version: '7.0.15', aof: true, fsync: 'everysec' }
  const { redis, calls } = fakeRedis(state)
  await t.rejects(DurableAck.open(redis, { timeoutMs: 1000 }), /appendfsync always .*it has everysec/)
  state.fsync = 'always'
  const ack = await DurableAck.open(redis, { timeoutMs: 1000, recheckMs: 5000, clock: { now: () => now } })
  t.equal(ack.method, 'fsync-always')
  await ack.confirm()
  t.notOk(calls.some(c => c[0] === 'WAITAOF'), 'no WAITAOF before 7.2')
  state.fsync = 'everysec' // changed at runtime by someone
  now = 4000
  await ack.ready()
  now = 5001
  await t.rejects(ack.ready(), { name: 'DurableAckError', message: /everysec/ }, 'seen at the next check: ingest then refuses to queue')
})

t.test('without AOF nothing is ever on disk: refused at start', async t => {
  const { redis } = fakeRedis({ version: '7.4.0', aof: false, fsync: 'always' })
  await t.rejects(DurableAck.open(redis, { timeoutMs: 1000 }), /appendonly yes/)
})

t.test('a Redis Cluster client is refused: its commands reach any node, not the one that took the job', async t => {
  const { redis } = fakeRedis({ version: '7.4.0', aof: true, fsync: 'always' })
  await t.rejects(DurableAck.open(Object.assign(redis, { isCluster: true }), { timeoutMs: 1000 }), /not available on a Redis Cluster/)
})
