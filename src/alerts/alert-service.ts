import { randomUUID } from 'node:crypto'
import type { Principal } from '../auth/api-keys.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { seesMasked } from '../auth/scopes.ts'
import { TEXT_MASKED_ROOTS } from '../query/masked-access.ts'
import { MASKED_FIELDS } from '../events/personal-fields.ts'
import type { Level } from '../events/schema.ts'
import { AlertsStore, StaleAlert, type AlertFilter } from '../store/system/alerts-store.ts'
import type { AlertKeysStore, KeyState } from '../store/system/alert-keys-store.ts'
import { maskAlert, mergedFigure } from './alert-masking.ts'
import { decide, nextState, transitionProblem } from './dedup.ts'
import { MAX_ALERT_EVIDENCE, type Alert, type AlertQuery, type StatusChangeRequest, type StoredAlert } from './alert-schema.ts'

/**
 * What raises an alert: a watch rule (`ruleId`) or the pipeline watching itself (`system`). The entry point for
 * both; deduplication, cool-down and notification happen here.
 */
export interface RaiseInput {
  tenant: string | null
  ruleId?: string
  ruleName?: string
  /** For system alerts: what failed (dead-letters, queue-depth, sealer-lag, rule-failing…). */
  system?: string
  kind?: Alert['kind']
  title: string
  group: string | null
  groupField?: string | null
  figure: Record<string, unknown>
  /** Event ids behind it, oldest first. */
  evidence: string[]
  severity: Level
  /** Default: `<rule id or system:name>|<group>`. */
  dedupKey?: string
  /** No new alert for the key until this long after the last one was raised (0: none). */
  cooldownMs?: number
  /** Earliest and latest event behind it (ms). */
  firstEventAt?: number
  lastEventAt?: number
  /** The latest event time this finding covers (see watch rules); default lastEventAt. */
  coveredTo?: number
  /** A rule's own measure of what was reported (shared devices: users). */
  mark?: number
  /** New-value rules: the values this finding reports, each with its latest event time (ms). */
  coveredValues?: Record<string, number>
}

export type RaiseResult =
  | { outcome: 'raised', alert: Alert }
  | { outcome: 'merged', alert: Alert }
  | { outcome: 'cooling-down', until: number }

/** Told of each new alert once it is stored; throwing makes the raise fail (it is retried, and notifies then). */
export interface AlertNotifier { alertRaised: (alert: Alert) => Promise<void> }

const RACE_RETRIES = 8
const iso = (ms: number | undefined): string | null => ms === undefined ? null : new Date(ms).toISOString()

export const dedupKeyOf = (i: Pick<RaiseInput, 'dedupKey' | 'ruleId' | 'system' | 'group'>): string =>
  i.dedupKey ?? `${i.ruleId ?? `system:${i.system ?? 'unknown'}`}|${i.group ?? ''}`

export class AlertService {
  constructor (
    private readonly alerts: AlertsStore<StoredAlert>,
    private readonly keys: AlertKeysStore,
    private readonly notifier?: AlertNotifier,
    private readonly clock: { now: () => number } = Date
  ) {}

  /**
   * Raises an alert, or merges the finding into the open alert of its key, or holds it back during the cool-down.
   * Searches see the alert once this returns, unless `settle` is false: a caller raising many (a rule's run)
   * then calls `settle()` once at the end.
   */
  async raise (input: RaiseInput, { settle = true }: { settle?: boolean } = {}): Promise<RaiseResult> {
    const result = await this.write(input)
    if (settle && result.outcome !== 'cooling-down') await this.settle()
    return result
  }

  /** Makes the alerts raised so far visible to searches. */
  async settle (): Promise<void> {
    await this.alerts.refresh()
  }

  private async write (input: RaiseInput): Promise<RaiseResult> {
    if (input.ruleId === undefined && input.system === undefined) throw new Error('an alert needs a rule or a system source')
    const key = dedupKeyOf(input)
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const now = this.clock.now()
      const read = await this.keys.get(input.tenant, key)
      const open = read?.state.open_alert_id == null ? undefined : await this.alerts.get(read.state.open_alert_id)
      const d = decide(read?.state, open?.tenant === input.tenant ? open.status : undefined, now, input.cooldownMs ?? 0)
      const id = d.kind === 'merge' ? d.alertId : randomUUID()
      // A new alert is stored before its key moves on: the other way round, a failure in between left the key
      // covering a finding that no alert holds, and the retried run no longer found it. A crash in between now
      // leaves an alert no key points to, and the retried run raises the finding again: twice rather than never.
      const created = d.kind === 'raise' ? await this.alerts.create(id, this.newAlert(input, key, now)) : undefined
      if (!await this.keys.put(input.tenant, key, nextState(read?.state, d, id, now, { coveredTo: input.coveredTo ?? input.lastEventAt, mark: input.mark, values: input.coveredValues }), read)) {
        if (created !== undefined) await this.alerts.delete(id)
        continue
      }
      if (d.kind === 'cool-down') return { outcome: 'cooling-down', until: d.until }
      if (d.kind === 'merge' && open !== undefined) {
        const merged = await this.merge(open, input, now)
        if (merged === undefined) continue
        return { outcome: 'merged', alert: await this.notify(merged) }
      }
      return { outcome: 'raised', alert: await this.notify(created ?? await this.alerts.create(id, this.newAlert(input, key, now))) }
    }
    throw new Error(`alert key ${key} kept changing under ${RACE_RETRIES} attempts`)
  }

  /** The states of a rule's keys (what they covered), for the rule's next run. */
  async keyStates (tenant: string | null, keys: readonly string[]): Promise<Map<string, KeyState>> {
    return await this.keys.many(tenant, keys)
  }

  async list (q: AlertQuery, who: Principal): Promise<{ alerts: Alert[], total: number, next: string | null }> {
    const filter: AlertFilter = {
      tenant: who.tenant,
      ...(q.status === undefined ? {} : { status: q.status }), ...(q.severity === undefined ? {} : { severity: q.severity }),
      ...(q.ruleId === undefined ? {} : { ruleId: q.ruleId }), ...(q.system === undefined ? {} : { system: q.system }),
      // A reader of masked data filters groups of fields it sees in clear only: on a masked field's groups
      // the filter would confirm or refute a guessed clear value.
      ...(q.group === undefined ? {} : { group: q.group, ...(seesMasked(who.scopes) ? { groupFieldNotIn: [...MASKED_FIELDS], groupFieldNotUnder: [...TEXT_MASKED_ROOTS] } : {}) }), ...(q.from === undefined ? {} : { from: q.from }), ...(q.to === undefined ? {} : { to: q.to })
    }
    const after = q.after === undefined ? undefined : decodeAfter(q.after)
    const r = await this.alerts.search(filter, q.size ?? 50, after)
    return { alerts: r.alerts.map(a => this.shown(a, who)), total: r.total, next: r.last === undefined ? null : Buffer.from(JSON.stringify(r.last)).toString('base64url') }
  }

  async get (id: string, who: Principal): Promise<Alert> {
    const a = await this.alerts.get(id)
    if (a === undefined || a.tenant !== who.tenant) throw new NotFoundError(`no alert ${id}`)
    const { seq: _s, term: _t, ...alert } = a
    return this.shown(alert, who)
  }

  /** open → acknowledged → closed, with a note kept in the alert's history; closing frees its key. */
  async changeStatus (id: string, change: StatusChangeRequest, who: Principal): Promise<Alert> {
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const a = await this.alerts.get(id)
      if (a === undefined || a.tenant !== who.tenant) throw new NotFoundError(`no alert ${id}`)
      const problem = transitionProblem(a.status, change.status)
      if (problem !== undefined) throw new ConflictError(problem)
      const at = new Date(this.clock.now()).toISOString()
      const { id: _id, seq: _s, term: _t, ...stored } = a
      const entry = { at, by: who.keyId, ...(who.person === undefined ? {} : { person: who.person.name }), from: a.status, to: change.status, note: change.note }
      try {
        const updated = await this.alerts.replace(a, { ...stored, status: change.status, updated_at: at, history: [...a.history, entry] }, { searchable: true })
        if (change.status === 'closed') await this.release(a)
        return this.shown(updated, who)
      } catch (err) {
        if (!(err instanceof StaleAlert)) throw err
      }
    }
    throw new ConflictError('the alert kept changing; read it again')
  }

  private async release (a: Alert): Promise<void> {
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const read = await this.keys.get(a.tenant, a.dedup_key)
      if (read === undefined || read.state.open_alert_id !== a.id) return
      if (await this.keys.put(a.tenant, a.dedup_key, { ...read.state, open_alert_id: null }, read)) return
    }
  }

  private newAlert (i: RaiseInput, key: string, now: number): StoredAlert {
    const at = new Date(now).toISOString()
    return {
      tenant: i.tenant, rule_id: i.ruleId ?? null, rule_name: i.ruleName ?? null, system: i.system ?? null,
      kind: i.kind ?? (i.system !== undefined ? 'system' : 'threshold'), severity: i.severity, status: 'open', title: i.title,
      group: i.group, group_field: i.groupField ?? null, dedup_key: key, figure: i.figure, evidence: i.evidence.slice(0, MAX_ALERT_EVIDENCE),
      first_event_at: iso(i.firstEventAt), last_event_at: iso(i.lastEventAt),
      created_at: at, updated_at: at, last_seen_at: at, repeats: 0, history: [], notified: this.notifier === undefined
    }
  }

  private async merge (open: NonNullable<Awaited<ReturnType<AlertsStore<StoredAlert>['get']>>>, i: RaiseInput, now: number): Promise<Alert | undefined> {
    const { id: _id, seq: _s, term: _t, ...stored } = open
    const evidence = [...new Set([...open.evidence, ...i.evidence])].slice(0, MAX_ALERT_EVIDENCE)
    const last = [open.last_event_at, iso(i.lastEventAt)].filter((x): x is string => x !== null).sort().at(-1) ?? null
    try {
      // The title follows the figure: both say the latest finding.
      return await this.alerts.replace(open, { ...stored, title: i.title, figure: mergedFigure(open.figure, i.figure), evidence, last_event_at: last, last_seen_at: new Date(now).toISOString(), repeats: open.repeats + 1 }, { searchable: false })
    } catch (err) {
      if (err instanceof StaleAlert) return undefined
      throw err
    }
  }

  /** Notifies once per alert: an alert whose notification failed is notified when a finding next joins it. */
  private async notify (alert: Alert): Promise<Alert> {
    if (this.notifier === undefined || alert.notified) return alert
    await this.notifier.alertRaised(alert)
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const a = await this.alerts.get(alert.id)
      if (a === undefined || a.notified) return alert
      const { id: _id, seq: _s, term: _t, ...stored } = a
      try {
        return await this.alerts.replace(a, { ...stored, notified: true }, { searchable: false })
      } catch (err) {
        if (!(err instanceof StaleAlert)) throw err
      }
    }
    return alert
  }

  private shown (a: Alert, who: Principal): Alert {
    return seesMasked(who.scopes) ? maskAlert(a) : a
  }
}

function decodeAfter (text: string): Array<string | number> {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(v) && v.length === 2 && v.every(x => typeof x === 'string' || typeof x === 'number')) return v as Array<string | number>
  } catch { /* reported below */ }
  throw new ValidationError([{ index: 0, path: '/querystring/after', message: 'is not a page token this service issued' }], 'the request is invalid')
}
