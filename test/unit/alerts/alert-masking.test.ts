import t from 'tap'
import { maskAlert, mergedFigure } from '../../../src/alerts/alert-masking.ts'

t.test('a new-value alert on an address: the figure\'s values and the title quoting them are masked', async t => {
  const a = maskAlert({
    group: 'u-1', group_field: 'user.id', title: 'new address: new source.ip 81.2.69.142 for user u-1',
    figure: { field: 'source.ip', value: '81.2.69.142', previous: ['203.0.113.7', '2a01:e0a:1:2::5'], days: 30 }
  })
  t.same(a.figure, { field: 'source.ip', value: '81.2.69.x', previous: ['203.0.113.x', '2a01:e0a:1::x'], days: 30 })
  t.equal(a.title, 'new address: new source.ip 81.2.69.x for user u-1')
  t.equal(a.group, 'u-1', 'user ids are not masked')
})

t.test('a group on a masked field, and names that free-text masking would not find', async t => {
  const a = maskAlert({
    group: 'john@example.com', group_field: 'user.email', title: 'velocity: 6 events within 1h for user.email john@example.com',
    figure: { metric: 'events', value: 6 }
  })
  t.equal(a.group, 'j***@example.com')
  t.equal(maskAlert({ group: 'john@example.com', group_field: 'user.email', dedup_key: 'r-1|john@example.com', figure: {} }).dedup_key, 'r-1|j***@example.com', 'the deduplication key names the group: masked too')
  t.notMatch(a.title, /john/)
  t.same(a.figure, { metric: 'events', value: 6 }, 'a figure of counts is left as it is')
  const named = maskAlert({ group: 'u-2', group_field: 'user.id', title: 'new user.name Jeanne Martin for user u-2', figure: { field: 'user.name', value: 'Jeanne Martin', previous: [] } })
  t.notMatch(named.title, /Jeanne Martin/)
  t.notMatch(JSON.stringify(named.figure), /Jeanne Martin/)
})

t.test('an alert with nothing masked is unchanged, and no title is added where there was none', async t => {
  const plain = { group: 'd-9', group_field: 'audit.device.id', title: 'shared device d-9', figure: { users: 4 } }
  t.same(maskAlert(plain), plain)
  t.same(maskAlert({ group: null, group_field: null, figure: {} }), { group: null, group_field: null, figure: {} })
})

t.test('a new-value alert merged with a later value: the title says the latest, every value reported is listed and masked', async t => {
  const first = { field: 'audit.actor.name', value: 'Jane Doe', previous: ['Ann Lee'], days: 30 }
  const figure = mergedFigure(first, { field: 'audit.actor.name', value: 'John Smith', previous: ['Ann Lee'], days: 30 })
  t.same(figure.reported, ['Jane Doe', 'John Smith'])
  t.same(mergedFigure(figure, { field: 'audit.actor.name', value: 'Jane Doe', previous: [], days: 30 }).reported, ['Jane Doe', 'John Smith'], 'a value reported again is listed once')
  t.same(mergedFigure({ metric: 'events', value: 4 }, { metric: 'events', value: 6 }), { metric: 'events', value: 6 }, 'other figures: the latest')
  const a = maskAlert({ group: 'u-1', group_field: 'user.id', title: 'new operator: new audit.actor.name John Smith for user u-1', figure })
  t.notMatch(JSON.stringify(a), /Jane Doe|John Smith|Ann Lee/)
})

t.test('groups and new values of fields masked as free text (event.reason, audit.details.*) and the rule\'s name are masked', async t => {
  const byDetail = maskAlert({
    group: '81.2.69.142', group_field: 'audit.details.login_ip', title: 'velocity: 6 events within 1h for audit.details.login_ip 81.2.69.142',
    rule_name: 'Logins of alice@example.com', figure: { metric: 'events', value: 6 }
  })
  t.equal(byDetail.group, '81.2.69.x')
  t.notMatch(byDetail.title ?? '', /81\.2\.69\.142/)
  t.equal(byDetail.rule_name, 'Logins of a***@example.com')
  const byReason = maskAlert({ group: 'refund asked by bob@example.com', group_field: 'event.reason.keyword', figure: {} })
  t.equal(byReason.group, 'refund asked by b***@example.com')
  const newDetail = maskAlert({
    group: 'u-1', group_field: 'user.id', title: 'new audit.details.new_email carol@example.com for user u-1',
    figure: { field: 'audit.details.new_email', value: 'carol@example.com', previous: ['dan@example.com'], reported: ['carol@example.com'] }
  })
  t.notMatch(JSON.stringify(newDetail), /carol@|dan@/, 'the figure\'s values and the title')
  t.equal(newDetail.group, 'u-1')
})
