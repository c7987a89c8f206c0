import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import { QUEUES } from './policy.ts'

export interface RuleJob { ruleId: string, tenant: string | null }
export type RuleJobName = 'run' | 'housekeeping'
export type RulesQueue = Queue<RuleJob, unknown, RuleJobName>

/** How often old run logs and delivery logs are deleted. */
const HOUSEKEEPING_MS = 6 * 3600_000

export function createRulesQueue (connection: Redis, prefix: string): RulesQueue {
  return new Queue<RuleJob, unknown, RuleJobName>(QUEUES.rules.name, { connection, prefix, defaultJobOptions: QUEUES.rules.job })
}

const schedulerId = (ruleId: string): string => `rule-${ruleId}`

/**
 * One BullMQ job scheduler per enabled rule: it makes one job per interval, which one worker takes, however
 * many workers there are. Changing a rule's interval replaces its scheduler; disabling or deleting it removes it.
 */
export class RuleSchedule {
  constructor (private readonly queue: RulesQueue) {}

  async upsert (rule: { id: string, tenant: string | null, enabled: boolean, intervalMs: number }): Promise<void> {
    if (!rule.enabled) {
      await this.remove(rule.id)
      return
    }
    // BullMQ types the scheduler id as a job name.
    await this.queue.upsertJobScheduler(schedulerId(rule.id) as RuleJobName, { every: rule.intervalMs }, { name: 'run', data: { ruleId: rule.id, tenant: rule.tenant }, opts: QUEUES.rules.job })
  }

  async remove (ruleId: string): Promise<void> {
    await this.queue.removeJobScheduler(schedulerId(ruleId))
  }

  /** A run now, besides the schedule (the rule's lock keeps it from overlapping a scheduled one). */
  async runNow (rule: { id: string, tenant: string | null }): Promise<string> {
    const job = await this.queue.add('run', { ruleId: rule.id, tenant: rule.tenant }, { jobId: `now-${rule.id}-${randomUUID()}` })
    return job.id as string
  }

  /** One housekeeping job per period across all workers (logs past their retention). */
  async housekeeping (): Promise<void> {
    await this.queue.upsertJobScheduler('rules-housekeeping' as RuleJobName, { every: HOUSEKEEPING_MS }, { name: 'housekeeping', data: { ruleId: '', tenant: null }, opts: QUEUES.rules.housekeeping })
  }

  /** Makes the schedulers match the stored rules (after Redis lost them, or rules changed while no worker ran). */
  async reconcile (rules: ReadonlyArray<{ id: string, tenant: string | null, enabled: boolean, intervalMs: number }>): Promise<{ scheduled: number, removed: number }> {
    const wanted = new Set(rules.filter(r => r.enabled).map(r => schedulerId(r.id)))
    let removed = 0
    for (let start = 0; ; start += 1000) {
      const page = await this.queue.getJobSchedulers(start, start + 999, true)
      for (const s of page) {
        if (s.key.startsWith('rule-') && !wanted.has(s.key)) { await this.queue.removeJobScheduler(s.key); removed++ }
      }
      if (page.length < 1000) break
    }
    for (const r of rules) if (r.enabled) await this.upsert(r)
    return { scheduled: wanted.size, removed }
  }
}

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

/** A rule's run lock in Redis: one run of a rule at a time, whatever retries and manual runs do. */
export class RuleLocks {
  constructor (private readonly redis: Redis, private readonly prefix: string) {}

  private keyOf (ruleId: string): string {
    return `${this.prefix}:rule-lock:${ruleId}`
  }

  /** A token when the lock was taken, undefined when another run holds it. */
  async acquire (ruleId: string, ttlMs = QUEUES.rules.lockMs): Promise<string | undefined> {
    const token = randomUUID()
    return await this.redis.set(this.keyOf(ruleId), token, 'PX', ttlMs, 'NX') === 'OK' ? token : undefined
  }

  async release (ruleId: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.keyOf(ruleId), token)
  }
}
