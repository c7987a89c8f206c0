import t from 'tap'
import { readState, toSearch } from '../../../console/src/app/discover-state.ts'
import { discoverPath, fromSaved, toSaved } from '../../../console/src/features/saved/mapping.ts'
import { FILTER_FIELDS, type FilterKey } from '../../../src/query/filter-fields.ts'
import type { SavedSearch } from '../../../console/src/features/saved/types.ts'

const stored = (input: ReturnType<typeof toSaved>): SavedSearch => ({ ...input, shared: input.shared ?? false, id: 'x', owner: 'k', tenant: null, created_at: '', updated_at: '', version: '1.1' })

t.test('a Discover view saved and reopened is the same view', async t => {
  const state = readState(new URLSearchParams('q=event.action:login&from=now-7d&to=now&outcome=failure&country=FR&country=DE&importance=high&amountMin=100&device=mobile&user=u-1&cols=@timestamp,user.id&sort=user.id:asc'))
  const saved = toSaved(state, 'Europe/Paris', 'Failed logins', true)
  t.same(saved.filters, { outcome: ['failure'], country: ['FR', 'DE'], importance: { levels: ['high'] }, amount: { gte: 100 }, deviceType: ['mobile'], userId: ['u-1'] }, 'the chips become filters, the period does not')
  t.same(saved.timeRange, { from: 'now-7d', to: 'now', timeZone: 'Europe/Paris' })
  t.same(saved.sort, [{ field: 'user.id', order: 'asc' }])
  const back = fromSaved(stored(saved))
  t.same({ ...back, filters: [...back.filters].sort((a, b) => a.kind.localeCompare(b.kind)) }, { ...state, filters: [...state.filters].sort((a, b) => a.kind.localeCompare(b.kind)) })
})

t.test('filters Discover has no chip for join the KQL query with the same meaning', async t => {
  const s = stored({ name: 'API made', shared: false, query: 'event.action:withdrawal', filters: { actorType: ['operator', 'system'], currency: ['EUR'], tenant: ['brand-a'], text: 'say "hi"', importance: { min: 'high' }, period: { from: 'now-1d' } } })
  const view = fromSaved(s)
  t.equal(view.query, '((((event.action:withdrawal) and (audit.actor.type:"operator" or audit.actor.type:"system")) and audit.money.currency:"EUR") and audit.tenant:"brand-a") and "say \\"hi\\""')
  t.same(view.filters, [{ kind: 'importance', value: 'high' }, { kind: 'importance', value: 'critical' }], 'a minimum level lists the levels from it up')
  t.equal(view.from, 'now-1d', 'the period of the filters when there is no time range')
})

t.test('every filter the API accepts opens in Discover, as a chip or a KQL clause', async t => {
  const samples: Record<FilterKey, unknown> = {
    tenant: ['brand-a'], category: ['money'], action: ['login'], ip: ['10.0.0.0/8'], sessionId: ['s-1'], userId: ['u-1'], operatorId: ['op-1'],
    actorType: ['operator'], outcome: ['failure'], importance: { min: 'high' }, country: ['FR'], deviceType: ['mobile'], browser: ['Chrome'],
    os: ['iOS'], amount: { gte: 5 }, currency: ['EUR']
  }
  const empty = fromSaved(stored({ name: 'none', shared: false }))
  for (const { key, field } of FILTER_FIELDS) {
    const view = fromSaved(stored({ name: key, shared: false, filters: { [key]: samples[key] } }))
    t.notSame({ query: view.query, filters: view.filters }, { query: empty.query, filters: empty.filters }, `${key} is kept`)
    if (view.query !== '') t.match(view.query, `${field}:`, `${key} as a clause on ${field}`)
  }
  const view = fromSaved(stored({ name: 'agents', shared: false, filters: { browser: ['Chrome', 'Firefox'], os: ['iOS'] } }))
  t.equal(view.query, '((user_agent.name:"Chrome" or user_agent.name:"Firefox")) and user_agent.os.name:"iOS"')
})

t.test('levels and a minimum level saved together both hold when opened', async t => {
  const view = fromSaved(stored({ name: 'both', shared: false, filters: { importance: { levels: ['medium', 'high'], min: 'high' } } }))
  t.same(view.filters, [{ kind: 'importance', value: 'medium' }, { kind: 'importance', value: 'high' }], 'the levels are the chips')
  t.equal(view.query, '(audit.importance.level:"high" or audit.importance.level:"critical")', 'the minimum is a clause beside them')
})

t.test('the zone of a saved period is kept where the period depends on it', async t => {
  const today = fromSaved(stored({ name: 'today', shared: false, timeRange: { from: 'now/d', to: 'now', timeZone: 'America/New_York' } }))
  t.equal(today.zone, 'America/New_York')
  t.equal(toSearch(today, 'Europe/Paris').filters?.period?.timeZone, 'America/New_York', 'the period is searched in the saved zone')
  t.equal(readState(new URLSearchParams(discoverPath(stored({ name: 'today', shared: false, timeRange: { from: 'now/d', to: 'now', timeZone: 'America/New_York' } })).split('?')[1])).zone, 'America/New_York', 'and carried in the address')
  t.equal(toSaved(today, 'Europe/Paris', 'again', false).timeRange?.timeZone, 'America/New_York', 'saved again with it')
  const local = fromSaved(stored({ name: 'day', shared: false, timeRange: { from: '2025-03-01', to: '2025-03-01T23:59:59', timeZone: 'Asia/Singapore' } }))
  t.equal(local.zone, 'Asia/Singapore', 'times without an offset are read in it')
  const week = fromSaved(stored({ name: 'week', shared: false, timeRange: { from: 'now-7d', to: 'now', timeZone: 'America/New_York' } }))
  t.equal(week.zone, undefined, 'a period that means the same in every zone is read in the person\'s')
  t.equal(toSearch(week, 'Europe/Paris').filters?.period?.timeZone, 'Europe/Paris')
})
