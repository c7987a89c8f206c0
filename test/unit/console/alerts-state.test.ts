import t from 'tap'
import { alertsParams, alertsPath, evidenceParams, nextStatuses, readAlerts } from '../../../console/src/features/alerts/state.ts'
import type { Alert } from '../../../console/src/features/alerts/types.ts'

t.test('the alerts view in the address: defaults left out, unknown values read as the defaults', async t => {
  t.same(readAlerts(new URLSearchParams('')), { shows: 'active', severity: 'any' })
  t.same(readAlerts(new URLSearchParams('shows=closed&severity=high&rule=r1&id=a1')), { shows: 'closed', severity: 'high', rule: 'r1', id: 'a1' })
  t.same(readAlerts(new URLSearchParams('shows=everything&severity=low')), { shows: 'active', severity: 'any' })
  t.same(alertsParams({ shows: 'active', severity: 'any' }), { shows: undefined, severity: undefined, rule: undefined, id: undefined })
  t.same(alertsParams({ shows: 'all', severity: 'critical', rule: 'r1', id: 'x' }), { shows: 'all', severity: 'critical', rule: 'r1', id: 'x' })
})

t.test('the list request: statuses to work on by default, severities from the minimum up', async t => {
  t.equal(alertsPath({ shows: 'active', severity: 'any' }, 50), '/v1/alerts?status=open&status=acknowledged&size=50')
  t.equal(alertsPath({ shows: 'all', severity: 'high', rule: 'r 1' }, 50, 'abc'), '/v1/alerts?severity=high&severity=critical&ruleId=r+1&size=50&after=abc')
  t.equal(alertsPath({ shows: 'closed', severity: 'medium' }, 10), '/v1/alerts?status=closed&severity=medium&severity=high&severity=critical&size=10')
})

t.test('status changes offered follow the API: open → acknowledged → closed, or open → closed', async t => {
  t.same(nextStatuses('open'), ['acknowledged', 'closed'])
  t.same(nextStatuses('acknowledged'), ['closed'])
  t.same(nextStatuses('closed'), [])
})

t.test('the evidence opens in Discover by id, within the alert\'s tenant, over its events\' period', async t => {
  const alert = { tenant: 'brand-a', evidence: ['e-1', 'e"2\\'], first_event_at: '2026-12-01T10:00:00.000Z', last_event_at: '2026-12-01T10:05:00.000Z', created_at: '2026-12-01T10:06:00.000Z', last_seen_at: '2026-12-01T10:06:00.000Z' } as Alert
  t.same(evidenceParams(alert), { q: 'audit.tenant:"brand-a" and event.id:("e-1" or "e\\"2\\\\")', from: '2026-12-01T09:59:00.000Z', to: '2026-12-01T10:06:00.000Z' })
  t.match(evidenceParams({ ...alert, tenant: null })?.q, /^event\.id:\(/, 'a platform alert: ids alone')
  t.equal(evidenceParams({ ...alert, evidence: [] }), undefined, 'nothing to open')
})
