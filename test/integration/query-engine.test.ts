import { t } from '../helpers/file-test.ts'
import fc from 'fast-check'
import { Value } from '@sinclair/typebox/value'
import type { estypes } from '@elastic/elasticsearch'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { seedEvents } from '../helpers/seed.ts'
import { kqlToQuery } from '../../src/query/kql/index.ts'
import { checkFilters, compileFilters, Filters } from '../../src/query/filters.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { filtersInput, kqlInput, zone } from '../unit/query/query-arbitraries.ts'

// What the compilers accept, Elasticsearch accepts: a sample of generated KQL and filters that compile is
// searched (size 0) on real partitions of seeded events. An engine error here is a value that should have been
// refused with a 400 naming it (the service would answer a vague 400, or worse).
const SEED = Number(process.env.SILLAGE_QUERY_SEED ?? 20261202)
let stack: Stack

t.before(async () => {
  stack = await startStack(t)
  const events = seedEvents('qe', 30, Date.now() - 60_000)
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: events.map(e => e.body) } })
  if (res.statusCode !== 202) throw new Error(res.body)
  if (await stack.waitForCount(events.length) < events.length) throw new Error('seed not indexed')
})

type Query = estypes.QueryDslQueryContainer

/** Searches each query (size 0) in batches; the inputs Elasticsearch refused, with its reason. */
async function refused (queries: Array<{ input: string, query: Query }>): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < queries.length; i += 100) {
    const batch = queries.slice(i, i + 100)
    const res = await stack.es.msearch({ index: eventsAlias(stack.config.indexPrefix), searches: batch.flatMap(({ query }) => [{}, { size: 0, query, track_total_hits: true }]) })
    res.responses.forEach((r, j) => {
      if ('error' in r) out.push(`${batch[j]?.input}: ${JSON.stringify(r.error.root_cause?.[0]?.reason ?? r.error.reason).slice(0, 300)}`)
    })
  }
  return out
}

t.test('compiled KQL is accepted by Elasticsearch', async t => {
  const queries: Array<{ input: string, query: Query }> = []
  for (const [input, timeZone] of fc.sample(fc.tuple(kqlInput, fc.option(zone, { nil: undefined })), { numRuns: 3000, seed: SEED })) {
    try {
      queries.push({ input: `${JSON.stringify(input)}${timeZone === undefined ? '' : ` in ${timeZone}`}`, query: kqlToQuery(input, timeZone === undefined ? {} : { timeZone }) })
    } catch { /* refused with a KqlError: the unit properties check those */ }
  }
  t.ok(queries.length > 800, `${queries.length} compiled queries searched`)
  t.same(await refused(queries), [], 'no engine error')
})

t.test('compiled filters are accepted by Elasticsearch', async t => {
  const queries: Array<{ input: string, query: Query }> = []
  for (const input of fc.sample(filtersInput, { numRuns: 20_000, seed: SEED })) {
    if (!Value.Check(Filters, input) || checkFilters(input).length > 0) continue
    const { filter, must } = compileFilters(input)
    queries.push({ input: JSON.stringify(input), query: { bool: { filter, must } } })
  }
  t.ok(queries.length > 150, `${queries.length} compiled filter sets searched`)
  t.same(await refused(queries), [], 'no engine error')
})

t.test('free text matches when each word is in one of the text fields, not only when all are in one', async t => {
  const at = new Date(Date.now() - 30_000).toISOString()
  const events = [
    { '@timestamp': at, event: { id: 'ft-across', action: 'withdrawal', outcome: 'failure', reason: 'flagged for alice review' }, message: 'chargeback opened', user: { id: 'u-ft' }, audit: { money: { amount: 5, currency: 'EUR' } } },
    { '@timestamp': at, event: { id: 'ft-one', action: 'withdrawal', outcome: 'failure', reason: 'limit' }, message: 'chargeback opened', user: { id: 'u-ft' }, audit: { money: { amount: 5, currency: 'EUR' } } }
  ]
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events } })
  t.equal(res.statusCode, 202, res.body)
  await stack.waitForCount(32)
  const ids = async (body: object): Promise<string[]> => {
    const r = await stack.api.app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(KEYS.read), payload: body })
    return (r.json() as { events: Array<{ id: string }> }).events.map(e => e.id)
  }
  t.same(await ids({ query: 'chargeback alice' }), ['ft-across'], 'KQL: "chargeback" in the message, "alice" in the reason')
  t.same(await ids({ filters: { text: 'chargeback alice' } }), ['ft-across'], 'the text filter too')
  t.same((await ids({ query: 'chargeback' })).sort(), ['ft-across', 'ft-one'])
  t.same(await ids({ query: 'chargeback nobody' }), [], 'every word must be found')
})
