import t from 'tap'
import { readState } from '../../../console/src/app/discover-state.ts'
import { fromSaved, toSaved } from '../../../console/src/features/saved/mapping.ts'
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
