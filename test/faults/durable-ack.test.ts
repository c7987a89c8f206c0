import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFaultRedis } from '../helpers/fault-engines.ts'
import { startFaultStack } from '../helpers/fault-stack.ts'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { makeBatch } from '../helpers/events.ts'
import { assertStoredOnce } from '../helpers/fault-invariant.ts'
import { exited, startWorker, workerEnv } from '../helpers/worker-process.ts'

/** Everything the AOF files of a Redis directory hold now (multi-part AOF: base and increments). */
async function aofText (dir: string): Promise<string> {
  const aofDir = join(dir, 'appendonlydir')
  const files = (await readdir(aofDir)).filter(f => f.endsWith('.aof'))
  return (await Promise.all(files.map(async f => await readFile(join(aofDir, f), 'latin1')))).join('')
}

t.test('durable acknowledgement (SILLAGE_DURABLE_ACK=on): 202 only once the job is on disk; refused otherwise', async t => {
  const redis = await startFaultRedis(t, 'durable')
  const env = { REDIS_URL: redis.url, SILLAGE_DURABLE_ACK: 'on' }

  // Redis 7.0 has no WAITAOF: the API requires appendfsync always, and says so at start.
  const version = /redis_version:([\d.]+)/.exec(await redis.client.info('server'))?.[1] ?? '?'
  t.comment(`redis-server ${version}`)
  if (!version.startsWith('7.0') && !version.startsWith('7.1') && !version.startsWith('6')) t.comment('this Redis has WAITAOF: the API confirms each add with it')
  else await t.rejects(startStack(t, { env }), /appendfsync always .*it has everysec/, 'an API in durable mode does not start on a Redis that fsyncs once a second')

  await redis.client.config('SET', 'appendfsync', 'always')
  const stack = await startFaultStack(t, { ...env, SILLAGE_LOG_LEVEL: 'fatal' }, { worker: false })
  const ids: string[] = []
  for (let b = 0; b < 5; b++) {
    const res = await fetch(`${stack.url}/v1/events`, { method: 'POST', body: JSON.stringify(makeBatch('durable', b * 10, 10)), headers: { 'content-type': 'application/json', ...auth(KEYS.ingest) } })
    t.equal(res.status, 202)
    ids.push(...((await res.json()) as { ids: string[] }).ids)
    // Written to the AOF file before the reply; with appendfsync always Redis also fsyncs it before replying.
    t.ok((await aofText(redis.dir)).includes(`durable-${b * 10 + 9}`), `batch ${b}: in the AOF file when 202 was answered`)
  }
  await redis.kill()
  await redis.restart()
  t.equal((await stack.queue.getJobCounts('waiting')).waiting, 5, 'killed right after the last 202 and restarted: all five jobs are there')

  // Someone turns fsync back to once a second: seen within the recheck period, and ingest refuses rather than answer a weaker 202.
  await redis.client.config('SET', 'appendfsync', 'everysec')
  await sleep(5500)
  const refused = await fetch(`${stack.url}/v1/events`, { method: 'POST', body: JSON.stringify(makeBatch('durable', 100, 10)), headers: { 'content-type': 'application/json', ...auth(KEYS.ingest) } })
  t.equal(refused.status, 503)
  t.ok(Number(refused.headers.get('retry-after')) >= 1, 'with Retry-After')
  t.match(((await refused.json()) as { message: string }).message, /cannot keep events on disk now .*appendfsync always.*nothing was accepted/)
  await redis.client.config('SET', 'appendfsync', 'always')

  const worker = startWorker(workerEnv(stack.config))
  t.teardown(async () => { worker.kill('SIGKILL'); await exited(worker) })
  const outcome = await assertStoredOnce(t, stack.es, stack.config.indexPrefix, ids)
  t.equal(outcome.stored.size, 50, 'every acknowledged event stored once')
})
