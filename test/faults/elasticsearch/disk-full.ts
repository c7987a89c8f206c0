import type { Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFaultRedis, type FaultEs } from '../../helpers/fault-engines.ts'
import { startFaultStack, watch } from '../../helpers/fault-stack.ts'
import { report, startLoad } from '../../helpers/fault-load.ts'
import { assertStoredOnce } from '../../helpers/fault-invariant.ts'
import type { Es } from '../../../src/store/elasticsearch.ts'

const DISK = 'cluster.routing.allocation.disk'

/** Flood stage at 1 % used: any real disk is past it, as a full one would be. `null` puts the defaults back. */
async function floodStage (es: Es, on: boolean): Promise<void> {
  const value = on ? '1%' : null
  await es.cluster.putSettings({
    persistent: {
      [`${DISK}.threshold_enabled`]: on ? true : null,
      [`${DISK}.watermark.low`]: value,
      [`${DISK}.watermark.high`]: value,
      [`${DISK}.watermark.flood_stage`]: value,
      // The disk monitor looks every 10 s at most (its floor).
      'cluster.info.update.interval': on ? '10s' : null
    }
  })
}

/** Whether the flood-stage block is on every index of the prefix (and the dead-letter index). */
async function blocked (es: Es, prefix: string): Promise<boolean> {
  const settings = await es.indices.getSettings({ index: `${prefix}-*`, name: 'index.blocks.read_only_allow_delete', expand_wildcards: 'all' })
  const values = Object.values(settings).map(s => (s.settings as Record<string, unknown> | undefined)?.index)
  return values.length > 0 && values.every(v => JSON.stringify(v ?? {}).includes('"read_only_allow_delete":"true"'))
}

async function until (what: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = performance.now()
  while (!(await what())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms`)
    await sleep(500)
  }
  return performance.now() - t0
}

export const title = 'Elasticsearch disk full (flood stage), then a write block: events wait in the queue, are never dead-lettered, and flow once writes are allowed again'

export async function diskFull (t: Test, es: FaultEs): Promise<void> {
  // The shared node turns the disk monitor off; this node needs it, to be told its disk is full.
  const redis = await startFaultRedis(t, 'disk')
  const stack = await startFaultStack(t, { ELASTICSEARCH_URL: es.url, REDIS_URL: redis.url })
  const load = startLoad(t, stack.url, { run: 'full', batch: 20, pauseMs: 200 })
  const t0 = performance.now()
  await sleep(3000)
  t.ok(await stack.waitForCount(1, 20_000) > 0, 'events flow before the disk fills')

  await floodStage(stack.es, true)
  const tookMs = await until(async () => await blocked(stack.es, stack.config.indexPrefix), 90_000)
  const full = performance.now() - t0
  t.comment(`flood stage reached: every index of the prefix read-only ${(tookMs / 1000).toFixed(1)} s after the watermark was lowered`)
  const storedAtFull = await stack.waitForCount(0)
  const failed = watch(async () => (await stack.queue.getJobCounts('failed')).failed, 500)
  await sleep(6000)
  await stack.es.indices.refresh({ index: `${stack.config.indexPrefix}-events`, ignore_unavailable: true })
  const storedWhileFull = (await stack.es.count({ index: `${stack.config.indexPrefix}-events` })).count
  const waiting = await stack.queue.getJobCounts('waiting', 'delayed', 'active')
  t.comment(`while full: ${storedWhileFull - storedAtFull} more events stored (writes in flight when the block landed); queue ${JSON.stringify(waiting)}`)
  t.ok((waiting.waiting ?? 0) + (waiting.delayed ?? 0) + (waiting.active ?? 0) > 0, 'events wait in the queue')

  await floodStage(stack.es, false)
  const freedMs = await until(async () => !(await blocked(stack.es, stack.config.indexPrefix)), 90_000)
  const freed = performance.now() - t0
  t.comment(`space back: the block lifted by Elasticsearch itself ${(freedMs / 1000).toFixed(1)} s after the watermark was restored`)
  await sleep(3000)

  // An operator's write block on the event partitions (403, not 429): the dead-letter index stays writable,
  // so an event taken for refused would be dead-lettered at once. It must wait instead.
  const partitions = `${stack.config.indexPrefix}-events-*`
  await stack.es.indices.putSettings({ index: partitions, settings: { 'index.blocks.write': true } })
  const writeBlocked = performance.now() - t0
  await sleep(6000)
  const queuedUnderBlock = await stack.queue.getJobCounts('waiting', 'delayed', 'active')
  t.comment(`write block (403 cluster_block_exception) for 6 s: queue ${JSON.stringify(queuedUnderBlock)}`)
  await stack.es.indices.putSettings({ index: partitions, settings: { 'index.blocks.write': null } })
  const writeLifted = performance.now() - t0
  await sleep(3000)
  await load.stop()
  const stopped = performance.now() - t0

  const outcome = await assertStoredOnce(t, stack.es, stack.config.indexPrefix, load.accepted, { timeoutMs: 120_000 })
  await failed.stop()
  t.equal(outcome.deadLettered.size, 0, 'nothing dead-lettered for a full disk or a write block')
  t.same(failed.seen.map(s => s.value).filter(v => v !== 0), [], 'no job exhausted its attempts')
  report(t, 'before', load.answers, 0, full)
  const during = report(t, 'disk full', load.answers, full, freed)
  report(t, 'after', load.answers, freed, writeBlocked)
  report(t, 'write block', load.answers, writeBlocked, writeLifted)
  report(t, 'after the write block', load.answers, writeLifted, stopped)
  t.ok((during.statuses['202'] ?? 0) > 0 && Object.keys(during.statuses).every(s => s === '202' || s === '429'), 'ingest kept answering 202 (429 only if the queue filled)')
}
