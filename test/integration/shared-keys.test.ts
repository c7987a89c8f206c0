import { t } from '../helpers/file-test.ts'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { EventsScanner } from '../../src/store/events/events-scan.ts'
import { SignalsService } from '../../src/analytics/signals/signals-service.ts'
import { PLATFORM_SCOPE } from '../../src/auth/read-scope.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

// Shared devices as a platform with many users behind each key sees them (a carrier's NAT, a kiosk): the
// largest answer asked for, 1,000 keys with each key's users listed, is more buckets than Elasticsearch
// returns in one search (search.max_buckets, 65,536 by default). It must still answer, exactly.
const config = loadConfig(testEnv())
const es = createEs(config.elasticsearchUrl)
const prefix = config.indexPrefix
const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const KEYS = 1000
const USERS_PER_KEY = 70
const BIG_USERS = 1005

const event = (n: number, device: string, user: string): object => ({
  '@timestamp': new Date(T0 + n * 1000).toISOString(), event: { id: `sk-${n}`, action: 'login', outcome: 'success' },
  audit: { tenant: 'brand-a', device: { id: device } }, user: { id: user }, source: { ip: '81.2.69.142' }
})
const pad = (k: number): string => String(k).padStart(4, '0')

t.before(async () => {
  await installTemplates(es, { prefix, replicas: 0, retentionDays: config.retentionDays }, await detectCapabilities(es))
  const index = `${prefix}-events-security-2026.01.01`
  const docs: object[] = []
  for (let k = 0; k < KEYS; k++) for (let u = 0; u < USERS_PER_KEY; u++) docs.push(event(docs.length, `d-${pad(k)}`, `u-${u}`))
  for (let u = 0; u < BIG_USERS; u++) docs.push(event(docs.length, 'd-big', `b-${u}`))
  for (const u of ['x-1', 'x-2']) docs.push(event(docs.length, 'd-pair', u))
  for (let i = 0; i < docs.length; i += 10_000) {
    const r = await es.bulk({ operations: docs.slice(i, i + 10_000).flatMap((d, j) => [{ create: { _index: index, _id: `sk-${i + j}` } }, d]) })
    if (r.errors) throw new Error('the planted events were not all stored')
  }
  await es.indices.refresh({ index })
})
t.teardown(async () => {
  await cleanup(es, config)
  await es.close()
})

t.test('1,000 shared devices of 70 users each, and one of 1,005: every key listed with its users', async t => {
  const signals = new SignalsService(new EventsScanner(es, prefix))
  const r = await signals.findSharedKeys({ term: { 'audit.tenant': 'brand-a' } }, { by: 'device', minUsers: 3, size: KEYS }, PLATFORM_SCOPE)
  t.equal(r.signals.length, KEYS)
  t.same(r.bounds, { scanned: KEYS, limit: KEYS, truncated: true }, 'more keys exist, and the last one examined qualified')
  const [big, ...rest] = r.signals
  t.match(big, { key: 'd-big', figure: { complete: false, minUsers: 3, events: BIG_USERS } })
  t.equal(big?.users.length, 1000, 'the list stops at 1,000 users')
  t.ok((big?.figure.users ?? 0) >= 1000, 'and the figure is the estimate beyond it')
  t.equal(new Set(rest.map(s => s.key)).size, KEYS - 1)
  t.ok(rest.every(s => s.key.startsWith('d-') && s.key !== 'd-pair' && s.figure.users === USERS_PER_KEY && s.figure.complete && s.users.length === USERS_PER_KEY), 'each other key with its 70 users, exactly')
  t.same(rest[0]?.users, Array.from({ length: USERS_PER_KEY }, (_, u) => `u-${u}`).sort())
  t.equal(rest[0]?.evidence.length, 20, 'evidence: the first event of each of the first users')
})
