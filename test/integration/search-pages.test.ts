import { t } from '../helpers/file-test.ts'
import type { DiagnosticResult } from '@elastic/elasticsearch'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { searchPage, searchPages, type PointInTime } from '../../src/store/search-pages.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

const config = loadConfig(testEnv())
const es = createEs(config.elasticsearchUrl)
const index = `${config.indexPrefix}-paging`
const N = 23

t.before(async () => {
  await es.indices.create({ index, settings: { number_of_shards: 2, number_of_replicas: 0 }, mappings: { properties: { n: { type: 'integer' } } } })
  await es.bulk({ refresh: true, operations: Array.from({ length: N }, (_, n) => [{ create: { _index: index, _id: `d${n}` } }, { n }]).flat() })
})
t.teardown(async () => {
  await es.indices.delete({ index }, { ignore: [404] })
  await cleanup(es, config)
  await es.close()
})

const numbers = (hits: Array<{ _source?: { n: number } }>): number[] => hits.map(h => h._source?.n as number)

t.test('every document once, in sort order, in pages of the asked size', async t => {
  const sizes: number[] = []
  const seen: number[] = []
  for await (const hits of searchPages<{ n: number }>(es, { index, size: 5, sort: [{ n: 'asc' }] })) { sizes.push(hits.length); seen.push(...numbers(hits)) }
  t.same(seen, Array.from({ length: N }, (_, n) => n))
  t.same(sizes, [5, 5, 5, 5, 3])
})

t.test('a walk over its own point in time closes it, also when its reader stops early', async t => {
  const opened: string[] = []
  const onResponse = (_: unknown, r: DiagnosticResult | null): void => {
    const params = r?.meta.request.params
    if (params?.method === 'POST' && params.path.endsWith('/_pit')) opened.push((r?.body as { id: string }).id)
  }
  es.diagnostic.on('response', onResponse)
  t.teardown(() => { es.diagnostic.off('response', onResponse) })
  const walk = searchPages<{ n: number }>(es, { size: 4, sort: [{ n: 'desc' }] }, { openPit: { index, keep_alive: '1m' } })
  const first = await walk.next()
  t.same(numbers(first.value as Array<{ _source?: { n: number } }>), [22, 21, 20, 19])
  // A document added now is not seen: the walk reads the point in time it opened.
  await es.index({ index, id: 'late', document: { n: 100 }, refresh: true })
  const rest: number[] = []
  for await (const hits of walk) { rest.push(...numbers(hits)); if (rest.length >= 8) break }
  t.same(rest, [18, 17, 16, 15, 14, 13, 12, 11])
  t.equal(opened.length, 1)
  await t.rejects(es.search({ pit: { id: opened[0] as string }, size: 1 }), /search_context_missing|No search context found|404/i, 'the point in time is closed')
  await es.delete({ index, id: 'late', refresh: true })
})

t.test('a point in time the caller holds stays open, and a size asked page by page is honoured', async t => {
  const r = await es.openPointInTime({ index, keep_alive: '1m' })
  const pit: PointInTime = { id: r.id, keepAlive: '1m' }
  t.teardown(async () => { await es.closePointInTime({ id: pit.id }, { ignore: [404] }) })
  let read = 0
  const sizes: number[] = []
  for await (const hits of searchPages(es, { size: 10, sort: [{ n: 'asc' }] }, { pit, size: () => Math.min(10, 12 - read + 1) })) { sizes.push(hits.length); read += hits.length; if (read > 12) break }
  t.same(sizes, [10, 3])
  const again = await es.search({ pit: { id: pit.id }, size: 0, track_total_hits: true })
  t.same(again.hits.total, { value: N, relation: 'eq' })
})

t.test('one page: `next` continues after the last hit when the page is full, and ends on a short one', async t => {
  const sort = [{ n: 'asc' as const }]
  const first = await searchPage<{ n: number }>(es, { index, size: 20, sort })
  t.same(first.next, [19])
  const second = await searchPage<{ n: number }>(es, { index, size: 20, sort }, first.next === undefined ? {} : { after: first.next })
  t.same(numbers(second.hits), [20, 21, 22])
  t.equal(second.next, undefined)
})
