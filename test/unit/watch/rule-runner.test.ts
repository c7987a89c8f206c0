import t from 'tap'
import { RuleRunner, type RunnerDeps } from '../../../src/watch/rule-runner.ts'
import type { RuleRun } from '../../../src/watch/run-schema.ts'

const T = Date.parse('2026-12-01T12:00:00.000Z')
const finding = (user: string) => ({ key: user, users: [user], figure: {}, evidence: [{ id: `${user}-w`, '@timestamp': new Date(T).toISOString(), action: 'withdrawal' }] })

t.test('a run that fails after raising alerts logs the alerts it raised', async t => {
  const runs: RuleRun[] = []
  let raised = 0
  const deps = {
    rules: { get: async () => ({ id: 'r1', version: '1', name: 'r', tenant: 'brand-a', enabled: true, created_at: new Date(T - 3_600_000).toISOString(), condition: { kind: 'signal', signal: 'change-then-withdraw' } }) },
    runs: { lastSucceeded: async () => undefined, record: async (r: RuleRun) => { runs.push(r) } },
    locks: { acquire: async () => 'token', release: async () => {} },
    alerts: {
      keyStates: async () => new Map(),
      // The second alert fails (its notification, say): the first one stays raised.
      raise: async () => { if (++raised === 2) throw new Error('webhook down'); return { outcome: 'raised' } },
      settle: async () => {}
    },
    reads: { newKeys: async () => ({ keys: ['u-1', 'u-2'].map(u => ({ values: [u], minTime: T, maxTime: T })), truncated: false }) },
    signals: { findChangeThenWithdraw: async () => ({ signals: [finding('u-1'), finding('u-2')], found: 2, bounds: { scanned: 4, limit: 500_000, truncated: false } }) },
    schedule: { upsert: async () => {}, remove: async () => {} },
    clock: { now: () => T + 60_000 }
  } as unknown as RunnerDeps
  await t.rejects(new RuleRunner(deps).run({ ruleId: 'r1', tenant: 'brand-a', jobId: 'j', attempt: 1, willRetry: true }), /webhook down/)
  t.match(runs, [{ status: 'failed', raised: 1, findings: 2, scanned: 4, will_retry: true }])
})

const ruleDoc = (enabled: boolean) => ({ id: 'r1', version: '1', name: 'r', tenant: 'brand-a', enabled, interval: '2m', created_at: new Date(T - 3_600_000).toISOString(), condition: { kind: 'signal', signal: 'change-then-withdraw' } })

t.test('a rule disabled while its run waited for the lock is read again once the lock is held: skipped, not run', async t => {
  const runs: RuleRun[] = []
  let enabled = true
  let evaluated = false
  const removed: string[] = []
  let tries = 0
  const deps = {
    rules: { get: async () => ruleDoc(enabled) },
    runs: { lastSucceeded: async () => undefined, record: async (r: RuleRun) => { runs.push(r) } },
    // Another run holds the lock for a while; the rule is disabled meanwhile.
    locks: { acquire: async () => { if (++tries < 3) { enabled = false; return undefined } return 'token' }, release: async () => {} },
    reads: { newKeys: async () => { evaluated = true; return { keys: [], truncated: false } } },
    schedule: { upsert: async () => { t.fail('not scheduled again') }, remove: async (id: string) => { removed.push(id) } },
    clock: { now: () => T }
  } as unknown as RunnerDeps
  const run = await new RuleRunner(deps).run({ ruleId: 'r1', tenant: 'brand-a', jobId: 'j', attempt: 1, willRetry: false })
  t.match(run, { status: 'skipped', reason: 'the rule is disabled' })
  t.notOk(evaluated, 'no event read')
  t.same(removed, ['r1'], 'its schedule stopped')
})

t.test('a rule enabled again while its schedule was being stopped is scheduled again', async t => {
  let enabled = false
  const upserted: unknown[] = []
  const deps = {
    rules: { get: async () => ruleDoc(enabled) },
    runs: { lastSucceeded: async () => undefined, record: async () => {} },
    locks: { acquire: async () => 'token', release: async () => {} },
    // The update that enables it stores the rule and upserts its schedule before this removal.
    schedule: { upsert: async (s: unknown) => { upserted.push(s) }, remove: async () => { enabled = true } },
    clock: { now: () => T }
  } as unknown as RunnerDeps
  t.match(await new RuleRunner(deps).run({ ruleId: 'r1', tenant: 'brand-a', jobId: 'j', attempt: 1, willRetry: false }), { status: 'skipped', reason: 'the rule is disabled' })
  t.same(upserted, [{ id: 'r1', tenant: 'brand-a', enabled: true, intervalMs: 120_000 }], 'its schedule made again, as the update made it')
})
