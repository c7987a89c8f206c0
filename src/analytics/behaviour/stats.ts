import { Type } from '@sinclair/typebox'

/** A growing list of numbers in a typed array: a million values take 8 MB rather than tens. */
export class Numbers {
  private data = new Float64Array(1024)
  length = 0

  push (value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = value
  }

  /** A sorted copy (ascending). */
  sorted (): Float64Array {
    return this.data.slice(0, this.length).sort()
  }
}

/** The middle value; with an even count, the mean of the two middle values. Null when there are none. */
export function median (sorted: ArrayLike<number>): number | null {
  const n = sorted.length
  if (n === 0) return null
  const mid = Math.floor(n / 2)
  return n % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile (sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length
  if (n === 0) return null
  const rank = Math.max(1, Math.ceil((p / 100) * n))
  return sorted[Math.min(n, rank) - 1] as number
}

export function mean (values: ArrayLike<number>): number | null {
  const n = values.length
  if (n === 0) return null
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i] as number
  return sum / n
}

export interface HistogramBucket { from: number, to: number | null, count: number }

/**
 * Counts per fixed bucket `[edges[i], edges[i+1])`; the last bucket is open (`to: null`). Values below the
 * first edge are not counted: the edges start at the smallest possible value.
 */
export function histogram (sorted: ArrayLike<number>, edges: readonly number[]): HistogramBucket[] {
  const buckets = edges.map((from, i) => ({ from, to: edges[i + 1] ?? null, count: 0 }))
  let b = 0
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number
    if (v < (edges[0] as number)) continue
    while (b + 1 < edges.length && v >= (edges[b + 1] as number)) b++
    ;(buckets[b] as HistogramBucket).count++
  }
  return buckets
}

export interface Distribution {
  count: number
  mean: number | null
  p50: number | null
  p90: number | null
  p99: number | null
  max: number | null
  histogram: HistogramBucket[]
}

export function distribution (values: Numbers, edges: readonly number[]): Distribution {
  const sorted = values.sorted()
  return {
    count: sorted.length,
    mean: mean(sorted),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? null : sorted[sorted.length - 1] as number,
    histogram: histogram(sorted, edges)
  }
}

const Nullable = Type.Union([Type.Number(), Type.Null()])

export const DistributionSchema = (unit: string) => Type.Object({
  count: Type.Integer(),
  mean: Nullable,
  p50: Type.Union([Type.Number(), Type.Null()], { description: `Nearest-rank percentiles, in ${unit}` }),
  p90: Nullable,
  p99: Nullable,
  max: Nullable,
  histogram: Type.Array(Type.Object({
    from: Type.Number({ description: `Inclusive lower bound, in ${unit}` }),
    to: Type.Union([Type.Number(), Type.Null()], { description: 'Exclusive upper bound; null for the last, open bucket' }),
    count: Type.Integer()
  }))
})
