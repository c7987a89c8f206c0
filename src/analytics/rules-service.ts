import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { ValidationError } from '../errors.ts'
import { DEFAULT_IMPORTANCE_RULES, type ImportanceRule } from '../events/importance-rules.ts'
import type { RulesStore, StoredRules } from '../store/system/rules-store.ts'
import { RulesUpdate, type RulesTable } from './rules-schema.ts'

/** The version sent is not the current one: someone changed the table since it was read. */
export class ConflictError extends Error {
  readonly statusCode = 409
}

/** The caller may not make this change. */
export class RulesForbiddenError extends Error {
  readonly statusCode = 403
}

const checkUpdate = compileChecker(RulesUpdate)

/** The checks a schema cannot make: ids are unique. */
export function checkRules (rules: readonly ImportanceRule[]): FieldError[] {
  const errors: FieldError[] = []
  const first = new Map<string, number>()
  rules.forEach((r, i) => {
    const seen = first.get(r.id)
    if (seen !== undefined) errors.push({ index: 0, path: `/rules/${i}/id`, message: `repeats the id of rule ${seen}` })
    else first.set(r.id, i)
  })
  return errors
}

export function tableOf (stored: StoredRules | undefined): RulesTable {
  if (stored === undefined) return { version: 0, updatedAt: null, updatedBy: null, rules: DEFAULT_IMPORTANCE_RULES }
  return { version: stored.version, updatedAt: stored.updated_at, updatedBy: stored.updated_by, rules: stored.rules }
}

/**
 * The table ingest rates new events with: loaded at start, refreshed from the store every few seconds (so
 * every API process follows a change), and replaced at once in the process that made it.
 */
export class LiveRules {
  private table: RulesTable = tableOf(undefined)
  private timer: NodeJS.Timeout | undefined

  constructor (private readonly load: () => Promise<RulesTable>, private readonly intervalMs = 5000, private readonly onError: (err: unknown) => void = () => {}) {}

  current (): readonly ImportanceRule[] {
    return this.table.rules
  }

  /** Never goes back: a refresh that started before a change must not undo it. */
  set (table: RulesTable): void {
    if (table.version >= this.table.version) this.table = table
  }

  async refresh (): Promise<void> {
    try {
      this.set(await this.load())
    } catch (err) {
      this.onError(err)
    }
  }

  async start (): Promise<void> {
    this.set(await this.load())
    this.timer = setInterval(() => { void this.refresh() }, this.intervalMs)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
  }
}

/** Reading and replacing the importance rule table, with optimistic concurrency. */
export class RulesService {
  constructor (private readonly store: RulesStore, private readonly live: LiveRules, private readonly clock: { now: () => number } = Date) {}

  async get (): Promise<RulesTable> {
    return tableOf((await this.store.read())?.doc)
  }

  /**
   * Replaces the table. The table is shared by every tenant, so only platform keys (no tenant) may change it.
   * Events already stored keep the level they were given.
   */
  async put (update: RulesUpdate, by: { keyId: string, tenant: string | null }): Promise<RulesTable> {
    if (by.tenant !== null) throw new RulesForbiddenError('the importance rules are shared by every tenant; only a platform admin key (without a tenant) may change them')
    const errors = checkUpdate(update, 0)
    if (errors.length === 0) errors.push(...checkRules(update.rules))
    if (errors.length > 0) throw new ValidationError(errors, 'the rule table is invalid')
    const written = await this.store.replace(update.version, update.rules, by.keyId, new Date(this.clock.now()))
    if (written === 'conflict') {
      const now = (await this.store.read())?.doc.version ?? 0
      throw new ConflictError(`the rule table is at version ${now}, not ${update.version}: read it again, reapply the change and send it with that version`)
    }
    const table = tableOf(written)
    this.live.set(table)
    return table
  }
}
