import t from 'tap'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { makeEvent } from '../helpers/events.ts'
import { assertStoredOnce, readOutcome } from '../helpers/fault-invariant.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { NdjsonReceiver } from '../helpers/receivers.ts'

const run = promisify(execFile)
const MAPPINGS = JSON.parse(readFileSync(new URL('../../mappings/events-mappings.json', import.meta.url), 'utf8')) as { properties: { audit: { properties: Record<string, unknown> } } }

t.test('a poison event is dead-lettered alone, the rest of its bulk stored; listed, inspected and replayed (API and CLI) once fixed, stored once, and streamed', async t => {
  // Shared engines, this test's own prefix: nothing here disturbs them.
  const stack = await startStack(t, { env: { SILLAGE_LOG_LEVEL: 'fatal', SILLAGE_STREAMS_ALLOW_LOOPBACK: 'on', SILLAGE_STREAM_SETTLE_MS: '300' } })
  const { app } = stack.api
  const prefix = stack.config.indexPrefix
  const as = (key: string, method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload }) })
  // A log stream of the tenant, which must receive the replayed event although it passed its first receipt.
  const receiver = new NdjsonReceiver()
  await receiver.start()
  t.teardown(async () => { await receiver.stop() })
  const stream = await as(KEYS.admin, 'POST', '/v1/streams', { name: 'siem', tenant: 'default', destination: { type: 'http', url: `http://127.0.0.1:${receiver.port}/ingest` } })
  t.equal(stream.statusCode, 201, stream.body)
  const streamed = (): string[] => receiver.batches.flatMap(b => b.events.map(e => (e.event as { id: string }).id))

  // Mapping drift: this month's partition was created by a template that did not know audit.reference yet.
  const { reference: _dropped, ...older } = MAPPINGS.properties.audit.properties
  await stack.es.cluster.putComponentTemplate({ name: `${prefix}-events-mappings`, template: { mappings: { ...MAPPINGS, properties: { ...MAPPINGS.properties, audit: { ...MAPPINGS.properties.audit, properties: older } } } as never } })
  const events = Array.from({ length: 50 }, (_, i) => ({ ...makeEvent('poison', i), event: { id: `poison-${i}`, action: 'login' } }))
  const poison = events[17] as unknown as { audit: Record<string, unknown> }
  poison.audit = { ...poison.audit, reference: 'tx-17' }
  t.equal((await as(KEYS.ingest, 'POST', '/v1/events', { events })).statusCode, 202, 'one request, one job, one bulk')
  await stack.waitForCount(49)

  const accepted = events.map(e => e.event.id)
  const first = await assertStoredOnce(t, stack.es, prefix, accepted)
  t.same([...first.deadLettered], ['poison-17'], 'the poison event alone is dead-lettered')
  t.equal(first.stored.size, 49, 'the other 49 of its bulk are stored')
  await waitFor(async () => streamed().length, n => n >= 49)
  t.equal(new Set(streamed()).size, 49, 'the stream delivers the 49 stored events, and passes the poison event\'s receipt')

  const list = (await as(KEYS.admin, 'GET', '/v1/dead-letters')).json()
  t.match(list, { total: 1, letters: [{ id: /^[0-9a-f]{16}$/, event_id: 'poison-17', tenant: 'default', status: 400, error_type: /parsing|mapping/, reason: /reference/, replayed_at: null, replays: 0 }] }, 'listed, pending')
  const id = list.letters[0].id as string
  const letter = (await as(KEYS.admin, 'GET', `/v1/dead-letters/${id}`)).json()
  t.match(letter, { id, target_index: `${prefix}-events-security-${new Date().toISOString().slice(0, 7).replace('-', '.')}.01`, raw: { event: { id: 'poison-17' }, audit: { reference: 'tx-17' } } }, 'inspected, with the event whole')

  t.equal((await as(KEYS.aAdmin, 'GET', '/v1/dead-letters')).json().total, 0, 'another tenant\'s administrator sees none of them')
  t.equal((await as(KEYS.aAdmin, 'GET', `/v1/dead-letters/${id}`)).statusCode, 404)
  t.equal((await as(KEYS.aAdmin, 'POST', `/v1/dead-letters/${id}/replay`)).statusCode, 404, 'nor replays them')
  t.equal((await as(KEYS.read, 'GET', '/v1/dead-letters')).statusCode, 403, 'administrators only')

  // Replayed before the fix: refused again, pending again with the reason.
  t.match((await as(KEYS.admin, 'POST', `/v1/dead-letters/${id}/replay`)).json(), { queued: [{ id, event_id: 'poison-17' }], skipped: [] })
  const again = await waitFor(async () => (await as(KEYS.admin, 'GET', `/v1/dead-letters/${id}`)).json(), l => l.replays === 1 && l.replayed_at === null)
  t.match(again, { replays: 1, replayed_at: null, replayed_by: /^config-/, reason: /reference/ }, 'refused again: pending again, one replay counted, by whom')

  // The fix: the upgrade, whose start gives the live partition the field it lacked. Then the replay stores it, once,
  // however often it is replayed.
  t.same(await installTemplates(stack.es, { prefix, replicas: 0, retentionDays: stack.config.retentionDays }, stack.caps), { refused: [] }, 'the upgrade extends the partition\'s mapping')
  t.match((await as(KEYS.admin, 'POST', '/v1/dead-letters/replay', { error_type: again.error_type })).json(), { queued: [{ id }], skipped: [] }, 'batch replay by error type')
  t.match((await as(KEYS.admin, 'POST', `/v1/dead-letters/${id}/replay`)).json(), { queued: [{ id }] }, 'and once more by id')
  const cli = await runCli(stack.config, ['dead-letters', 'replay', id])
  t.match(JSON.parse(cli), { queued: [{ id }], skipped: [] }, 'and by the command line')
  await stack.waitForCount(50)
  const after = await assertStoredOnce(t, stack.es, prefix, accepted)
  t.equal(after.stored.get('poison-17'), 1, 'the replayed event is stored, once')
  t.equal(after.deadLettered.size, 0, 'no pending dead letter left')
  await waitFor(async () => streamed(), ids => ids.includes('poison-17'))
  t.ok(streamed().includes('poison-17'), 'the stream delivers the replayed event: a replay receives it again')
  const replayedDoc = (await stack.es.search<{ event: { ingested: string } }>({ index: `${prefix}-events`, query: { term: { 'event.id': 'poison-17' } } })).hits.hits[0]?._source
  const firstDoc = (await stack.es.search<{ event: { ingested: string } }>({ index: `${prefix}-events`, query: { term: { 'event.id': 'poison-16' } } })).hits.hits[0]?._source
  t.ok((replayedDoc?.event.ingested ?? '') > (firstDoc?.event.ingested ?? '~'), 'stored with the replay\'s time of receipt, after its batch\'s')
  const replayed = JSON.parse(await runCli(stack.config, ['dead-letters', 'list', '--state', 'replayed']))
  t.match(replayed, { total: 1, letters: [{ id, replays: 4, replayed_by: 'cli' }] }, 'the command line lists it as replayed, four replays')
  t.match(JSON.parse(await runCli(stack.config, ['dead-letters', 'show', id])), { id, raw: { audit: { reference: 'tx-17' } } })
  t.equal((await as(KEYS.admin, 'GET', '/v1/dead-letters')).json().total, 0, 'nothing pending')
  const doc = await stack.es.search({ index: `${prefix}-events`, query: { term: { 'event.id': 'poison-17' } } })
  t.match(doc.hits.hits[0]?._source, { audit: { reference: 'tx-17' } }, 'stored as it was sent')
  t.equal((await readOutcome(stack.es, prefix)).stored.size, 50)
})

async function waitFor<T> (read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms
  let value = await read()
  while (!done(value) && Date.now() < deadline) { await sleep(200); value = await read() }
  return value
}

async function runCli (config: { elasticsearchUrl: string, redisUrl: string, indexPrefix: string, queuePrefix: string }, args: string[]): Promise<string> {
  const env = { ...process.env, ELASTICSEARCH_URL: config.elasticsearchUrl, REDIS_URL: config.redisUrl, SILLAGE_INDEX_PREFIX: config.indexPrefix, SILLAGE_QUEUE_PREFIX: config.queuePrefix, SILLAGE_LOG_LEVEL: 'error', SILLAGE_API_KEYS: `${KEYS.admin}:admin` }
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/sillage.ts', ...args], { env, cwd: new URL('../../', import.meta.url).pathname })
  return stdout
}
