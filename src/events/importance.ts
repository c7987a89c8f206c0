import type { ImportanceRule } from './importance-rules.ts'
import { DEFAULT_IMPORTANCE } from './importance-rules.ts'
import type { Category } from './taxonomy.ts'
import type { ActorType, Level, Outcome } from './schema.ts'

export interface ImportanceFacts {
  category: Category
  action: string
  outcome: Outcome
  actorType: ActorType
  amount?: number
}

export interface Importance { level: Level, score: number, rule: string }

export function ruleMatches (rule: ImportanceRule, facts: ImportanceFacts): boolean {
  const w = rule.when
  return (w.categories === undefined || w.categories.includes(facts.category)) &&
    (w.actions === undefined || w.actions.includes(facts.action)) &&
    (w.outcomes === undefined || w.outcomes.includes(facts.outcome)) &&
    (w.actorTypes === undefined || w.actorTypes.includes(facts.actorType)) &&
    (w.minAmount === undefined || (facts.amount !== undefined && facts.amount >= w.minAmount))
}

/** The highest-scoring matching rule gives the level; ties go to the rule listed first. */
export function rateImportance (rules: readonly ImportanceRule[], facts: ImportanceFacts): Importance {
  let best: ImportanceRule | undefined
  for (const rule of rules) {
    if ((best === undefined || rule.score > best.score) && ruleMatches(rule, facts)) best = rule
  }
  return best === undefined ? { ...DEFAULT_IMPORTANCE } : { level: best.level, rule: best.id, score: best.score }
}
