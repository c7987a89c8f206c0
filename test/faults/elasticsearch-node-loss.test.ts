import t from 'tap'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { NODES, startFaultCluster, type NodeNumber } from '../helpers/fault-cluster.ts'
import { startFaultStack, watch } from '../helpers/fault-stack.ts'
import { report, startLoad } from '../helpers/fault-load.ts'
import { assertStoredOnce } from '../helpers/fault-invariant.ts'
import { auth, KEYS } from '../helpers/stack.ts'
import { partitionIndex } from '../../src/store/events/index-names.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'
import { accessIndex } from '../../src/store/system/access-log.ts'

// How long the node stays away while events keep coming.
const LOSS_S = Number(process.env.SILLAGE_FAULT_LOSS_S ?? 15)

interface SearchSeen { status: number, partial?: boolean, failed?: number, message?: string }

t.setTimeout(8 * 60_000)
t.test(`the elected master of three nodes killed (SIGKILL) during ingest for ${LOSS_S} s, then started: searches answer throughout, partial where a shard had no copy; every accepted event stored once, the chain verifies`, async t => {
  const started = performance.now()
  const cluster = await startFaultCluster(t, 'cluster')
  t.comment(`three nodes green in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  const dir = await mkdtemp(join(tmpdir(), 'sillage-node-loss-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  // The API and the worker know the three nodes, as a production client does. The node killed is the elected
  // master, which holds data too: the other two elect a new one, which promotes the replicas of the primaries
  // lost, while the clients leave the dead node out and send to the others.
  const stack = await startFaultStack(t, {
    ELASTICSEARCH_URL: cluster.urls.join(','),
    SILLAGE_INDEX_REPLICAS: '1',
    SILLAGE_CHECKPOINT_FILE: join(dir, 'checkpoints.ndjson'),
    SILLAGE_SIGNING_KEY: randomBytes(32).toString('base64'),
    SILLAGE_CHECKPOINT_MS: '3600000'
  })
  const { es } = stack
  const prefix = stack.config.indexPrefix
  const master = (await es.cat.master({ format: 'json' }))[0]?.node
  const victim = NODES.find(n => cluster.nodeName(n) === master) as NodeNumber
  const victimName = cluster.nodeName(victim)
  t.comment(`elected master ${master}; killing ${victimName}`)

  // A partition with its only copy on the node to be killed, as an index without replicas would have: while
  // the node is away, searches over the events lack that shard. Last month's, so no new event goes there.
  const now = new Date()
  const probe = partitionIndex(prefix, 'financial', new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString())
  await es.indices.create({ index: probe, settings: { number_of_replicas: 0, 'routing.allocation.require._name': victimName } })
  await es.cluster.health({ index: probe, wait_for_status: 'green', timeout: '60s' })

  const load = startLoad(t, stack.url, { run: 'nodeloss', batch: 20, pauseMs: 100 })
  const t0 = performance.now()
  let answered = 0
  const searches = watch<SearchSeen>(async () => {
    const res = await fetch(`${stack.url}/v1/events?size=1`, { headers: auth(KEYS.read), signal: AbortSignal.timeout(60_000) })
    answered++
    const body = await res.json() as { partial?: boolean, failed_shards?: number, message?: string }
    // A refusal keeps its reason, for the report.
    return { status: res.status, ...(res.status === 200 ? { partial: body.partial, failed: body.failed_shards } : { message: body.message }) }
  }, 500)

  await sleep(4000)
  t.ok(await stack.waitForCount(1, 20_000) > 0, 'events flow before the kill')
  // A partition created a moment ago may still be copying its replica: until it is started, the primary is the
  // only copy, and losing it would be losing an index without replicas.
  const all = { index: `${prefix}-*`, expand_wildcards: 'all' as const }
  t.equal((await es.cluster.health({ ...all, wait_for_status: 'green', timeout: '60s' })).status, 'green', 'every index of the service green before the kill: each shard has a started replica')
  await cluster.kill(victim)
  const down = performance.now() - t0

  // While the node is away: the events' partitions lost only replicas (yellow), the probe its only copy (red).
  await es.cluster.health({ wait_for_nodes: '2', timeout: '30s' })
  await sleep(LOSS_S * 1000)
  const indices = Object.entries((await es.cluster.health({ ...all, level: 'indices' })).indices ?? {}).filter(([index]) => index !== probe)
  t.same(indices.filter(([, h]) => h.status === 'red').map(([index]) => index), [], `no index of the service red while ${victimName} is away: each shard kept a copy`)
  t.ok(indices.some(([, h]) => h.status === 'yellow'), `indices that had a copy on it are yellow (${indices.filter(([, h]) => h.status === 'yellow').length} of ${indices.length})`)
  t.equal((await es.cluster.health({ index: probe })).status, 'red', 'the partition whose only copy was on it is red')
  const restarting = performance.now() - t0
  await cluster.start(victim)
  const up = performance.now() - t0
  t.comment(`${victimName} killed at ${(down / 1000).toFixed(1)} s, started again at ${(restarting / 1000).toFixed(1)} s, answering at ${(up / 1000).toFixed(1)} s`)
  const green = await es.cluster.health({ wait_for_status: 'green', wait_for_no_initializing_shards: true, timeout: '120s' })
  t.equal(green.status, 'green', `green again ${((performance.now() - t0 - up) / 1000).toFixed(1)} s after it answered`)
  const healed = performance.now() - t0
  await sleep(2000)
  await load.stop()
  const stopped = performance.now() - t0
  await searches.stop()

  const outcome = await assertStoredOnce(t, es, prefix, load.accepted, { timeoutMs: 120_000 })
  t.equal(outcome.deadLettered.size, 0, 'nothing dead-lettered')
  // Each copy of each partition holds the same events: the replicas the node brought back caught up. Once
  // green, the cluster may move a copy to even out the nodes: a relocating copy still serves, its target not yet.
  const copies = await es.cat.shards({ index: `${prefix}-events-*`, format: 'json', h: 'index,shard,prirep,state,docs' })
  const byShard = new Map<string, string[]>()
  for (const c of copies.filter(c => c.index !== probe && (c.state === 'STARTED' || c.state === 'RELOCATING'))) {
    byShard.set(`${c.index}/${c.shard}`, [...(byShard.get(`${c.index}/${c.shard}`) ?? []), `${c.prirep}:${c.docs}`])
  }
  const uneven = [...byShard].filter(([, cs]) => cs.length !== 2 || new Set(cs.map(c => c.split(':')[1])).size !== 1)
  t.same(uneven, [], `every shard of the events has two active copies with the same documents (${byShard.size} shards)`)

  const before = report(t, 'before the kill', load.answers, 0, down)
  const during = report(t, `while ${victimName} was away`, load.answers, down, up)
  const after = report(t, 'after its return', load.answers, up, stopped)
  t.ok((during.statuses['202'] ?? 0) > 0, 'ingest answered 202 while the node was away')
  t.ok([before, during, after].every(s => Object.keys(s.statuses).every(k => k === '202')), 'ingest answered nothing but 202')

  const phase = (from: number, to: number): SearchSeen[] => searches.seen.filter(s => s.at >= from && s.at < to).flatMap(s => typeof s.value === 'string' ? [{ status: 0 }] : [s.value])
  const seen = searches.seen.map(s => `${(s.at / 1000).toFixed(1)} s: ${JSON.stringify(s.value)}`)
  t.comment(`searches (each change): ${seen.join(' → ')}`)
  const away = phase(down, up)
  t.ok(away.length > 0, 'searches were answered while the node was away')
  t.same(away.filter(s => s.status !== 200), [], 'every search answered 200 while the node was away')
  t.ok(away.some(s => s.partial === true && (s.failed ?? 0) >= 1), 'searches said they were partial, with the failed shard, while a shard had no copy')
  t.same(phase(0, down).filter(s => s.status !== 200 || s.partial !== false), [], 'complete answers before the kill')
  t.same(phase(healed, Infinity).filter(s => s.status !== 200 || s.partial !== false), [], 'complete answers once green again')

  const leaves = new IntegrityStore(es, prefix)
  for (let i = 0; i < 600 && await leaves.refresh().then(async () => await leaves.leafCount()) < load.accepted.length; i++) await sleep(100)
  t.equal(await leaves.leafCount(), load.accepted.length, 'every stored event sealed into the integrity log once')
  const made = await stack.indexer?.sealing?.checkpointNow()
  t.equal(made?.length, 1, 'the log checkpointed')
  const verify = await stack.api.app.inject({ method: 'GET', url: '/v1/integrity/verify?tenant=default', headers: auth(KEYS.admin) })
  t.match(verify.json(), { ok: true, checked: load.accepted.length, problems: [] }, 'the integrity chain verifies')

  // Reads of the audit trail are themselves recorded, those made while the node was away included.
  await es.indices.refresh({ index: accessIndex(prefix) })
  const recorded = (await es.count({ index: accessIndex(prefix), query: { bool: { filter: [{ term: { method: 'GET' } }, { term: { route: '/v1/events' } }] } } })).count
  t.equal(recorded, answered, `each of the ${answered} searches answered is in the access log`)
  t.comment(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s`)
})
