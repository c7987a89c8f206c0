import type { Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFaultRedis, type FaultEs } from '../../helpers/fault-engines.ts'
import { auth, KEYS, startStack } from '../../helpers/stack.ts'
import { makeEvent } from '../../helpers/events.ts'
import { assertStoredOnce } from '../../helpers/fault-invariant.ts'
import { IntegrityStore } from '../../../src/store/integrity/integrity-store.ts'

const PER_TENANT = 300

export const title = 'backup and restore: a snapshot of the event, integrity and system indices, all deleted, restored, and verified sound'

export async function snapshotRestore (t: Test, es: FaultEs): Promise<void> {
  const redis = await startFaultRedis(t, 'snapshot')
  const dir = await mkdtemp(join(tmpdir(), 'sillage-snapshot-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const stack = await startStack(t, {
    env: {
      ELASTICSEARCH_URL: es.url, REDIS_URL: redis.url, SILLAGE_LOG_LEVEL: 'fatal',
      SILLAGE_CHECKPOINT_FILE: join(dir, 'checkpoints.ndjson'), SILLAGE_SIGNING_KEY: randomBytes(32).toString('base64'), SILLAGE_CHECKPOINT_MS: '3600000'
    }
  })
  const { app } = stack.api
  const prefix = stack.config.indexPrefix
  const post = async (key: string, url: string, payload: object) => await app.inject({ method: 'POST', url, headers: auth(key), payload })

  const ids: string[] = []
  for (const tenant of ['brand-a', 'brand-b']) {
    for (let from = 0; from < PER_TENANT; from += 100) {
      const events = Array.from({ length: 100 }, (_, k) => { const e = makeEvent(tenant, from + k); return { ...e, audit: { ...(e.audit as object), tenant } } })
      t.equal((await post(KEYS.ingest, '/v1/events', { events })).statusCode, 202)
      ids.push(...events.map((_, k) => `${tenant}-${from + k}`))
    }
  }
  const key = (await post(KEYS.admin, '/v1/api-keys', { name: 'restored reader', scopes: ['read'], tenant: 'brand-a' })).json().key as string
  await assertStoredOnce(t, stack.es, prefix, ids)
  const leaves = new IntegrityStore(stack.es, prefix)
  for (let i = 0; i < 300 && await leaves.refresh().then(async () => await leaves.leafCount()) < ids.length; i++) await sleep(100)
  const made = await stack.indexer?.sealing?.checkpointNow()
  t.equal(made?.length, 2, 'both tenants\' logs sealed and checkpointed')
  const verify = async (tenant: string) => (await app.inject({ method: 'GET', url: `/v1/integrity/verify?tenant=${tenant}`, headers: auth(KEYS.admin) })).json()
  t.match(await verify('brand-a'), { ok: true, checked: PER_TENANT }, 'sound before the backup')

  const all = { index: `${prefix}-*`, expand_wildcards: 'all' as const }
  await stack.es.indices.refresh(all)
  // The access log gains the entries of the reads above as it flushes: it is compared apart.
  const counts = async (): Promise<Record<string, number>> => Object.fromEntries((await stack.es.cat.indices({ ...all, format: 'json', h: 'index,docs.count' }))
    .filter(i => i.index !== `${prefix}-access`).map(i => [i.index, Number(i['docs.count'])]))
  const before = await counts()
  await stack.es.snapshot.createRepository({ name: 'faults', repository: { type: 'fs', settings: { location: es.repo } } })
  const t0 = performance.now()
  const snap = await stack.es.snapshot.create({ repository: 'faults', snapshot: 'before', indices: `${prefix}-*`, expand_wildcards: 'all', include_global_state: false, wait_for_completion: true })
  t.equal(snap.snapshot?.state, 'SUCCESS', `snapshot of ${snap.snapshot?.indices?.length} indices in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const kinds = ['-events-', '-integrity-', '-system-', '-deadletter']
  for (const kind of kinds) t.ok(snap.snapshot?.indices?.some(i => i.includes(kind)), `it holds the ${kind.replace(/-/g, ' ').trim()} indices`)

  const deleted = await stack.es.cat.indices({ ...all, format: 'json', h: 'index' })
  for (const { index } of deleted) await stack.es.indices.delete({ index: index as string })
  t.same(await counts(), {}, `every index of the service deleted (${deleted.length})`)

  // The running API may have recreated its access log since (it flushes every few seconds): a restore
  // replaces a closed index, so close it. An operator restoring with the service stopped meets none.
  if (await stack.es.indices.exists({ index: `${prefix}-access` })) await stack.es.indices.close({ index: `${prefix}-access` })
  const t1 = performance.now()
  await stack.es.snapshot.restore({ repository: 'faults', snapshot: 'before', indices: `${prefix}-*`, include_global_state: false, wait_for_completion: true })
  await stack.es.cluster.health({ index: `${prefix}-*`, wait_for_status: 'yellow', timeout: '60s' })
  t.comment(`restored in ${((performance.now() - t1) / 1000).toFixed(1)} s`)
  await stack.es.indices.refresh(all)
  t.same(await counts(), before, 'every index back with its documents')

  await assertStoredOnce(t, stack.es, prefix, ids)
  for (const tenant of ['brand-a', 'brand-b']) t.match(await verify(tenant), { ok: true, checked: PER_TENANT, problems: [] }, `${tenant}: integrity verification passes on the restored data`)
  const read = await app.inject({ method: 'GET', url: '/v1/events?q=*&size=1', headers: auth(key) })
  t.equal(read.statusCode, 200, 'a key created before the backup works after the restore (system indices restored)')
  t.equal(read.json().total, PER_TENANT, 'and reads its tenant\'s events')
}
