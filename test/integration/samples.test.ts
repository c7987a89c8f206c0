import { t } from '../helpers/file-test.ts'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { EventsScanner, type SampleRequest } from '../../src/store/events/events-scan.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

// Evidence samples of a key with many events read its first events only (a bound widened until it holds
// enough), and must give what the collapse over all of its events gives, even when the span they are told is
// stale at either end. 720 events: more than the 640 (20 asked × 8 × 4) past which the bound is used.
const config = loadConfig(testEnv())
const es = createEs(config.elasticsearchUrl)
const prefix = config.indexPrefix
const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const MIN = 60_000
const USERS = 120
const PER_USER = 6
// Users arrive one a minute; each comes back every 3 hours, so the first events of the users are spread out.
const events = Array.from({ length: USERS * PER_USER }, (_, i) => {
  const user = i % USERS
  const round = Math.floor(i / USERS)
  return { '@timestamp': new Date(T0 + user * MIN + round * 180 * MIN).toISOString(), event: { id: `s-${String(i).padStart(4, '0')}`, action: 'login', outcome: 'success' }, audit: { tenant: 'brand-a' }, user: { id: `u-${user}` }, source: { ip: '81.2.69.142' } }
})
const first = T0
const last = T0 + (USERS - 1) * MIN + (PER_USER - 1) * 180 * MIN

t.before(async () => {
  await installTemplates(es, { prefix, replicas: 0, retentionDays: config.retentionDays }, await detectCapabilities(es))
  const index = `${prefix}-events-security-2026.01.01`
  await es.bulk({ refresh: true, operations: events.flatMap(e => [{ create: { _index: index, _id: e.event.id } }, e]) })
})
t.teardown(async () => {
  await cleanup(es, config)
  await es.close()
})

t.test('the first events of a busy key, with or without its span, stale or not', async t => {
  const scanner = new EventsScanner(es, prefix)
  const query = { term: { 'source.ip': '81.2.69.142' } }
  const ask = (span?: SampleRequest['span'], size = 20): SampleRequest => ({ query, size, collapse: 'user.id', ...(span === undefined ? {} : { span }) })
  const [whole] = await scanner.samples([ask()], [])
  t.equal(whole?.length, 20)
  t.same(whole?.map(s => s.id), Array.from({ length: 20 }, (_, u) => `s-${String(u).padStart(4, '0')}`), 'the first event of each of the first 20 users')
  const spans: Array<[string, SampleRequest['span']]> = [
    ['the exact span', { first, last, events: events.length }],
    ['a first time later than the first event', { first: first + 30 * MIN, last, events: events.length }],
    ['a last time earlier than the last event', { first, last: first + 10 * MIN, events: events.length }],
    ['far more events than there are', { first, last, events: 1_000_000 }],
    ['a span without times (no bound at all)', { first: Number.NaN, last: Number.NaN, events: 1_000_000 }]
  ]
  for (const [name, span] of spans) t.same((await scanner.samples([ask(span)], []))[0], whole, name)
  // More results asked than users: the bound widens to the end, then goes.
  const [all] = await scanner.samples([ask(undefined, 200)], [])
  t.equal(all?.length, USERS)
  t.same((await scanner.samples([ask({ first, last, events: 1_000_000 }, 200)], []))[0], all, 'every user, when more are asked than there are')
})
