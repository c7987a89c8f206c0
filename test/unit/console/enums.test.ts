import t from 'tap'
import * as consoleEnums from '../../../console/src/api/enums.ts'
import { CATEGORIES } from '../../../src/events/taxonomy.ts'
import { DEVICE_TYPES, LEVELS, OUTCOMES } from '../../../src/events/schema.ts'

t.test('the console offers exactly the values the API accepts', async t => {
  t.same(consoleEnums.CATEGORIES, CATEGORIES)
  t.same(consoleEnums.OUTCOMES, OUTCOMES)
  t.same(consoleEnums.LEVELS, LEVELS)
  t.same(consoleEnums.DEVICE_TYPES, DEVICE_TYPES)
})
