import { randomUUID } from 'node:crypto'
import type { Principal } from '../auth/api-keys.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../errors.ts'
import { seesMasked } from '../auth/scopes.ts'
import { StaleVersion, type VersionedDocs } from '../store/system/versioned-docs.ts'
import type { RuleRunsStore } from '../store/system/rule-runs-store.ts'
import type { SavedSearch } from '../saved/schema.ts'
import { checkRule, conditionQuery, scheduleOf } from './rule-check.ts'
import type { StoredWatchRule, WatchRule } from './rule-schema.ts'
import type { RuleRun } from './run-schema.ts'

/** How the rules' schedule is kept (BullMQ job schedulers, in the queue room). */
export interface RuleScheduler {
  upsert: (rule: { id: string, tenant: string | null, enabled: boolean, intervalMs: number }) => Promise<void>
  remove: (ruleId: string) => Promise<void>
  runNow: (rule: { id: string, tenant: string | null }) => Promise<string>
}

/** Whether a rule's own filters and KQL would be refused to a key reading masked data. */
function namesPersonalValues (r: WatchRule): boolean {
  const errors: FieldError[] = []
  conditionQuery(r.condition, r.tenant, errors, undefined, true)
  return errors.length > 0
}

/** A run as the caller sees it: where a run stopped names a group (an address, a name): not to readers of masked data. */
function shownTo (who: Principal, run: RuleRun): RuleRun {
  return seesMasked(who.scopes) && run.resume != null ? { ...run, resume: { ...run.resume, after: [] } } : run
}

/** Watch rules of a tenant: managed by its admins, listed by its readers; updates are compare-and-set. */
export class WatchRuleService {
  constructor (
    private readonly store: VersionedDocs<StoredWatchRule>,
    private readonly runLog: RuleRunsStore<RuleRun>,
    private readonly schedule: RuleScheduler,
    private readonly savedSearch: (id: string) => Promise<SavedSearch | undefined>,
    private readonly clock: { now: () => number } = Date
  ) {}

  async create (input: unknown, who: Principal): Promise<WatchRule> {
    const valid = await this.validate(input, who)
    const now = new Date(this.clock.now()).toISOString()
    const rule = await this.store.create(randomUUID(), { ...valid, tenant: who.tenant, created_by: who.keyId, created_at: now, updated_at: now })
    await this.schedule.upsert(scheduleOf(rule))
    return rule
  }

  /**
   * The tenant's rules. A key reading masked data sees only those whose selection it could search itself: the
   * others name personal values (an address, an email) it would otherwise read in clear.
   */
  async list (who: Principal): Promise<WatchRule[]> {
    const all = await this.store.list(who.tenant, 'name')
    return seesMasked(who.scopes) ? all.filter(r => !namesPersonalValues(r)) : all
  }

  /** A rule as shown to the caller (see list). */
  async read (id: string, who: Principal): Promise<WatchRule> {
    const r = await this.get(id, who)
    if (seesMasked(who.scopes) && namesPersonalValues(r)) throw new ForbiddenError(`watch rule ${id} selects on fields this key sees masked; it is not shown to it`)
    return r
  }

  async get (id: string, who: Principal): Promise<WatchRule> {
    const r = await this.store.get(id)
    if (r === undefined || r.tenant !== who.tenant) throw new NotFoundError(`no watch rule ${id}`)
    return r
  }

  async update (id: string, input: unknown, version: string, who: Principal): Promise<WatchRule> {
    const current = await this.get(id, who)
    const valid = await this.validate(input, who)
    const doc: StoredWatchRule = { ...valid, tenant: current.tenant, created_by: current.created_by, created_at: current.created_at, updated_at: new Date(this.clock.now()).toISOString() }
    let rule: WatchRule
    try {
      rule = await this.store.replace(id, doc, version)
    } catch (err) {
      if (err instanceof StaleVersion) throw new ConflictError(`the watch rule ${err.message}; read it again (current version ${current.version}) and reapply your change`)
      throw err
    }
    await this.schedule.upsert(scheduleOf(rule))
    return rule
  }

  async delete (id: string, version: string | undefined, who: Principal): Promise<void> {
    await this.get(id, who)
    try {
      await this.store.delete(id, version)
    } catch (err) {
      if (err instanceof StaleVersion) throw new ConflictError(`the watch rule ${err.message}`)
      throw err
    }
    await this.schedule.remove(id)
  }

  /** The latest run of each of these rules (listed to the caller by `list`), by rule id. */
  async lastRuns (rules: readonly WatchRule[], who: Principal): Promise<Record<string, RuleRun>> {
    const latest = await this.runLog.latest(who.tenant, rules.map(r => r.id))
    return Object.fromEntries([...latest].map(([id, run]) => [id, shownTo(who, run)]))
  }

  async runs (id: string, who: Principal, size: number, status?: string): Promise<RuleRun[]> {
    // As the rule itself: its runs' errors may quote it.
    await this.read(id, who)
    return (await this.runLog.list(who.tenant, id, size, status)).map(run => shownTo(who, run))
  }

  /** Queues a run now, besides the schedule. */
  async runNow (id: string, who: Principal): Promise<{ jobId: string }> {
    const r = await this.get(id, who)
    return { jobId: await this.schedule.runNow(r) }
  }

  private async validate (input: unknown, who: Principal): Promise<ReturnType<typeof checkRule>> {
    const valid = checkRule(input, who.tenant)
    const c = valid.condition
    if (c.kind === 'threshold' && c.savedSearchId !== undefined) {
      const s = await this.savedSearch(c.savedSearchId)
      // The rule runs for the whole tenant: a private search of someone else is not the rule author's to use.
      if (s === undefined || s.tenant !== who.tenant || (!s.shared && s.owner !== who.keyId)) {
        throw new ValidationError([{ index: 0, path: '/condition/savedSearchId', message: 'no such saved search visible to this key' }], 'the watch rule is invalid')
      }
    }
    return valid
  }
}
