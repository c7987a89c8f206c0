import { createHash, randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Principal } from './api-keys.ts'

/** A person's session: who they are (a principal like a key's), its CSRF token and when it ends at the latest. */
export interface SessionRecord {
  principal: Principal
  csrf: string
  createdAt: number
  expiresAt: number
  /** Redis's clock when opened: compared with the marks of `endAllOf`, on the same clock whichever host wrote each. */
  openedAt?: number
}

export interface SessionTimes { maxSeconds: number, idleSeconds: number }

/** What a login in progress keeps until the provider sends the person back (taken once). */
export interface LoginFlow {
  state: string
  nonce: string
  codeVerifier: string
  /** Console path to land on after the sign-in. */
  returnTo: string
}

const FLOW_TTL_MS = 10 * 60_000
const token = (): string => randomBytes(32).toString('base64url')
// Keys hold a digest of the id: a copy of Redis gives no session that a browser could present.
const digest = (id: string): string => createHash('sha256').update(id).digest('hex')

/**
 * Sessions and login flows in Redis, keyed by a digest of a 256-bit random id. A session ends when unused for
 * the idle time (the key's expiry, renewed on each use) or at its absolute end, whichever comes first.
 */
export class SessionStore {
  constructor (
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly times: SessionTimes,
    private readonly now: () => number = Date.now
  ) {}

  private key (kind: 'session' | 'oidc-flow' | 'sessions-ended', id: string): string {
    return `${this.prefix}:${kind}:${digest(id)}`
  }

  /** Milliseconds on Redis's clock, the one clock every API host and the CLI share. */
  private async redisNow (): Promise<number> {
    const [seconds, micros] = await this.redis.time()
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
  }

  async create (principal: Principal): Promise<{ id: string, record: SessionRecord }> {
    const id = token()
    const createdAt = this.now()
    const record: SessionRecord = { principal, csrf: token(), createdAt, expiresAt: createdAt + this.times.maxSeconds * 1000, openedAt: await this.redisNow() }
    await this.redis.set(this.key('session', id), JSON.stringify(record), 'PX', Math.min(this.times.idleSeconds, this.times.maxSeconds) * 1000)
    return { id, record }
  }

  /** The live session of this id, its idle time renewed; undefined once expired, ended or unknown. */
  async open (id: string): Promise<SessionRecord | undefined> {
    const key = this.key('session', id)
    const raw = await this.redis.getex(key, 'PX', this.times.idleSeconds * 1000)
    if (raw === null) return undefined
    const record = JSON.parse(raw) as SessionRecord
    const ended = await this.redis.get(this.key('sessions-ended', record.principal.keyId))
    if (this.now() >= record.expiresAt || (ended !== null && (record.openedAt ?? record.createdAt) <= Number(ended))) {
      await this.redis.del(key)
      return undefined
    }
    return record
  }

  /**
   * Ends every session of a person (by principal key id, `person:…`) opened until now: one mark, kept as long as
   * a session can last, checked as each session is used. A new sign-in opens a new session. The mark and the
   * sessions' opening times are both read from Redis's clock: a caller whose clock is behind still ends them all.
   */
  async endAllOf (personKeyId: string): Promise<void> {
    await this.redis.set(this.key('sessions-ended', personKeyId), String(await this.redisNow()), 'PX', this.times.maxSeconds * 1000)
  }

  async end (id: string): Promise<void> {
    await this.redis.del(this.key('session', id))
  }

  async startFlow (flow: LoginFlow): Promise<string> {
    const id = token()
    await this.redis.set(this.key('oidc-flow', id), JSON.stringify(flow), 'PX', FLOW_TTL_MS)
    return id
  }

  /** The flow of this id, removed as it is read: a callback can be used once. */
  async takeFlow (id: string): Promise<LoginFlow | undefined> {
    const raw = await this.redis.getdel(this.key('oidc-flow', id))
    return raw === null ? undefined : JSON.parse(raw) as LoginFlow
  }
}

export const LOGIN_FLOW_SECONDS = FLOW_TTL_MS / 1000
