import t from 'tap'
import type { FieldError } from '../../../src/errors.ts'
import { buildQuery } from '../../../src/query/build-query.ts'
import { parseKql } from '../../../src/query/kql/index.ts'
import { isCoarseBlock, maskedFieldProblem, maskedFilterProblems, maskedKqlProblems } from '../../../src/query/masked-access.ts'
import { compileSort } from '../../../src/query/sort.ts'

t.test('which fields a masked reader may not use in clear', async t => {
  for (const f of ['user.email', 'user.name', 'user.name.text', 'source.ip', 'related.ip', 'audit.actor.name', 'audit.change.before', 'audit.change.after', 'message', 'event.reason', 'event.reason.keyword', 'audit.details.new_email', 'audit.details.login_ip']) {
    t.match(maskedFieldProblem(f), `field "${f}" is masked for this key`, f)
  }
  t.match(maskedFieldProblem('user.email'), /cannot be searched, sorted or grouped on/)
  t.match(maskedFieldProblem('source.ip'), /blocks of \/24 or wider \(IPv4\) or \/48 or wider \(IPv6\)/)
  t.match(maskedFieldProblem('message'), /quotes emails and addresses/)
  t.match(maskedFieldProblem('audit.details.new_email'), /the client's details \(audit\.details\.\*\) cannot be searched/)
  for (const f of ['user.id', 'audit.actor.id', 'audit.change.field', 'source.geo.country_iso_code', 'event.action', 'related.user', 'user.emails', 'messages']) {
    t.equal(maskedFieldProblem(f), undefined, f)
  }
})

t.test('address blocks as wide as the masked form, no narrower', async t => {
  for (const ok of ['81.2.69.0/24', '81.2.0.0/16', '0.0.0.0/0', '2a01:e0a:1::/48', '2a01::/16']) t.ok(isCoarseBlock(ok), ok)
  for (const no of ['81.2.69.142', '81.2.69.128/25', '81.2.69.142/32', '2a01:e0a:1::/49', '2a01:e0a:1::1', '::ffff:81.2.69.0/120', 'x/8', '81.2.69.0/', '81.2.69.0/2a']) t.notOk(isCoarseBlock(no), no)
})

t.test('filters', async t => {
  t.same(maskedFilterProblems({ ip: ['10.0.0.0/8', '81.2.69.142'], text: 'alice', userId: ['u-1'] }).map(e => e.path), ['/filters/ip/1', '/filters/text'])
  t.same(maskedFilterProblems({ ip: ['10.0.0.0/8'], action: ['login'] }), [])
})

t.test('KQL: every clause that would search a hidden value, with its position', async t => {
  const problems = (q: string): Array<[number, string]> => maskedKqlProblems(parseKql(q)).map(e => [e.position, /"([^"]+)"/.exec(e.message)?.[1] ?? ''])
  t.same(problems('user.email:alice.s*'), [[11, 'user.email']])
  t.same(problems('event.action:login and not (user.name:"Ana Lima" or user.name.text:lima)'), [[38, 'user.name'], [67, 'user.name.text']])
  t.same(problems('source.ip:(81.2.69.0/24 or 81.2.69.142)'), [[27, 'source.ip']])
  t.same(problems('source.ip >= 81.2.69.100'), [[0, 'source.ip']])
  t.same(problems('related.ip:81.2.69.*'), [[11, 'related.ip']])
  t.same(problems('chargeback'), [[0, 'message']], 'free text')
  t.same(problems('message:"refund requested"'), [[8, 'message']])
  t.same(problems('event.reason.keyword:blocked*'), [[21, 'event.reason.keyword']])
  t.same(problems('user.email:* and not audit.change.before:* and source.ip:10.0.0.0/8 and related.ip:"2a01:e0a::/32"'), [], 'presence and wide blocks')
  t.same(problems('event.action:login and user.id:u-1 and audit.money.amount >= 10'), [])
  t.same(problems(''), [])
})

t.test('the query of a masked reader is refused, and compiles as before for others', async t => {
  const masked = { tenant: 'brand-a', masked: true }
  const clear = { tenant: 'brand-a', masked: false }
  const errors: FieldError[] = []
  buildQuery({ query: 'user.email:alice.s* or event.action:login', filters: { ip: ['81.2.69.142'] } }, masked, errors)
  t.same(errors.map(e => [e.path, e.position]), [['/filters/ip/0', undefined], ['/query', 11]])
  t.match(errors[1]?.message, 'field "user.email" is masked for this key; it cannot be searched, sorted or grouped on (at character 12)')
  const none: FieldError[] = []
  t.same(buildQuery({ query: 'user.email:alice.s*' }, clear, none), { bool: { filter: [{ term: { 'audit.tenant': 'brand-a' } }], must: [{ wildcard: { 'user.email': { value: 'alice.s*', case_insensitive: false } } }] } })
  t.same(none, [])
  t.same(buildQuery({ query: 'source.ip:81.2.69.0/24' }, masked, none), { bool: { filter: [{ term: { 'audit.tenant': 'brand-a' } }], must: [{ term: { 'source.ip': '81.2.69.0/24' } }] } })
  t.same(none, [])
})

t.test('sorting on a masked field', async t => {
  const errors: FieldError[] = []
  compileSort([{ field: 'time' }, { field: 'user.email' }, { field: 'event.reason.keyword' }], errors, true)
  t.same(errors.map(e => e.path), ['/sort/1/field', '/sort/2/field'])
  const clear: FieldError[] = []
  t.same(compileSort([{ field: 'user.email', order: 'asc' }], clear, false), [{ 'user.email': { order: 'asc' } }])
  t.same(clear, [])
})
