import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { FieldError } from '../events/validate.ts'
import type { SignalsService } from '../analytics/signals/signals-service.ts'
import type { EventsScanner } from '../store/events/events-scan.ts'
import type { WatchReads } from '../store/events/watch-reads.ts'
import type { RuleRunsStore } from '../store/system/rule-runs-store.ts'
import type { Versioned, VersionedDocs } from '../store/system/versioned-docs.ts'
import type { SavedSearch } from '../saved/schema.ts'
import { dedupKeyOf, type AlertService } from '../alerts/alert-service.ts'
import { conditionQuery, ruleTimes, scheduleOf } from './rule-check.ts'
import type { RuleScheduler } from './rule-service.ts'
import type { StoredWatchRule } from './rule-schema.ts'
import type { RuleRun } from './run-schema.ts'
import { RUN_LIMITS, type Evaluation, type RunSpan, type StatesOf } from './evaluation.ts'
import { progressOf, startOf, type Progress } from './run-progress.ts'
import type { GroupPosition } from '../store/events/watch-reads.ts'
import { evaluateThreshold } from './evaluate-threshold.ts'
import { evaluateSignal } from './evaluate-signal.ts'
import { evaluateNewValue } from './evaluate-new-value.ts'

export interface RunnerDeps {
  rules: VersionedDocs<StoredWatchRule>
  runs: RuleRunsStore<RuleRun>
  locks: { acquire: (ruleId: string) => Promise<string | undefined>, release: (ruleId: string, token: string) => Promise<void> }
  alerts: AlertService
  savedSearch: (id: string) => Promise<SavedSearch | undefined>
  reads: WatchReads
  scanner: EventsScanner
  signals: SignalsService
  /** The rules' schedule: a rule found gone or disabled has its schedule stopped. */
  schedule: Pick<RuleScheduler, 'upsert' | 'remove'>
  clock?: { now: () => number }
  log?: Logger
}

export interface RunJob {
  ruleId: string
  tenant: string | null
  jobId: string
  attempt: number
  willRetry: boolean
  /** Aborted when the worker stops: the run stops between steps, releases the rule's lock and fails (retried). */
  signal?: AbortSignal
}

type Counts = Pick<RuleRun, 'scanned' | 'groups' | 'findings' | 'raised' | 'merged' | 'cooling_down' | 'truncated'>
const LOCK_WAIT_MS = 30_000
const LOCK_POLL_MS = 250
const NOTHING: Counts = { scanned: 0, groups: 0, findings: 0, raised: 0, merged: 0, cooling_down: 0, truncated: false }
const NO_PROGRESS: Progress = { examined_to: null, resume: null }

/**
 * Runs one rule once: from where its last successful run left every group examined (less its look-back) to
 * now, by `event.ingested`, going on after the last group examined when a bound stopped that run; raises what
 * it finds; writes the run log. One run of a rule at a time (a lock in Redis); a failed run is
 * logged with its error and thrown, for the queue to retry it.
 */
export class RuleRunner {
  private readonly clock: { now: () => number }

  constructor (private readonly deps: RunnerDeps) {
    this.clock = deps.clock ?? Date
  }

  async run (job: RunJob): Promise<RuleRun> {
    // Reset once the run holds the rule's lock: a run waiting for another one begins when that one ends.
    let started = this.clock.now()
    const base = { id: randomUUID(), rule_id: job.ruleId, tenant: job.tenant, job_id: job.jobId, attempt: job.attempt }
    const finish = async (status: RuleRun['status'], reason: string | null, span: RunSpan | undefined, counts: Counts, willRetry = false, progress = NO_PROGRESS): Promise<RuleRun> => {
      const end = this.clock.now()
      const run: RuleRun = {
        ...base, started_at: new Date(started).toISOString(), status, reason, will_retry: willRetry, finished_at: new Date(end).toISOString(), duration_ms: end - started,
        since: span === undefined ? null : new Date(span.since).toISOString(), until: span === undefined ? null : new Date(span.until).toISOString(), ...counts, ...progress
      }
      await this.deps.runs.record(run)
      return run
    }
    const token = await this.lock(job.ruleId, job.signal)
    if (token === undefined) {
      const reason = job.signal?.aborted === true ? 'the worker stopped while another run of this rule was going' : 'another run of this rule was still going'
      return await finish('skipped', `${reason}; the next run covers its events`, undefined, NOTHING)
    }
    started = this.clock.now()
    let span: RunSpan | undefined
    // Filled as the run goes: a run that fails after raising alerts says so in its log.
    const counts: Counts = { ...NOTHING }
    try {
      // Read once the lock is held: the rule may have changed while this run waited for another one.
      const rule = await this.deps.rules.get(job.ruleId)
      if (rule === undefined || rule.enabled === false) {
        await this.stopSchedule(job.ruleId)
        return await finish('skipped', rule === undefined ? 'the rule was deleted' : 'the rule is disabled', undefined, NOTHING)
      }
      const start = startOf(await this.deps.runs.lastSucceeded(rule.id), rule)
      const { lookBackMs, cooldownMs } = ruleTimes(rule)
      // A run going on with a pass an earlier run stopped reads to where that pass ends, not to now: under load, a
      // pass over many groups ends after a few runs instead of chasing the newest events. Its `until` is the pass's
      // exactly, even on a worker whose clock is behind.
      const until = start.resume === null ? started : Date.parse(start.resume.through)
      span = { since: start.from - lookBackMs, until, after: start.resume?.after }
      const evaluation = await this.evaluate(rule, span)
      stopIfAborted(job.signal)
      const stoppedAt = await this.raiseAll(rule, evaluation, span.after, cooldownMs, job.signal, counts)
      return await finish('succeeded', null, span, counts, false, progressOf(start, started, stoppedAt, rule.version))
    } catch (err) {
      this.deps.log?.warn({ err, rule: job.ruleId, attempt: job.attempt }, 'watch rule run failed')
      await finish('failed', (err as Error).message.slice(0, 2000), span, counts, job.willRetry).catch(() => undefined)
      throw err
    } finally {
      await this.deps.locks.release(job.ruleId, token)
    }
  }

  /**
   * Stops the schedule of a rule found gone or disabled. A rule enabled again meanwhile may have had its schedule
   * made before this removal: read again after it, such a rule is scheduled again.
   */
  private async stopSchedule (ruleId: string): Promise<void> {
    await this.deps.schedule.remove(ruleId)
    const again = await this.deps.rules.get(ruleId)
    if (again !== undefined && again.enabled !== false) await this.deps.schedule.upsert(scheduleOf(again))
  }

  /** The rule's lock, waiting a while for a run that holds it (a run queued by hand right after a scheduled one). */
  private async lock (ruleId: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    const deadline = this.clock.now() + LOCK_WAIT_MS
    for (;;) {
      const token = await this.deps.locks.acquire(ruleId)
      if (token !== undefined || this.clock.now() >= deadline || signal?.aborted === true) return token
      await sleep(LOCK_POLL_MS)
    }
  }

  private async evaluate (rule: Versioned<StoredWatchRule>, span: RunSpan): Promise<Evaluation> {
    const c = rule.condition
    let saved: SavedSearch | undefined
    if (c.kind === 'threshold' && c.savedSearchId !== undefined) {
      saved = await this.deps.savedSearch(c.savedSearchId)
      if (saved === undefined || saved.tenant !== rule.tenant) throw new Error(`the rule's saved search ${c.savedSearchId} no longer exists`)
    }
    const errors: FieldError[] = []
    const selection = conditionQuery(c, rule.tenant, errors, saved)
    const tenantOnly = conditionQuery({}, rule.tenant, errors)
    if (errors.length > 0) throw new Error(`the rule's selection no longer compiles: ${errors.map(e => `${e.path} ${e.message}`).join('; ')}`)
    const statesOf: StatesOf = async groups => {
      const keys = groups.map(g => dedupKeyOf({ ruleId: rule.id, group: g }))
      const found = await this.deps.alerts.keyStates(rule.tenant, keys)
      return new Map(groups.flatMap((g, i) => { const s = found.get(keys[i] as string); return s === undefined ? [] : [[g, s]] }))
    }
    if (c.kind === 'threshold') return await evaluateThreshold(this.deps, rule.name, rule.tenant, c, selection, span, statesOf)
    if (c.kind === 'signal') return await evaluateSignal(this.deps, rule.name, c, selection, span, statesOf)
    return await evaluateNewValue(this.deps.reads, rule.name, c, selection, tenantOnly, span, statesOf)
  }

  /** Raises the findings up to the alerts bound; returns where the run stopped, if a bound stopped it. */
  private async raiseAll (rule: Versioned<StoredWatchRule>, e: Evaluation, after: GroupPosition | undefined, cooldownMs: number, signal: AbortSignal | undefined, counts: Counts): Promise<GroupPosition | undefined> {
    const capped = e.findings.length > RUN_LIMITS.alerts
    Object.assign(counts, { scanned: e.scanned, groups: e.groups, findings: e.findings.length, truncated: e.truncated || capped })
    for (const f of e.findings.slice(0, RUN_LIMITS.alerts)) {
      // Alerts raised before a stop are kept (their keys say what they covered): the retried run raises the rest.
      if (signal?.aborted === true) {
        if (counts.raised + counts.merged > 0) await this.deps.alerts.settle()
        stopIfAborted(signal)
      }
      const r = await this.deps.alerts.raise({
        tenant: rule.tenant, ruleId: rule.id, ruleName: rule.name, kind: rule.condition.kind, title: f.title,
        group: f.group, groupField: f.groupField, figure: f.figure, evidence: f.evidence, severity: rule.severity ?? 'medium',
        cooldownMs, firstEventAt: f.firstTime, lastEventAt: f.lastTime, coveredTo: f.coveredTo, ...(f.mark === undefined ? {} : { mark: f.mark }), ...(f.coveredValues === undefined ? {} : { coveredValues: f.coveredValues })
      }, { settle: false })
      if (r.outcome === 'raised') counts.raised++
      else if (r.outcome === 'merged') counts.merged++
      else counts.cooling_down++
    }
    // One refresh for the run's alerts: when its log says it is done, they are listed.
    if (counts.raised + counts.merged > 0) await this.deps.alerts.settle()
    // Findings come in key order where groups have one: the groups after the last one raised are left for the next
    // run. A finding of a group the run did not list (an amount without a currency) has no place: the last one
    // raised that has one, else where the run began.
    if (!capped) return e.stoppedAt
    const placed = e.findings.slice(0, RUN_LIMITS.alerts).filter(f => f.at !== undefined)
    return placed.at(-1)?.at ?? after ?? e.stoppedAt
  }
}

function stopIfAborted (signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new Error('the worker stopped during the run; it is run again')
}
