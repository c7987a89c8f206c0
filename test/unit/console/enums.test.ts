import t from 'tap'
import { maskedFieldProblem } from '../../../src/query/masked-access.ts'
import * as consoleEnums from '../../../console/src/api/enums.ts'
import * as personal from '../../../console/src/api/personal-fields.ts'
import { MASKED_FIELDS } from '../../../src/events/personal-fields.ts'
import { FREE_TEXT_FIELDS } from '../../../src/query/fields.ts'
import { CATEGORIES } from '../../../src/events/taxonomy.ts'
import { DEVICE_TYPES, LEVELS, OUTCOMES } from '../../../src/events/schema.ts'

t.test('the console offers exactly the values the API accepts', async t => {
  t.same(consoleEnums.CATEGORIES, CATEGORIES)
  t.same(consoleEnums.OUTCOMES, OUTCOMES)
  t.same(consoleEnums.LEVELS, LEVELS)
  t.same(consoleEnums.DEVICE_TYPES, DEVICE_TYPES)
})

t.test('the console hides from masked readers the searches the API refuses them', async t => {
  t.same([...personal.MASKED_FIELDS].sort(), [...MASKED_FIELDS].sort())
  t.same(personal.FREE_TEXT_FIELDS, FREE_TEXT_FIELDS)
  for (const field of ['user.email', 'source.ip', 'message', 'event.reason', 'audit.change.before.email', 'user.name.text']) {
    t.notOk(personal.filterable(field, true), `${field} is not filterable when masked`)
    t.ok(personal.filterable(field, false), `${field} is filterable in clear`)
  }
  for (const field of ['event.action', 'user.id', 'source.geo.country_iso_code', 'messages']) t.ok(personal.filterable(field, true), `${field} is filterable when masked`)
  // The API's own rule decides.
  for (const field of ['user.email', 'source.ip', 'message', 'event.reason.keyword', 'audit.details.new_email', 'audit.detailsx', 'event.action', 'audit.tags', 'user.id']) {
    t.equal(personal.filterable(field, true), maskedFieldProblem(field) === undefined, field)
  }
})
