import { type Static, Type } from '@sinclair/typebox'
import { CATEGORIES } from '../events/taxonomy.ts'
import { ACTOR_TYPES, LEVELS, OUTCOMES } from '../events/schema.ts'

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map(v => Type.Literal(v)))
const set = <T extends Parameters<typeof Type.Array>[0]>(item: T, maxItems: number) => Type.Optional(Type.Array(item, { minItems: 1, maxItems, uniqueItems: true }))

export const MAX_RULES = 200

export const ImportanceRuleSchema = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'Unique; stored on each event it rates (audit.importance.rule)' }),
  level: literals(LEVELS),
  score: Type.Integer({ minimum: 0, maximum: 100, description: 'The matching rule with the highest score wins' }),
  why: Type.String({ minLength: 1, maxLength: 500, description: 'Why events it matches deserve this level' }),
  when: Type.Object({
    categories: set(literals(CATEGORIES), CATEGORIES.length),
    actions: set(Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$', description: 'An action name' }), 100),
    outcomes: set(literals(OUTCOMES), OUTCOMES.length),
    actorTypes: set(literals(ACTOR_TYPES), ACTOR_TYPES.length),
    minAmount: Type.Optional(Type.Number({ minimum: 0, maximum: 1e15, description: 'In the event\'s own currency' }))
  }, { additionalProperties: false, description: 'Every condition given must hold; none given matches every event' })
}, { additionalProperties: false, $id: 'ImportanceRule' })
export type ImportanceRuleInput = Static<typeof ImportanceRuleSchema>

export const RulesTable = Type.Object({
  version: Type.Integer({ minimum: 0, description: 'Send it back with a change; 0 is the built-in table' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()], { description: 'Id of the API key that made the change' }),
  rules: Type.Array(ImportanceRuleSchema)
}, { $id: 'ImportanceRules' })
export type RulesTable = Static<typeof RulesTable>

export const RulesUpdate = Type.Object({
  version: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'The version read; a change made since then makes this one fail with 409' }),
  rules: Type.Array(ImportanceRuleSchema, { maxItems: MAX_RULES })
}, { additionalProperties: false, $id: 'ImportanceRulesUpdate' })
export type RulesUpdate = Static<typeof RulesUpdate>
