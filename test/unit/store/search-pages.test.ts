import t from 'tap'
import type { estypes } from '@elastic/elasticsearch'
import { afterPages, pageRequest, type AfterPage } from '../../../src/store/search-pages.ts'

type Cursor = estypes.SortResults

/** Pages of numbers 0..n-1 in `size`s, cut after the cursor, recording each request and when it was made. */
function source (n: number, size: number, log: string[]): (after: Cursor | undefined) => Promise<AfterPage<number>> {
  return async after => {
    log.push(`fetch ${after === undefined ? '-' : String(after[0])}`)
    const start = after === undefined ? 0 : Number(after[0]) + 1
    const items = Array.from({ length: Math.max(0, Math.min(size, n - start)) }, (_, i) => start + i)
    const last = items.at(-1)
    return { items, last: last === undefined ? undefined : [last], full: items.length === size }
  }
}

t.test('walks every item once, each page after the last item of the one before, until a page is short', async t => {
  const log: string[] = []
  const seen: number[] = []
  for await (const page of afterPages(source(7, 3, log))) seen.push(...page)
  t.same(seen, [0, 1, 2, 3, 4, 5, 6])
  t.same(log, ['fetch -', 'fetch 2', 'fetch 5'])
})

t.test('an exact multiple ends on an empty page, which is not handed over', async t => {
  const log: string[] = []
  const pages: number[][] = []
  for await (const page of afterPages(source(6, 3, log))) pages.push(page)
  t.same(pages, [[0, 1, 2], [3, 4, 5]])
  t.same(log, ['fetch -', 'fetch 2', 'fetch 5'])
})

t.test('without prefetch the next page is asked only once the reader has taken this one', async t => {
  const log: string[] = []
  for await (const page of afterPages(source(7, 3, log))) log.push(`read ${page.join(',')}`)
  t.same(log, ['fetch -', 'read 0,1,2', 'fetch 2', 'read 3,4,5', 'fetch 5', 'read 6'])
})

t.test('with prefetch the next page is asked before this one is handed over', async t => {
  const log: string[] = []
  for await (const page of afterPages(source(7, 3, log), { prefetch: true })) log.push(`read ${page.join(',')}`)
  t.same(log, ['fetch -', 'fetch 2', 'read 0,1,2', 'fetch 5', 'read 3,4,5', 'read 6'])
})

t.test('`more` decides; an empty page keeps the cursor of the last item read', async t => {
  const log: string[] = []
  const pages = [[1, 2], [], [3]]
  let call = 0
  const fetch = async (after: Cursor | undefined): Promise<AfterPage<number>> => {
    log.push(`fetch ${after === undefined ? '-' : String(after[0])}`)
    const items = pages[call++] ?? []
    const last = items.at(-1)
    return { items, last: last === undefined ? undefined : [last], full: false }
  }
  const seen: number[][] = []
  for await (const page of afterPages(fetch, { more: () => call < pages.length })) seen.push(page)
  t.same(seen, [[1, 2], [3]])
  t.same(log, ['fetch -', 'fetch 2', 'fetch 2'])
})

t.test('a reader that stops early leaves no prefetch unsettled, even a failing one', async t => {
  let calls = 0
  const fetch = async (): Promise<AfterPage<number>> => {
    calls++
    if (calls > 1) throw new Error('refused')
    return { items: [1], last: [1], full: true }
  }
  for await (const page of afterPages(fetch, { prefetch: true })) { t.same(page, [1]); break }
  t.equal(calls, 2)
})

t.test('a failing page fails the walk', async t => {
  const fetch = async (): Promise<AfterPage<number>> => { throw new Error('refused') }
  await t.rejects((async () => { for await (const _ of afterPages(fetch)) t.fail('no page') })(), /refused/)
})

t.test('the request carries the point in time and the cursor only when given', async t => {
  t.same(pageRequest({ index: 'x', size: 2 }), { index: 'x', size: 2 })
  t.same(pageRequest({ size: 2 }, ['a', 1], { id: 'p1', keepAlive: '2m' }), { size: 2, pit: { id: 'p1', keep_alive: '2m' }, search_after: ['a', 1] })
})
