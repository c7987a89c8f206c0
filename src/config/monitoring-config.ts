/** Metrics listeners, the worker's heartbeat and the pipeline's watch on itself. */
export interface MonitoringConfig {
  /** A separate metrics listener of the API (no key needed); undefined: /metrics only on the API port, with a platform admin key. */
  apiMetricsPort: number | undefined
  /** The worker's metrics and health listener; undefined: none. 0 picks a free port (tests). */
  workerMetricsPort: number | undefined
  /** Address the metrics listeners bind to; loopback unless the operator opens it. */
  metricsHost: string
  /** How often a worker writes its heartbeat; it counts as gone after three beats missed. */
  heartbeatMs: number
  watch: WatchBounds
}

/** When the pipeline raises a system alert about itself. */
export interface WatchBounds {
  /** Period of the self-watch (one run per period across all workers). */
  everyMs: number
  /** The oldest waiting ingest job may be at most this old. */
  queueAgeMs: number
  /** The ingest queue may grow without a pause for at most this long. */
  queueGrowthMs: number
  /** The oldest waiting seal job (events stored but not yet in the integrity log) may be at most this old. */
  sealAgeMs: number
  /** The last checkpoint run may be at most this old (and at least three checkpoint periods are allowed). */
  checkpointLateMs: number
  /** A log stream may fail for at most this long. */
  streamFailingMs: number
}

/** Log streams: delivery of a tenant's events to an outside receiver. */
export interface StreamsConfig {
  /** Whether this worker delivers streams (the API manages them either way). */
  deliver: boolean
  /** Plain http and syslog without TLS to loopback addresses: for tests and local receivers only. */
  allowLoopback: boolean
  /** Events ingested this long before the queue's oldest pending job are taken as all searchable (clock skew between API hosts must stay below it). */
  settleMs: number
  /** Most events per delivery. */
  batchMax: number
  /** Longest wait between two attempts at a receiver that is down. */
  maxBackoffMs: number
  /** Timeout of one delivery. */
  timeoutMs: number
}

type Env = Record<string, string | undefined>

class Reader {
  constructor (private readonly env: Env, private readonly problems: string[]) {}

  raw (name: string): string | undefined {
    const v = this.env[name]?.trim()
    return v === undefined || v === '' ? undefined : v
  }

  int (name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name)
    if (v === undefined) return fallback
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      this.problems.push(`${name}="${v}" must be an integer between ${min} and ${max}`)
      return fallback
    }
    return Number(v)
  }

  /** A port, `off`, or unset (the fallback). */
  port (name: string, fallback: number | undefined): number | undefined {
    const v = this.raw(name)
    if (v === 'off') return undefined
    return v === undefined ? fallback : this.int(name, 0, 0, 65535)
  }

  flag (name: string, fallback: boolean): boolean {
    const v = this.raw(name)
    if (v === undefined) return fallback
    if (v !== 'on' && v !== 'off') this.problems.push(`${name}="${v}" must be on or off`)
    return v === 'on'
  }
}

export function parseMonitoring (env: Env, problems: string[]): { monitoring: MonitoringConfig, streams: StreamsConfig } {
  const read = new Reader(env, problems)
  const minute = 60_000
  return {
    monitoring: {
      apiMetricsPort: read.port('SILLAGE_METRICS_PORT', undefined),
      workerMetricsPort: read.port('SILLAGE_WORKER_METRICS_PORT', 9465),
      metricsHost: read.raw('SILLAGE_METRICS_HOST') ?? '127.0.0.1',
      heartbeatMs: read.int('SILLAGE_HEARTBEAT_MS', 5000, 100, minute),
      watch: {
        everyMs: read.int('SILLAGE_WATCH_MS', 15_000, 100, 10 * minute),
        queueAgeMs: read.int('SILLAGE_WATCH_QUEUE_AGE_MS', 2 * minute, 1000, 24 * 60 * minute),
        queueGrowthMs: read.int('SILLAGE_WATCH_QUEUE_GROWTH_MS', 2 * minute, 1000, 24 * 60 * minute),
        sealAgeMs: read.int('SILLAGE_WATCH_SEAL_AGE_MS', 5 * minute, 1000, 24 * 60 * minute),
        checkpointLateMs: read.int('SILLAGE_WATCH_CHECKPOINT_LATE_MS', 5 * minute, 1000, 7 * 24 * 60 * minute),
        streamFailingMs: read.int('SILLAGE_WATCH_STREAM_FAILING_MS', 5 * minute, 1000, 24 * 60 * minute)
      }
    },
    streams: {
      deliver: read.flag('SILLAGE_STREAMS', true),
      allowLoopback: read.flag('SILLAGE_STREAMS_ALLOW_LOOPBACK', false),
      settleMs: read.int('SILLAGE_STREAM_SETTLE_MS', 5000, 0, 10 * minute),
      batchMax: read.int('SILLAGE_STREAM_BATCH_MAX', 500, 1, 10_000),
      maxBackoffMs: read.int('SILLAGE_STREAM_MAX_BACKOFF_MS', 5 * minute, 100, 60 * minute),
      timeoutMs: read.int('SILLAGE_STREAM_TIMEOUT_MS', 30_000, 100, 10 * minute)
    }
  }
}
