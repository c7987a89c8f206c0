import t from 'tap'
import { randomBytes } from 'node:crypto'
import { SearchService } from '../../../src/search/search-service.ts'
import { CursorCodec } from '../../../src/search/cursor.ts'
import { anchored } from '../../../src/query/date-math.ts'
import type { EventsReader, PageQuery } from '../../../src/store/events/events-read.ts'

const scope = { keyId: 'k-1', tenant: 'brand-a', masked: false, scopes: ['read'] } as never

/** A reader that records each page's query and always has a full page more. */
function recordingReader (queries: PageQuery[]): EventsReader {
  let n = 0
  return {
    openPit: async () => 'pit',
    closePit: async () => {},
    page: async (pit: string, q: PageQuery) => {
      queries.push(q)
      return { pit, total: 1000, tookMs: 1, failedShards: 0, timedOut: false, hits: Array.from({ length: q.size }, () => ({ id: `e-${n}`, source: {}, sort: [n++] })) }
    }
  } as unknown as EventsReader
}

t.test('every page of a search resolves its date math at the first page\'s instant', async t => {
  const queries: PageQuery[] = []
  const service = new SearchService(recordingReader(queries), new CursorCodec(Buffer.alloc(32, 7)))
  const realNow = Date.now
  t.teardown(() => { Date.now = realNow })
  const first = Date.parse('2026-12-04T17:40:00.000Z')
  Date.now = () => first
  const page1 = await service.search({ size: 2, filters: { period: { from: 'now-24h', to: 'now', timeZone: 'Europe/Paris' } }, query: '@timestamp >= now-1h/h' }, scope)
  // The next page comes a minute later: `now-24h` must not have moved on.
  Date.now = () => first + 60_000
  await service.search({ cursor: page1.cursor as string }, scope)
  t.equal(queries.length, 2)
  const text = JSON.stringify(queries[0]?.query)
  t.same(JSON.parse(JSON.stringify(queries[1]?.query)), queries[0]?.query, 'the second page sends the first page\'s query')
  t.match(text, `"gte":"${anchored('now-24h', first)}"`, 'the period, anchored')
  t.match(text, '"gte":"2026-12-04T17:40:00.000Z||-1h/h"', 'KQL date math too')
  t.notMatch(text, /"now/, 'no `now` left for Elasticsearch to resolve at each request')
})

t.test('a search whose cursor the routes would refuse is refused at its first page, with why', async t => {
  const service = new SearchService(recordingReader([]), new CursorCodec(Buffer.alloc(32, 7)))
  // Random ids do not compress: the sealed request passes what a request may carry back.
  const userId = Array.from({ length: 100 }, () => randomBytes(96).toString('base64url'))
  await t.rejects(service.search({ size: 1, filters: { userId } }, scope), { statusCode: 400, errors: [{ path: '/', message: /too large to page through: its cursor would hold \d+ characters, more than the 12000/ }] })
})

t.test('anchored: `now` becomes the instant, the math and rounding stay', async t => {
  const at = Date.parse('2026-12-04T17:40:12.345Z')
  t.equal(anchored('now', at), '2026-12-04T17:40:12.345Z')
  t.equal(anchored('now-7d/d', at), '2026-12-04T17:40:12.345Z||-7d/d')
  t.equal(anchored('2026-01-01', at), '2026-01-01', 'a date as it is')
  t.equal(anchored('2026-01-01||+1M', at), '2026-01-01||+1M')
})
