import type { EventsScanner } from '../store/events/events-scan.ts'
import type { WatchReads } from '../store/events/watch-reads.ts'
import { parseDuration } from '../analytics/behaviour/request.ts'
import { groupField } from './rule-check.ts'
import type { ThresholdCondition } from './rule-schema.ts'
import { ThresholdDetector, type ThresholdFinding } from './threshold.ts'
import { and, isoOf, sliceOf, RUN_LIMITS, type Evaluation, type Finding, type Query, type RunSpan, type StatesOf } from './evaluation.ts'

const CURRENCY = 'audit.money.currency'
const METRIC_TEXT = { count: 'events', amount: 'amount', users: 'distinct users' } as const

/**
 * A threshold rule's run: the groups (and currencies, for amounts) that have new events, then those groups'
 * events around the new ones — from one window before the earliest to one window after the latest — through
 * exact sliding windows.
 */
export async function evaluateThreshold (io: { reads: WatchReads, scanner: EventsScanner }, name: string, tenant: string | null, c: ThresholdCondition, selection: Query, span: RunSpan, statesOf: StatesOf): Promise<Evaluation> {
  const field = c.groupBy === undefined ? undefined : groupField(c.groupBy) as string
  const metric = c.metric ?? 'count'
  const windowMs = parseDuration(c.window) as number
  const keyFields = [field ?? 'audit.tenant', ...(metric === 'amount' ? [CURRENCY] : [])]
  const needs: Query[] = metric === 'amount' ? [{ exists: { field: 'audit.money.amount' } }] : metric === 'users' ? [{ exists: { field: 'user.id' } }] : []
  const query = and(selection, ...needs)
  const fresh = await io.reads.newKeys({ query, ...sliceOf(span), fields: keyFields, cap: RUN_LIMITS.groups })
  if (fresh.keys.length === 0) return { findings: [], scanned: 0, groups: 0, truncated: fresh.truncated }

  // Ungrouped rules count all the tenant's events together; a platform rule without a group counts per tenant.
  const labelOf = (values: ReadonlyArray<string | null>): string | null => field !== undefined || tenant === null ? values[0] ?? null : null
  const detectorKey = (values: ReadonlyArray<string | null>): string => values.map(v => v ?? '').join('\u0000')
  const states = await statesOf([...new Set(fresh.keys.map(k => labelOf(k.values)))])
  const minTime = Math.min(...fresh.keys.map(k => k.minTime))
  const maxTime = Math.max(...fresh.keys.map(k => k.maxTime))
  const values = [...new Set(fresh.keys.map(k => k.values[0] as string))]
  // The scan meets the groups in the order they were listed: each group it has left behind was examined whole.
  const listed = new Map(fresh.keys.map((k, i) => [detectorKey(k.values), i]))
  let lastWhole = -1

  const found: Array<ThresholdFinding & { values: Array<string | null> }> = []
  let current: Array<string | null> = []
  const detector = new ThresholdDetector(metric, windowMs, { op: c.bound.op ?? 'gt', value: c.bound.value }, f => { found.push({ ...f, values: current }) })
  const bounds = await io.scanner.scan({
    query: and(query, { terms: { [keyFields[0] as string]: values } }, { range: { '@timestamp': { gte: isoOf(minTime - windowMs), lte: isoOf(maxTime + windowMs) } } }, ...notUpTo(keyFields, span.after)),
    keys: keyFields, fields: ['user.id', 'audit.money.amount', 'event.ingested'], limit: RUN_LIMITS.scan
  }, events => {
    for (const e of events) {
      const key = detectorKey(e.keys)
      if (key !== detectorKey(current)) {
        detector.finish()
        lastWhole = listed.get(detectorKey(current)) ?? lastWhole
        current = e.keys
      }
      const ingested = Date.parse(String(e.fields['event.ingested']))
      const amount = e.fields['audit.money.amount']
      detector.push(key, {
        id: e.id, time: e.time, user: typeof e.fields['user.id'] === 'string' ? e.fields['user.id'] : undefined,
        amount: typeof amount === 'number' ? amount : undefined, fresh: ingested > span.since && ingested <= span.until
      }, states.get(labelOf(e.keys))?.covered_to ?? undefined)
    }
  })
  detector.finish()
  const findings = found.map(f => ({
    ...findingOf(name, c, field, metric, windowMs, f, labelOf(f.values), metric === 'amount' ? f.values[1] ?? null : null),
    at: fresh.keys[listed.get(detectorKey(f.values)) ?? -1]?.at
  }))
  // Stopped by the scan bound: after the last group read whole (or past the first, for a group larger than the bound).
  const stopped = bounds.truncated ? fresh.keys[Math.max(lastWhole, 0)] : fresh.truncated ? fresh.keys.at(-1) : undefined
  return { findings, scanned: bounds.scanned, groups: fresh.keys.length, truncated: fresh.truncated || bounds.truncated, stoppedAt: stopped?.at }
}

/**
 * Groups of two fields (a group and a currency) up to the one an earlier run stopped after: the terms on the first
 * field keep its value, whose currencies up to the stop were examined by that run and are left to the next pass.
 */
function notUpTo (fields: readonly string[], after: RunSpan['after']): Query[] {
  if (after?.length !== 2 || fields.length !== 2) return []
  const [first, second] = fields as [string, string]
  return [{ bool: { must_not: { bool: { filter: [{ term: { [first]: after[0] as string } }, { range: { [second]: { lte: after[1] as string } } }] } } } }]
}

function findingOf (name: string, c: ThresholdCondition, field: string | undefined, metric: keyof typeof METRIC_TEXT, windowMs: number, f: ThresholdFinding, group: string | null, currency: string | null): Finding {
  const op = c.bound.op === 'gte' ? '≥' : '>'
  const what = `${f.value}${currency === null ? '' : ` ${currency}`} ${METRIC_TEXT[metric]}`
  return {
    group, groupField: field ?? null,
    title: `${name}: ${what} (${op} ${c.bound.value}) within ${c.window}${group === null ? '' : ` for ${field ?? 'audit.tenant'} ${group}`}`,
    figure: {
      metric, value: f.value, ...(currency === null ? {} : { currency }), bound: { op: c.bound.op ?? 'gt', value: c.bound.value },
      window: c.window, windowMs, events: f.events, from: isoOf(f.from), to: isoOf(f.to)
    },
    evidence: f.evidence, firstTime: f.from, lastTime: f.to, coveredTo: f.coveredTo
  }
}
