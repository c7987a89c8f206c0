import t from 'tap'
import { Type } from '@sinclair/typebox'
import { compileChecker } from '../../../src/validation/checker.ts'
import { checkRule } from '../../../src/watch/rule-check.ts'

const Shape = Type.Object({
  condition: Type.Union([
    Type.Object({ kind: Type.Literal('a'), window: Type.String({ pattern: '^[0-9]+m$' }) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('b'), count: Type.Integer({ minimum: 2 }) }, { additionalProperties: false })
  ]),
  other: Type.Optional(Type.Union([Type.String(), Type.Number()]))
}, { additionalProperties: false })
const check = compileChecker(Shape)

t.test('a union told apart by kind is checked as the branch its kind names, each problem under its own field', async t => {
  t.same(check({ condition: { kind: 'a', window: '10 minutes' } }, 3), [{ index: 3, path: '/condition/window', message: 'expected string to match \'^[0-9]+m$\'' }])
  t.same(check({ condition: { kind: 'b', count: 1, extra: true } }, 0).map(e => e.path).sort(), ['/condition/count', '/condition/extra'])
  t.same(check({ condition: { kind: 'c' } }, 0), [{ index: 0, path: '/condition/kind', message: 'must be one of a, b' }])
  t.same(check({ condition: { kind: 'a', window: '5m' } }, 0), [], 'a valid branch')
  t.same(check({ condition: 'a' }, 0), [{ index: 0, path: '/condition', message: 'expected union value' }], 'not an object: the union as a whole')
  t.same(check({ condition: { kind: 'a', window: '5m' }, other: true }, 0), [{ index: 0, path: '/other', message: 'expected union value' }], 'unions without kinds as before')
})

t.test('a watch rule\'s condition names the field at fault', async t => {
  t.throws(() => checkRule({ name: 'r', condition: { kind: 'threshold', window: '10 minutes', bound: { value: 5 } } }, null), { errors: [{ path: '/condition/window', message: 'must be a number and a unit s, m, h, d or w, such as 10m, 24h, 7d' }] })
  t.throws(() => checkRule({ name: 'r', condition: { kind: 'signal', signal: 'failed-logins', params: { threshold: 1 } } }, null), { errors: [{ path: '/condition/params/threshold', message: /greater or equal to 2/ }] })
  t.throws(() => checkRule({ name: 'r', condition: { kind: 'new-value' } }, null), { errors: [{ path: '/condition/field', message: 'is required' }] })
})
