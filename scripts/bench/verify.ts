/**
 * Full against incremental verification of one tenant's log, in the same run. The data set
 * (scripts/bench/verify-dataset.ts: `events` realistic events of one tenant recorded live over 90 days) is
 * loaded into its own prefix and sealed into a log in ingestion order, both kept and reused by later runs. Each run signs
 * checkpoints at sizes `events - new` (the checkpoint last verified) and `events` with a key of its own, then
 * times a full verification (the baseline) and an incremental one from each earlier checkpoint, through
 * IntegrityService as the route calls it. Prints wall time, Elasticsearch CPU, and leaves rehashed.
 * Usage: npm run bench:verify -- [events=1000000] [new=10000,100000]
 */
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { estypes } from '@elastic/elasticsearch'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { eventIdOfDoc } from '../../src/store/events/event-doc-id.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'
import { installIntegrityIndices } from '../../src/store/integrity/integrity-indices.ts'
import { CheckpointFile } from '../../src/integrity/checkpoint-file.ts'
import { signCheckpoint } from '../../src/integrity/checkpoint.ts'
import { Frontier, type Node } from '../../src/integrity/frontier.ts'
import { eventLeaf } from '../../src/integrity/leaf.ts'
import { loadFrontier } from '../../src/integrity/tree-reader.ts'
import { TrustedKeys } from '../../src/integrity/trusted-keys.ts'
import { IntegrityService } from '../../src/proofs/integrity-service.ts'
import type { SealEntry } from '../../src/integrity/types.ts'
import { PLATFORM_SCOPE } from '../../src/auth/read-scope.ts'
import { testEnv } from '../../test/helpers/stack.ts'
import { ensureLiveDataset } from './verify-dataset.ts'
import { esCpuMeter } from './cpu.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const NEW = (process.argv[3] ?? '10000,100000').split(',').map(Number).filter(n => n > 0 && n < TOTAL).sort((a, b) => a - b)
const config = loadConfig(testEnv({ SILLAGE_INDEX_PREFIX: `benchverify${TOTAL}`, SILLAGE_LOG_LEVEL: 'warn' }))
const prefix = config.indexPrefix
const tenant = config.defaultTenant
const es = createEs(config.elasticsearchUrl)
const store = new IntegrityStore(es, prefix)
const esCpuMs = esCpuMeter(es)
const seconds = (ms: number): string => (ms / 1000).toFixed(1)

/** Seals every event of the data set in the order it was ingested, as the sealer would have: blocks and subtree hashes. */
async function sealDataset (): Promise<void> {
  await store.refresh()
  if (await store.leafCount(tenant) === TOTAL) { console.log(`log present: ${TOTAL} leaves`); return }
  await store.truncate(tenant, 0)
  const t0 = performance.now()
  const frontier = Frontier.empty()
  const sealedAt = new Date().toISOString()
  let run: SealEntry[] = []
  let nodes: Array<{ tenant: string, node: Node }> = []
  const flush = async (): Promise<void> => {
    const { blocks } = await store.createRuns([{ tenant, start: frontier.size - run.length, entries: run }], sealedAt, nodes)
    const failed = blocks.find(b => b.status !== 201)
    if (failed !== undefined) throw new Error(`block ${failed.start} not stored: ${failed.status} ${failed.reason ?? ''}`)
    run = []
    nodes = []
  }
  const pit = await es.openPointInTime({ index: eventsAlias(prefix), keep_alive: '5m' })
  let after: estypes.SortResults | undefined
  for (;;) {
    const r = await es.search<Record<string, unknown>>({ pit: { id: pit.id, keep_alive: '5m' }, size: 5000, sort: [{ 'event.ingested': 'asc' }, { _shard_doc: 'asc' }], ...(after === undefined ? {} : { search_after: after }) })
    for (const hit of r.hits.hits) {
      const leaf = eventLeaf(hit._source).toString('hex')
      run.push({ tenant, id: eventIdOfDoc(hit._id as string), index: hit._index, leaf })
      nodes.push(...frontier.append(leaf).map(node => ({ tenant, node })))
    }
    if (run.length >= 5000) await flush()
    if (r.hits.hits.length < 5000) break
    after = r.hits.hits[r.hits.hits.length - 1]?.sort
    if (frontier.size % 100_000 < 5000) console.log(`sealed ${frontier.size} / ${TOTAL}`)
  }
  if (run.length > 0) await flush()
  await es.closePointInTime({ id: pit.id })
  await store.refresh()
  console.log(`sealed ${frontier.size} leaves in ${seconds(performance.now() - t0)} s`)
}

async function measure (label: string, work: () => Promise<{ ok: boolean, checked: number, insertionsScanned: number, problems: unknown[] }>): Promise<string[]> {
  const [cpu0, t0] = [await esCpuMs(), performance.now()]
  const report = await work()
  const [wall, cpu] = [performance.now() - t0, await esCpuMs() - cpu0]
  if (!report.ok) console.error(label, JSON.stringify(report.problems.slice(0, 3)))
  return [label, report.checked.toLocaleString('en'), report.insertionsScanned.toLocaleString('en'), seconds(wall), seconds(cpu), String(report.ok)]
}

const dir = await mkdtemp(join(tmpdir(), 'sillage-bench-verify-'))
try {
  await ensureLiveDataset(es, config, TOTAL, s => console.log(s))
  await installIntegrityIndices(es, prefix, 0)
  await sealDataset()

  // This run's checkpoints, signed with this run's key (in the index and in a checkpoint file of its own).
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const file = new CheckpointFile(join(dir, 'checkpoints.ndjson'), prefix)
  await es.deleteByQuery({ index: store.checkpoints, refresh: true, query: { term: { tenant } } })
  const time = new Date().toISOString()
  for (const size of [...NEW.map(n => TOTAL - n).reverse(), TOTAL]) {
    const cp = signCheckpoint({ tenant, size, root: (await loadFrontier(store, tenant, size)).frontier.root().toString('hex'), time }, privateKey, `bench/${tenant}`)
    await file.append(cp)
    await store.writeCheckpoint(cp)
  }
  const service = new IntegrityService(store, file, new TrustedKeys(publicKey))

  const rows = [await measure('full (baseline)', async () => await service.verify(tenant, {}, PLATFORM_SCOPE))]
  for (const n of [...NEW].reverse()) rows.push(await measure(`incremental, since ${(TOTAL - n).toLocaleString('en')}`, async () => await service.verify(tenant, { since: TOTAL - n }, PLATFORM_SCOPE)))
  const head = ['verification', 'leaves rehashed', 'events scanned for insertions', 'wall s', 'Elasticsearch CPU s', 'ok']
  console.log(`\n${TOTAL.toLocaleString('en')} events in one tenant's log; full first, then incremental from the older checkpoints\n`)
  console.log(`| ${head.join(' | ')} |\n|${head.map((_, i) => i === 0 ? '---' : '--:').join('|')}|`)
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
} finally {
  await rm(dir, { recursive: true, force: true })
  await es.close()
}
