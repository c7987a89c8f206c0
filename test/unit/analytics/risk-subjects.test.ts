import t from 'tap'
import { alertItems, byKeyOfEvent, eventsToLocate, signalItems, usersOnKeys, type AlertFacts, type AnySignal, type FoundSignals } from '../../../src/analytics/risk/risk-subjects.ts'

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 26, 12, minute)).toISOString()
const ev = (id: string, userId: string, minute: number): AnySignal['evidence'][number] => ({ id, '@timestamp': at(minute), action: 'login', outcome: 'failure', userId })

// Where each event happened: e1–e3 on device d-1, e4 on d-2, e5 nowhere known.
const DEVICE: Record<string, string> = { e1: 'd-1', e2: 'd-1', e3: 'd-1', e4: 'd-2' }
const keyOf = (id: string): string | undefined => DEVICE[id]

const burst: AnySignal = { key: 'ann', users: ['ann'], figure: { to: at(9) }, evidence: [ev('e1', 'ann', 1), ev('e2', 'ann', 5), ev('e4', 'ann', 9), ev('e5', 'ann', 9)] }
const shared: AnySignal = { key: 'd-1', users: ['ann', 'bob', 'cat'], figure: { users: 3 }, evidence: [ev('e1', 'ann', 1), ev('e3', 'bob', 3)] }
const found: FoundSignals[] = [
  { name: 'failed-logins', keyedBy: 'user', signals: [burst] },
  { name: 'shared-device', keyedBy: 'device', signals: [shared] }
]

t.test('events grouped by the key they happened on, unknown ones left out', async t => {
  t.same([...byKeyOfEvent(['e1', 'e4', 'e5', 'e2'], keyOf)], [['d-1', ['e1', 'e2']], ['d-2', ['e4']]])
})

t.test('users: a finding counts for each user it names, with that user\'s own events', async t => {
  const items = signalItems(found, 'user', keyOf)
  t.same(items.map(i => [i.key, i.name, i.eventIds]), [
    ['ann', 'failed-logins', ['e1', 'e2', 'e4', 'e5']],
    ['ann', 'shared-device', ['e1']], ['bob', 'shared-device', ['e3']], ['cat', 'shared-device', ['e1', 'e3']]
  ])
  t.equal(items[0]!.time, Date.parse(at(9)), 'a burst happened at its last failure')
})

t.test('devices: a finding keyed by device counts for it; one about a user for each device its events happened on', async t => {
  const items = signalItems(found, 'device', keyOf)
  t.same(items.map(i => [i.key, i.name, i.eventIds]), [
    ['d-1', 'failed-logins', ['e1', 'e2']], ['d-2', 'failed-logins', ['e4']],
    ['d-1', 'shared-device', ['e1', 'e3']]
  ])
  t.equal(items[2]!.time, Date.parse(at(3)), 'a shared device\'s finding happened at its latest event')
})

t.test('only the events of findings and alerts not keyed by the subject are looked up', async t => {
  const alerts: AlertFacts[] = [alert('a-user', 'user.id', 'ann', ['e2', 'e9']), alert('a-dev', 'audit.device.id', 'd-7', ['e8'])]
  t.same(eventsToLocate(found, alerts, 'device').sort(), ['e1', 'e2', 'e4', 'e5', 'e9'])
  t.same(eventsToLocate(found, alerts, 'user'), [], 'users are named by the findings themselves')
})

function alert (id: string, groupField: string | null, group: string | null, evidence: string[]): AlertFacts {
  return { id, rule_name: `rule ${id}`, system: null, severity: 'high', group, group_field: groupField, evidence, last_event_at: at(30), created_at: at(31), figure: {} }
}

t.test('alerts: grouped by the subject\'s field count for their group; others for the devices of their events', async t => {
  const alerts = [
    alert('a-dev', 'audit.device.id', 'd-7', ['e8']),
    alert('a-user', 'user.id', 'ann', ['e1', 'e4', 'e5']),
    alert('a-ip', 'source.ip', '198.51.100.7', ['e2']),
    alert('a-system', null, null, [])
  ]
  t.same(alertItems(alerts, 'device', keyOf).map(i => [i.key, i.alertId, i.eventIds]), [
    ['d-7', 'a-dev', ['e8']], ['d-1', 'a-user', ['e1']], ['d-2', 'a-user', ['e4']], ['d-1', 'a-ip', ['e2']]
  ])
  t.same(alertItems(alerts, 'user', keyOf).map(i => [i.key, i.alertId]), [['ann', 'a-user']], 'users: only alerts grouped by user')
  t.same(alertItems(alerts, 'ip', () => undefined).map(i => [i.key, i.alertId]), [['198.51.100.7', 'a-ip']])
  t.match(alertItems(alerts, 'device', keyOf)[0], { kind: 'alert', name: 'rule a-dev', level: 'high', time: Date.parse(at(30)) })
})

t.test('users on a key: exact when all are listed, else the estimate', async t => {
  const users = usersOnKeys([
    { key: 'd-1', count: { value: 3 }, ids: { buckets: [{ key: 'ann' }, { key: 'bob' }, { key: 'cat' }], sum_other_doc_count: 0 } },
    { key: 'd-2', count: { value: 57 }, ids: { buckets: [{ key: 'ann' }], sum_other_doc_count: 90 } },
    { key: 'd-3', count: { value: 1 }, ids: { buckets: [{ key: 'ann' }], sum_other_doc_count: 4 } }
  ])
  t.same(users.get('d-1'), { count: 3, complete: true, ids: ['ann', 'bob', 'cat'] })
  t.same(users.get('d-2'), { count: 57, complete: false, ids: ['ann'] })
  t.same(users.get('d-3'), { count: 2, complete: false, ids: ['ann'] }, 'an estimate below the users listed is raised')
})
