import { t } from '../helpers/file-test.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { IPS } from '../helpers/events.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { createEventsQueue, queueDepth } from '../../src/queue/events-queue.ts'
import { eventLeaf } from '../../src/integrity/leaf.ts'

let stack: Stack
let bIngest: string
const post = async (key: string, payload: object) => await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(key), payload })
const get = async (key: string, url: string) => await stack.api.app.inject({ method: 'GET', url, headers: auth(key) })

const event = (id: string, message: string, at?: Date) => ({
  ...(at === undefined ? {} : { '@timestamp': at.toISOString() }),
  event: { id, action: 'login', outcome: 'success' },
  message,
  user: { id: 'u-1' },
  source: { ip: IPS.london }
})

const monthsAgo = (n: number): Date => {
  const now = new Date()
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 10, 12))
}

/** Stored copies of an event id, every tenant, through the read alias. */
async function copies (id: string): Promise<Array<{ index: string, source: Record<string, unknown> }>> {
  const alias = eventsAlias(stack.config.indexPrefix)
  await stack.es.indices.refresh({ index: alias })
  const r = await stack.es.search<Record<string, unknown>>({ index: alias, size: 10, query: { term: { 'event.id': id } } })
  return r.hits.hits.map(h => ({ index: h._index, source: h._source as Record<string, unknown> }))
}

/** Dead letters of an event id, waiting up to `ms` for at least one. */
async function deadLetters (id: string, ms = 10_000): Promise<Array<Record<string, unknown>>> {
  const index = `${stack.config.indexPrefix}-deadletter`
  const deadline = Date.now() + ms
  for (;;) {
    await stack.es.indices.refresh({ index })
    const hits = (await stack.es.search<Record<string, unknown>>({ index, query: { term: { event_id: id } } })).hits.hits.map(h => h._source as Record<string, unknown>)
    if (hits.length > 0 || Date.now() > deadline) return hits
    await sleep(100)
  }
}

/** Waits until the worker has taken every queued job to its end. */
async function settled (): Promise<void> {
  const redis = new Redis(stack.config.redisUrl, { maxRetriesPerRequest: null })
  const queue = createEventsQueue(redis, stack.config.queuePrefix)
  try {
    for (let i = 0; i < 200 && await queueDepth(queue) > 0; i++) await sleep(50)
  } finally {
    await queue.close()
    redis.disconnect()
  }
}

t.before(async () => {
  stack = await startStack(t, { env: { SILLAGE_CHECKPOINT_MS: '3600000' } })
  const created = await stack.api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(KEYS.admin), payload: { name: 'b writer', scopes: ['ingest'], tenant: 'brand-b' } })
  if (created.statusCode !== 201) throw new Error(created.body)
  bIngest = created.json().key
})

t.test('two tenants may use the same event id: both are stored, each read by its own tenant', async t => {
  const at = new Date()
  t.equal((await post(bIngest, event('shared-1', 'b was first', at))).statusCode, 202)
  t.equal(await stack.waitForCount(1), 1)
  t.equal((await post(KEYS.aIngest, event('shared-1', 'a came second', at))).statusCode, 202)
  t.equal(await stack.waitForCount(2, 10_000), 2, 'the second tenant\'s event is stored too')

  const stored = await copies('shared-1')
  t.same(stored.map(c => (c.source.audit as { tenant: string }).tenant).sort(), ['brand-a', 'brand-b'])
  t.equal(stored[0]?.index, stored[1]?.index, 'same month and class: same partition')
  const a = await get(KEYS.aRead, '/v1/events/shared-1')
  t.equal(a.statusCode, 200, a.body)
  t.match(a.json(), { message: 'a came second', audit: { tenant: 'brand-a' } })
  t.match((await get(KEYS.bRead, '/v1/events/shared-1')).json(), { message: 'b was first', audit: { tenant: 'brand-b' } })
  const listed = (await stack.api.app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(KEYS.aRead), payload: { query: 'event.id:shared-1' } })).json()
  t.same(listed.events.map((e: { id: string }) => e.id), ['shared-1'], 'search results name the event id, not the storage key')

  const platform = await get(KEYS.read, '/v1/events/shared-1')
  t.equal(platform.statusCode, 409, 'a key seeing both tenants is told to choose')
  t.match(platform.json().message, /"brand-a" and "brand-b" both hold an event with id "shared-1"/)

  // Each tenant's log seals its own event, and proves it.
  await settled()
  await stack.indexer?.sealing?.checkpointNow()
  for (const [key, tenant, doc] of [[KEYS.aRead, 'brand-a', a.json()], [KEYS.bRead, 'brand-b', (await get(KEYS.bRead, '/v1/events/shared-1')).json()]] as const) {
    let proof = await get(key, '/v1/integrity/proof/shared-1')
    for (let i = 0; i < 50 && proof.statusCode === 404; i++) {
      await sleep(200)
      await stack.indexer?.sealing?.checkpointNow()
      proof = await get(key, '/v1/integrity/proof/shared-1')
    }
    t.equal(proof.statusCode, 200, proof.body)
    t.match(proof.json(), { tenant, eventId: 'shared-1', leaf: eventLeaf(doc).toString('hex') }, `${tenant} proves its own event`)
    t.match((await get(KEYS.read, `/v1/integrity/proof/shared-1?tenant=${tenant}`)).json(), { tenant, leaf: proof.json().leaf }, 'a platform key names the tenant')
    const report = (await get(KEYS.admin, `/v1/integrity/verify?tenant=${tenant}`)).json()
    t.same({ ok: report.ok, problems: report.problems }, { ok: true, problems: [] }, `the log of ${tenant} verifies`)
  }
  t.equal((await get(KEYS.read, '/v1/integrity/proof/shared-1')).statusCode, 409, 'a platform key must name the tenant')
  t.equal((await get(KEYS.aRead, '/v1/integrity/proof/shared-1?tenant=brand-b')).statusCode, 403)
})

t.test('the same id with other content from the same tenant is dead-lettered; the original stays', async t => {
  const at = new Date()
  t.equal((await post(KEYS.aIngest, event('clash-1', 'original', at))).statusCode, 202)
  await settled()
  t.equal((await copies('clash-1')).length, 1)

  t.equal((await post(KEYS.aIngest, event('clash-1', 'rewritten', at))).statusCode, 202, 'accepted: the queue does not know what is stored')
  const letters = await deadLetters('clash-1')
  t.equal(letters.length, 1, 'dead-lettered')
  t.match(letters[0], { tenant: 'brand-a', event_id: 'clash-1', error_type: 'id_conflict', reason: /^event id "clash-1" is already stored with different content \(differs in message; stored in .*-events-security-/, raw: { message: 'rewritten' } })
  const stored = await copies('clash-1')
  t.same(stored.map(c => c.source.message), ['original'], 'the original is untouched')

  const again = await post(KEYS.aIngest, event('clash-1', 'rewritten', at))
  t.equal(again.statusCode, 409, 'sent again, the client learns of the clash at once')
  t.match(again.json(), { errors: [{ index: 0, path: '/event/id', message: /already stored with different content/ }] })

  // A client retry of the original is still a harmless duplicate, even with the time of receipt as its time.
  t.equal((await post(KEYS.aIngest, event('clash-1', 'original', at))).statusCode, 202)
  t.equal((await post(KEYS.aIngest, event('retry-1', 'no time given'))).statusCode, 202)
  await settled()
  await sleep(50)
  t.equal((await post(KEYS.aIngest, event('retry-1', 'no time given'))).statusCode, 202)
  await settled()
  t.same((await copies('retry-1')).length, 1)
  t.same((await deadLetters('clash-1', 0)).length, 1)
  t.same(await deadLetters('retry-1', 0), [], 'a retry is not a clash')
})

t.test('the same id in another month is stored once', async t => {
  t.equal((await post(KEYS.aIngest, event('moved-1', 'this month', new Date()))).statusCode, 202)
  await settled()
  t.equal((await post(KEYS.aIngest, event('moved-1', 'this month', monthsAgo(2)))).statusCode, 202)
  const letters = await deadLetters('moved-1')
  t.match(letters, [{ event_id: 'moved-1', error_type: 'id_conflict' }], 'dead-lettered with the reason')
  const stored = await copies('moved-1')
  t.equal(stored.length, 1, 'stored once')
  t.equal((stored[0]?.source.audit as { tenant: string }).tenant, 'brand-a')

  // Two copies in one bulk, months apart: the first is stored, the second compared with it.
  t.equal((await post(KEYS.aIngest, event('twin-1', 'first', monthsAgo(1)))).statusCode, 202)
  t.equal((await post(KEYS.aIngest, event('twin-1', 'first', monthsAgo(3)))).statusCode, 202)
  await settled()
  t.equal((await copies('twin-1')).length, 1, 'stored once')
  t.equal((await deadLetters('twin-1')).length, 1)
})

t.test('events stored by earlier versions (_id = event id) are still read, recognised, proven and verified', async t => {
  t.equal((await post(KEYS.aIngest, event('legacy-1', 'stored long ago', new Date()))).statusCode, 202)
  await settled()
  // As an earlier version stored it: the same document under its event id alone.
  const [copy] = await copies('legacy-1')
  if (copy === undefined) throw new Error('legacy-1 not stored')
  await stack.es.delete({ index: copy.index, id: `brand-a/legacy-1`, refresh: true })
  await stack.es.index({ index: copy.index, id: 'legacy-1', document: copy.source, refresh: true })

  t.match((await get(KEYS.aRead, '/v1/events/legacy-1')).json(), { message: 'stored long ago' })
  t.equal((await post(KEYS.aIngest, event('legacy-1', 'stored long ago', new Date(copy.source['@timestamp'] as string)))).statusCode, 202)
  t.equal((await post(KEYS.aIngest, event('legacy-1', 'stored long ago', monthsAgo(1)))).statusCode, 202)
  await settled()
  const letters = await deadLetters('legacy-1')
  t.match(letters, [{ reason: /differs in @timestamp/ }], 'the copy in another month is compared with the old document')
  t.same((await copies('legacy-1')).map(c => c.source.message), ['stored long ago'], 'the retry is a duplicate of the old document')

  await stack.indexer?.sealing?.checkpointNow()
  const proof = await get(KEYS.aRead, '/v1/integrity/proof/legacy-1')
  t.equal(proof.statusCode, 200, proof.body)
  t.equal(proof.json().leaf, eventLeaf(copy.source).toString('hex'))
  const report = (await get(KEYS.admin, '/v1/integrity/verify?tenant=brand-a')).json()
  t.same({ ok: report.ok, problems: report.problems }, { ok: true, problems: [] }, 'the old document is found under its old id')
})
