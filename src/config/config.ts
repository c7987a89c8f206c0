import { isIP } from 'node:net'
import { type Scope, SCOPES } from './scopes.ts'
import { RETENTION_CLASSES, type RetentionClass } from '../events/retention-classes.ts'
import { PSEUDONYMISABLE, type PseudonymField } from '../events/pseudonymise.ts'
import { parseSigningKey } from '../integrity/signing-key.ts'
import { parsePublicKey } from '../integrity/trusted-keys.ts'
import { noteNameProblem } from '../integrity/note.ts'
import { parseOidc, type OidcConfig, type SessionConfig } from './oidc-config.ts'
import { parseRedisUrl, queuePrefixFor, type RedisTarget } from './redis-config.ts'
import { parseMonitoring, type MonitoringConfig, type StreamsConfig } from './monitoring-config.ts'

/** The whole service configuration, shared by the API and the worker. */
export interface Config {
  port: number
  host: string
  elasticsearchUrl: string
  redisUrl: string
  /** REDIS_URL read: one server, Sentinel or Cluster. */
  redis: RedisTarget
  logLevel: string
  indexPrefix: string
  queuePrefix: string
  indexReplicas: number
  /** New event partitions sorted by time on disk: time-ordered reads stay sequential whatever the arrival order, at some indexing cost. */
  indexTimeSort: boolean
  apiKeys: ApiKeyConfig[]
  defaultTenant: string
  bodyLimitBytes: number
  maxBatch: number
  queueMaxJobs: number
  /** 202 only once the job is on the queue's disk (WAITAOF, or appendfsync always checked); see DurableAck. */
  /** Ingest answers 429 once the queue's Redis uses this share of its maxmemory (0: not checked). */
  queueMaxMemoryPercent: number
  durableAck: boolean
  durableAckTimeoutMs: number
  rateLimitPerMinute: number
  /** Failed authentications per client address and minute before 429 (0: not throttled). */
  authFailuresPerMinute: number
  /** Addresses or CIDR blocks of the proxies in front of the API, whose X-Forwarded-For gives the client's address. */
  trustProxy: string[]
  pseudonymise: { fields: PseudonymField[], key: Buffer } | undefined
  maxFutureSkewMs: number
  bulkMaxDocs: number
  bulkFlushMs: number
  workerConcurrency: number
  workerLockMs: number
  retentionDays: Record<RetentionClass, number>
  retentionSweepMs: number
  /** Signs search cursors; every API instance behind one load balancer needs the same value. */
  cursorSecret: string | undefined
  /** Seals the secrets the service keeps (webhook signing secrets, stream tokens) in its system indices. */
  secretsKey: string | undefined
  /** The key before SILLAGE_SECRETS_KEY, while it is changed: still opens what it sealed, until `secrets reseal`. */
  secretsKeyPrevious: string | undefined
  geoCacheSize: number
  uaCacheSize: number
  exports: ExportConfig
  /** Watch rules, alerts and webhooks (docs/alerts.md). */
  watch: WatchConfig
  /** Webhooks and log streams may target private network addresses (an internal SIEM); off by default. */
  receiversAllowPrivate: boolean
  /** The integrity chain (sealing and checkpoints); off only to measure what it costs. */
  integrity: boolean
  /** The entity store (per user, device and address), maintained by the worker; off only to measure what it costs. */
  entities: boolean
  checkpointMs: number
  /** How long a seal job goes on sealing its own process's new entries before it ends (0: every entry goes through Redis). */
  sealTurnMs: number
  /** Append-only copy of every signed checkpoint, outside Elasticsearch. */
  checkpointFile: string
  /** Ed25519 key that signs checkpoints (PKCS#8 PEM or base64 seed); unset, a development key is made and kept beside the checkpoint file. */
  signingKey: string | undefined
  /**
   * Public keys (raw base64 or PEM) whose checkpoints verify besides the signing key's: earlier keys after a
   * rotation. An API given these and no signing key holds no private key: the first is then the current one.
   */
  verifyKeys: string[]
  /** Origin of the checkpoints' signed-note form (C2SP tlog-checkpoint); each tenant's log is `<origin>/<tenant>`. */
  checkpointOrigin: string
  /** The built web console served at /console/ (relative paths from the working directory). */
  consoleDir: string
  /** Single sign-on for people (OpenID Connect); undefined when SILLAGE_OIDC_ISSUER is unset. */
  oidc: OidcConfig | undefined
  /** Lifetimes and cookie flags of single sign-on sessions. */
  session: SessionConfig
  /** Metrics listeners, worker heartbeat, self-watch bounds. */
  monitoring: MonitoringConfig
  streams: StreamsConfig
}

/** Watch rule runs and webhook deliveries in the worker. */
export interface WatchConfig {
  /** Rule runs a worker holds at once. */
  concurrency: number
  /** Webhook requests a worker sends at once. */
  webhookConcurrency: number
  /** Longest wait for a receiver's answer. */
  webhookTimeoutMs: number
  /** First retry delay of a failed delivery, doubled at each retry. */
  webhookBackoffMs: number
  /** Webhooks may target loopback addresses (tests, a local relay); off by default. */
  webhookAllowLoopback: boolean
}

/** Exports: what streams in the answer, what runs as a background job, where files go and how long they stay. */
export interface ExportConfig {
  /** Exports of at most this many events stream in the answer; larger ones become background jobs. */
  syncMax: number
  /** Directory of background export files, shared by the API (downloads) and the worker (writes). */
  dir: string
  ttlHours: number
  /** Most events in a PDF report or an evidence pack. */
  reportMax: number
  /** Most background exports one tenant may have queued or running. */
  pendingMax: number
  /** Most exports one tenant may stream at once from one API process. */
  streamMax: number
  /** Background exports a worker runs at once. */
  concurrency: number
  cleanupMs: number
}

export interface ApiKeyConfig {
  key: string
  scopes: Scope[]
  /** null: a platform key, which sees and writes every tenant. */
  tenant: string | null
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}

type Env = Record<string, string | undefined>

const DEFAULT_RETENTION: Record<RetentionClass, number> = {
  financial: 1825,
  security: 730,
  activity: 365,
  interaction: 180
}

/** Reads and validates the environment; every bad value is reported at once. */
export function loadConfig (env: Env = process.env): Config {
  const problems: string[] = []
  const read = new EnvReader(env, problems)
  const config: Config = {
    port: read.int('PORT', 3000, 0, 65535),
    host: read.string('HOST', '127.0.0.1'),
    elasticsearchUrl: read.urls('ELASTICSEARCH_URL', 'http://127.0.0.1:9200', ['http:', 'https:']),
    redisUrl: read.string('REDIS_URL', 'redis://127.0.0.1:6379'),
    redis: parseRedisUrl(read.string('REDIS_URL', 'redis://127.0.0.1:6379'), problems),
    logLevel: read.oneOf('SILLAGE_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    indexPrefix: read.name('SILLAGE_INDEX_PREFIX', 'sillage'),
    queuePrefix: read.name('SILLAGE_QUEUE_PREFIX', 'sillage'),
    indexReplicas: read.int('SILLAGE_INDEX_REPLICAS', 0, 0, 5),
    indexTimeSort: read.oneOf('SILLAGE_INDEX_TIME_SORT', 'on', ['on', 'off']) === 'on',
    apiKeys: parseApiKeys(env.SILLAGE_API_KEYS, problems),
    defaultTenant: read.name('SILLAGE_DEFAULT_TENANT', 'default'),
    bodyLimitBytes: read.int('SILLAGE_BODY_LIMIT_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxBatch: read.int('SILLAGE_MAX_BATCH', 1000, 1, 1000),
    queueMaxJobs: read.int('SILLAGE_QUEUE_MAX_JOBS', 20000, 1, 10_000_000),
    queueMaxMemoryPercent: read.int('SILLAGE_QUEUE_MAX_MEMORY_PERCENT', 80, 0, 100),
    durableAck: read.oneOf('SILLAGE_DURABLE_ACK', 'off', ['off', 'on']) === 'on',
    durableAckTimeoutMs: read.int('SILLAGE_DURABLE_ACK_TIMEOUT_MS', 2000, 10, 60_000),
    rateLimitPerMinute: read.int('SILLAGE_RATE_LIMIT_PER_MINUTE', 1200, 1, 10_000_000),
    authFailuresPerMinute: read.int('SILLAGE_AUTH_FAILURES_PER_MINUTE', 30, 0, 1_000_000),
    trustProxy: parseTrustProxy(env.SILLAGE_TRUST_PROXY, problems),
    pseudonymise: parsePseudonymise(env.SILLAGE_PSEUDONYMISE, read.secret('SILLAGE_PSEUDONYM_KEY'), problems),
    maxFutureSkewMs: read.int('SILLAGE_MAX_FUTURE_SKEW_MS', 5 * 60_000, 0, 24 * 3600_000),
    bulkMaxDocs: read.int('SILLAGE_BULK_MAX_DOCS', 2000, 1, 50_000),
    bulkFlushMs: read.int('SILLAGE_BULK_FLUSH_MS', 20, 0, 10_000),
    workerConcurrency: read.int('SILLAGE_WORKER_CONCURRENCY', 16, 1, 1000),
    workerLockMs: read.int('SILLAGE_WORKER_LOCK_MS', 30_000, 1000, 3600_000),
    retentionDays: parseRetention(env.SILLAGE_RETENTION_DAYS, problems),
    retentionSweepMs: read.int('SILLAGE_RETENTION_SWEEP_MS', 3600_000, 1000, 7 * 24 * 3600_000),
    cursorSecret: read.secret('SILLAGE_CURSOR_SECRET'),
    secretsKey: read.secret('SILLAGE_SECRETS_KEY'),
    secretsKeyPrevious: read.secret('SILLAGE_SECRETS_KEY_PREVIOUS'),
    geoCacheSize: read.int('SILLAGE_GEO_CACHE_SIZE', 50_000, 0, 10_000_000),
    uaCacheSize: read.int('SILLAGE_UA_CACHE_SIZE', 10_000, 0, 10_000_000),
    exports: {
      syncMax: read.int('SILLAGE_EXPORT_SYNC_MAX', 10_000, 0, 10_000_000),
      dir: read.string('SILLAGE_EXPORT_DIR', '.local/exports'),
      ttlHours: read.int('SILLAGE_EXPORT_TTL_HOURS', 24, 1, 24 * 365),
      reportMax: read.int('SILLAGE_EXPORT_REPORT_MAX', 100_000, 1, 1_000_000),
      pendingMax: read.int('SILLAGE_EXPORT_PENDING_MAX', 10, 1, 10_000),
      streamMax: read.int('SILLAGE_EXPORT_STREAM_MAX', 4, 1, 1000),
      concurrency: read.int('SILLAGE_EXPORT_CONCURRENCY', 2, 1, 64),
      cleanupMs: read.int('SILLAGE_EXPORT_CLEANUP_MS', 600_000, 1000, 24 * 3600_000)
    },
    watch: {
      concurrency: read.int('SILLAGE_RULES_CONCURRENCY', 2, 1, 64),
      webhookConcurrency: read.int('SILLAGE_WEBHOOK_CONCURRENCY', 8, 1, 256),
      webhookTimeoutMs: read.int('SILLAGE_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      webhookBackoffMs: read.int('SILLAGE_WEBHOOK_BACKOFF_MS', 5000, 10, 3_600_000),
      webhookAllowLoopback: read.oneOf('SILLAGE_WEBHOOKS_ALLOW_LOOPBACK', 'off', ['off', 'on']) === 'on'
    },
    receiversAllowPrivate: read.oneOf('SILLAGE_RECEIVERS_ALLOW_PRIVATE', 'off', ['off', 'on']) === 'on',
    integrity: read.oneOf('SILLAGE_INTEGRITY', 'on', ['on', 'off']) === 'on',
    entities: read.oneOf('SILLAGE_ENTITIES', 'on', ['on', 'off']) === 'on',
    checkpointMs: read.int('SILLAGE_CHECKPOINT_MS', 60_000, 1000, 24 * 3600_000),
    sealTurnMs: read.int('SILLAGE_SEAL_TURN_MS', 1000, 0, 10_000),
    checkpointFile: read.string('SILLAGE_CHECKPOINT_FILE', '.local/checkpoints.ndjson'),
    consoleDir: read.string('SILLAGE_CONSOLE_DIR', 'console/dist'),
    signingKey: parseSigningKeyEnv(env.SILLAGE_SIGNING_KEY, problems),
    verifyKeys: parseVerifyKeysEnv(env.SILLAGE_VERIFY_KEYS, problems),
    checkpointOrigin: read.string('SILLAGE_CHECKPOINT_ORIGIN', ''),
    ...parseOidc(env, problems),
    ...parseMonitoring(env, problems)
  }
  config.queuePrefix = queuePrefixFor(config.queuePrefix, config.redis)
  // Only an origin given explicitly is checked: the default one is built from the prefix, checked above.
  const originProblem = config.checkpointOrigin === '' ? undefined : noteNameProblem(config.checkpointOrigin)
  if (originProblem !== undefined) problems.push(`SILLAGE_CHECKPOINT_ORIGIN="${config.checkpointOrigin}" ${originProblem}`)
  config.checkpointOrigin ||= `sillage/${config.indexPrefix}`
  if (config.secretsKeyPrevious !== undefined && config.secretsKey === undefined) problems.push('SILLAGE_SECRETS_KEY_PREVIOUS needs SILLAGE_SECRETS_KEY: the previous key only opens values, the current one seals them')
  if (config.secretsKeyPrevious !== undefined && config.secretsKeyPrevious === config.secretsKey) problems.push('SILLAGE_SECRETS_KEY_PREVIOUS is the same as SILLAGE_SECRETS_KEY: give it the key used before')
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

class EnvReader {
  constructor (private readonly env: Env, private readonly problems: string[]) {}

  private raw (name: string): string | undefined {
    const value = this.env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }

  string (name: string, fallback: string): string {
    return this.raw(name) ?? fallback
  }

  int (name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name)
    if (value === undefined) return fallback
    const n = Number(value)
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.problems.push(`${name}="${value}" must be an integer between ${min} and ${max}`)
      return fallback
    }
    return n
  }

  url (name: string, fallback: string, protocols: string[]): string {
    const value = this.raw(name) ?? fallback
    try {
      const url = new URL(value)
      if (!protocols.includes(url.protocol)) throw new Error('protocol')
    } catch {
      this.problems.push(`${name}="${value}" must be a URL starting with ${protocols.map(p => `${p}//`).join(' or ')}`)
    }
    return value
  }

  /** One URL or several separated by commas (each checked); returned as written. */
  urls (name: string, fallback: string, protocols: string[]): string {
    const value = this.raw(name) ?? fallback
    const bad = value.split(',').map(u => u.trim()).filter(u => {
      try {
        return !protocols.includes(new URL(u).protocol)
      } catch {
        return true
      }
    })
    if (bad.length > 0) this.problems.push(`${name}="${value}" must be URLs starting with ${protocols.map(p => `${p}//`).join(' or ')}, separated by commas (not: ${bad.map(u => `"${u}"`).join(', ')})`)
    return value
  }

  oneOf<T extends string> (name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}="${value}" must be one of ${allowed.join(', ')}`)
      return fallback
    }
    return value as T
  }

  secret (name: string): string | undefined {
    const value = this.raw(name)
    if (value !== undefined && value.length < 32) this.problems.push(`${name} must be at least 32 characters`)
    return value
  }

  /** Names become parts of index and queue names, so they are kept to a safe alphabet. */
  name (name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback
    if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(value)) {
      this.problems.push(`${name}="${value}" must be 1-40 lowercase letters, digits, "_" or "-", starting with a letter or digit`)
    }
    return value
  }
}

/**
 * `SILLAGE_API_KEYS=key1:ingest,key2:read+export@brand-a` — scopes joined by "+", an optional tenant after "@".
 * These are the bootstrap keys; the others are managed through the API and stored hashed.
 */
export function parseApiKeys (raw: string | undefined, problems: string[]): ApiKeyConfig[] {
  if (raw === undefined || raw.trim() === '') {
    problems.push('SILLAGE_API_KEYS is required: comma-separated "<key>:<scope>+<scope>[@tenant]" entries, scopes among ' + SCOPES.join(', '))
    return []
  }
  const keys: ApiKeyConfig[] = []
  raw.split(',').map(s => s.trim()).filter(Boolean).forEach((entry, i) => {
    const sep = entry.indexOf(':')
    const key = sep > 0 ? entry.slice(0, sep) : ''
    const [scopePart = '', tenant] = sep > 0 ? entry.slice(sep + 1).split('@') : []
    const scopes = scopePart.split('+').map(s => s.trim()).filter(Boolean)
    if (key.length < 16 || !/^[\x21-\x7e]+$/.test(key)) {
      problems.push(`SILLAGE_API_KEYS entry ${i + 1}: the key must be at least 16 printable characters without spaces, ":" or ","`)
      return
    }
    const bad = scopes.filter(s => !(SCOPES as readonly string[]).includes(s))
    if (scopes.length === 0 || bad.length > 0) {
      problems.push(`SILLAGE_API_KEYS entry ${i + 1}: unknown scope(s) "${bad.join('", "')}"; allowed: ${SCOPES.join(', ')}`)
      return
    }
    if (tenant !== undefined && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(tenant)) {
      problems.push(`SILLAGE_API_KEYS entry ${i + 1}: tenant "${tenant}" must be 1-40 lowercase letters, digits, "_" or "-"`)
      return
    }
    keys.push({ key, scopes: scopes as Scope[], tenant: tenant ?? null })
  })
  return keys
}

/** `SILLAGE_RETENTION_DAYS=financial=2555,interaction=90` overrides the defaults per class. */
export function parseRetention (raw: string | undefined, problems: string[]): Record<RetentionClass, number> {
  const result = { ...DEFAULT_RETENTION }
  if (raw === undefined || raw.trim() === '') return result
  for (const entry of raw.split(',').map(s => s.trim()).filter(Boolean)) {
    const [name, days] = entry.split('=')
    if (!(RETENTION_CLASSES as readonly string[]).includes(name ?? '')) {
      problems.push(`SILLAGE_RETENTION_DAYS: unknown class "${name}"; classes: ${RETENTION_CLASSES.join(', ')}`)
    } else if (!/^\d+$/.test(days ?? '') || Number(days) < 1 || Number(days) > 36500) {
      problems.push(`SILLAGE_RETENTION_DAYS: "${entry}" needs a whole number of days between 1 and 36500`)
    } else {
      result[name as RetentionClass] = Number(days)
    }
  }
  return result
}

/** `SILLAGE_PSEUDONYMISE=user.email,user.name` with `SILLAGE_PSEUDONYM_KEY` (at least 32 characters). */
/** `10.0.0.1,10.1.0.0/16`: the proxies whose X-Forwarded-For is believed. */
function parseTrustProxy (raw: string | undefined, problems: string[]): string[] {
  const entries = (raw ?? '').split(',').map(e => e.trim()).filter(Boolean)
  for (const e of entries) {
    const [address = '', bits, ...rest] = e.split('/')
    const max = isIP(address) === 4 ? 32 : 128
    if (isIP(address) === 0 || rest.length > 0 || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max))) {
      problems.push(`SILLAGE_TRUST_PROXY: "${e}" must be an IP address or a CIDR block`)
    }
  }
  return entries
}

function parsePseudonymise (raw: string | undefined, key: string | undefined, problems: string[]): { fields: PseudonymField[], key: Buffer } | undefined {
  const fields = (raw ?? '').split(',').map(s => s.trim()).filter(Boolean)
  if (fields.length === 0) return undefined
  const bad = fields.filter(f => !(PSEUDONYMISABLE as readonly string[]).includes(f))
  if (bad.length > 0) problems.push(`SILLAGE_PSEUDONYMISE: "${bad.join('", "')}" cannot be pseudonymised; choose among ${PSEUDONYMISABLE.join(', ')}`)
  if (key === undefined) problems.push('SILLAGE_PSEUDONYMISE needs SILLAGE_PSEUDONYM_KEY (at least 32 characters), the secret of the keyed hash')
  return { fields: fields as PseudonymField[], key: Buffer.from(key ?? '') }
}

/** `SILLAGE_SIGNING_KEY` is checked at start, so a bad key stops the process rather than the first checkpoint. */
export function parseSigningKeyEnv (raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  try {
    parseSigningKey(raw)
    return raw
  } catch (err) {
    // The value is a secret: the message gives the reason, never the value.
    problems.push(`SILLAGE_SIGNING_KEY ${(err as Error).message}`)
    return undefined
  }
}

/** `SILLAGE_VERIFY_KEYS`: comma-separated public keys (raw base64; PEM keys separated by commas too). */
export function parseVerifyKeysEnv (raw: string | undefined, problems: string[]): string[] {
  const keys = (raw ?? '').split(',').map(k => k.trim()).filter(k => k !== '')
  keys.forEach((key, i) => {
    try {
      parsePublicKey(key)
    } catch (err) {
      problems.push(`SILLAGE_VERIFY_KEYS key ${i + 1} ${(err as Error).message}`)
    }
  })
  return keys
}
