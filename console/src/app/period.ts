const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30 * 86_400_000, y: 365 * 86_400_000 }

/**
 * Approximate time of an ISO date or a `now±N<unit>[/unit]` expression (months and years of fixed length, rounding
 * in UTC): rounded down as a period's start, or up to the unit's end with `end`, as Elasticsearch rounds `gte` and
 * `lte`, so that "today" (`now/d` to `now/d`) spans a day. Undefined if unknown.
 */
export function approxTime (expr: string, now = Date.now(), end = false): number | undefined {
  const m = /^now(?:([+-])(\d+)([smhdwMy]))?(?:\/([smhdwMy]))?$/.exec(expr.trim())
  if (m !== null) {
    const t = m[1] === undefined ? now : now + (m[1] === '-' ? -1 : 1) * Number(m[2]) * (UNIT_MS[m[3] as string] as number)
    const unit = m[4] === undefined ? undefined : UNIT_MS[m[4]] as number
    if (unit === undefined) return t
    const down = Math.floor(t / unit) * unit
    return end ? down + unit - 1 : down
  }
  const t = Date.parse(expr)
  return Number.isNaN(t) ? undefined : t
}

const STEPS: Array<[string, number]> = [
  ['minute', 60_000], ['5m', 300_000], ['15m', 900_000], ['30m', 1_800_000], ['hour', 3_600_000], ['3h', 10_800_000],
  ['6h', 21_600_000], ['12h', 43_200_000], ['day', 86_400_000], ['week', 7 * 86_400_000], ['month', 30 * 86_400_000]
]

/** The smallest histogram interval that draws the period in at most `bars` bars. */
export function histogramInterval (from: string, to: string, bars = 120): { name: string, ms: number } {
  const a = approxTime(from)
  const b = approxTime(to, Date.now(), true)
  const span = a === undefined || b === undefined ? 86_400_000 : Math.max(60_000, b - a)
  const step = STEPS.find(([, ms]) => span / ms <= bars) ?? STEPS[STEPS.length - 1] as [string, number]
  return { name: step[0], ms: step[1] }
}
