import t from 'tap'
import { readRiskyUsers, riskyUsersAggs, TOP_EVENTS_SORT } from '../../../src/analytics/ranking-service.ts'
import { checkRules, LiveRules, tableOf } from '../../../src/analytics/rules-service.ts'
import { RulesUpdate } from '../../../src/analytics/rules-schema.ts'
import { compileChecker } from '../../../src/validation/checker.ts'
import { DEFAULT_IMPORTANCE_RULES, type ImportanceRule } from '../../../src/events/importance-rules.ts'

t.test('ranking bodies and answers', async t => {
  t.same(TOP_EVENTS_SORT, [{ 'audit.importance.score': { order: 'desc' } }, { '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'asc' } }])
  t.match(riskyUsersAggs(20), { users: { terms: { field: 'user.id', size: 20, shard_size: 500, order: [{ _count: 'desc' }, { maxScore: 'desc' }, { _key: 'asc' }] } } })
  const answer = readRiskyUsers({
    sum_other_doc_count: 0, doc_count_error_upper_bound: 0,
    buckets: [{ key: 'u-1', doc_count: 3, maxScore: { value: 95 }, lastSeen: { value: Date.parse('2026-11-02T00:00:00Z') }, byLevel: { buckets: [{ key: 'high', doc_count: 2 }, { key: 'critical', doc_count: 1 }] } }]
  })
  t.same(answer, { users: [{ userId: 'u-1', events: 3, byLevel: { high: 2, critical: 1 }, maxScore: 95, lastSeen: '2026-11-02T00:00:00.000Z' }], complete: true, exact: true })
})

t.test('rule tables: schema and unique ids', async t => {
  const check = compileChecker(RulesUpdate)
  t.same(check({ version: 0, rules: DEFAULT_IMPORTANCE_RULES }, 0), [], 'the default table is valid')
  t.same(checkRules(DEFAULT_IMPORTANCE_RULES), [])
  const rule = (over: object): object => ({ id: 'r', level: 'high', score: 50, why: 'because', when: {}, ...over })
  const bad: Array<[object, string]> = [
    [{ version: 0, rules: [rule({ level: 'severe' })] }, '/rules/0/level'],
    [{ version: 0, rules: [rule({ score: 101 })] }, '/rules/0/score'],
    [{ version: 0, rules: [rule({ score: 5.5 })] }, '/rules/0/score'],
    [{ version: 0, rules: [rule({ when: { actions: ['Login!'] } })] }, '/rules/0/when/actions/0'],
    [{ version: 0, rules: [rule({ when: { categories: ['casino'] } })] }, '/rules/0/when/categories/0'],
    [{ version: 0, rules: [rule({ when: { nope: 1 } })] }, '/rules/0/when/nope'],
    [{ version: 0, rules: [rule({ id: 'Bad Id' })] }, '/rules/0/id'],
    [{ version: -1, rules: [] }, '/version'],
    [{ rules: [] }, '/version'],
    [{ version: 0, rules: Array.from({ length: 201 }, (_, i) => rule({ id: `r${i}` })) }, '/rules']
  ]
  for (const [body, path] of bad) t.equal(check(body, 0)[0]?.path, path, `${path}: ${check(body, 0)[0]?.message}`)
  const twice = [rule({ id: 'a' }), rule({ id: 'b' }), rule({ id: 'a' })] as ImportanceRule[]
  t.same(checkRules(twice), [{ index: 0, path: '/rules/2/id', message: 'repeats the id of rule 0' }])
})

t.test('the live table follows the store and never goes back', async t => {
  const rules = (id: string): ImportanceRule[] => [{ id, level: 'high', score: 50, why: 'w', when: {} }]
  let stored = { version: 3, updatedAt: '2026-11-01T00:00:00Z', updatedBy: 'k', rules: rules('three') }
  let fail = false
  const errors: unknown[] = []
  const live = new LiveRules(async () => { if (fail) throw new Error('down'); return stored }, 60_000, err => errors.push(err))
  t.same(live.current(), DEFAULT_IMPORTANCE_RULES, 'the built-in table before the first load')
  await live.start()
  t.same(live.current(), rules('three'))
  live.set({ ...stored, version: 4, rules: rules('four') })
  t.same(live.current(), rules('four'), 'a change made here applies at once')
  await live.refresh()
  t.same(live.current(), rules('four'), 'a refresh that read an older version does not undo it')
  stored = { ...stored, version: 5, rules: rules('five') }
  await live.refresh()
  t.same(live.current(), rules('five'), 'a change made elsewhere arrives with the next refresh')
  fail = true
  await live.refresh()
  t.same(live.current(), rules('five'), 'a failed refresh keeps the last table')
  t.equal(errors.length, 1)
  live.stop()
  t.same(tableOf(undefined), { version: 0, updatedAt: null, updatedBy: null, rules: DEFAULT_IMPORTANCE_RULES })
})
