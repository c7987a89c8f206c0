/** Where Redis is: one server, a Sentinel-managed primary, or a Cluster (BullMQ's three documented set-ups). */
export type RedisTarget =
  | { kind: 'single', url: string }
  | { kind: 'sentinel', sentinels: HostPort[], name: string, db: number, tls: boolean, username?: string, password?: string, sentinelPassword?: string }
  | { kind: 'cluster', nodes: HostPort[], tls: boolean, username?: string, password?: string }

export interface HostPort { host: string, port: number }

const SCHEMES: Record<string, { kind: RedisTarget['kind'], tls: boolean, port: number }> = {
  'redis+sentinel:': { kind: 'sentinel', tls: false, port: 26379 },
  'rediss+sentinel:': { kind: 'sentinel', tls: true, port: 26379 },
  'redis+cluster:': { kind: 'cluster', tls: false, port: 6379 },
  'rediss+cluster:': { kind: 'cluster', tls: true, port: 6379 }
}

const FORMS = 'redis://[user:pass@]host:port[/db], rediss://…, redis+sentinel://[user:pass@]host:port,host:port/<primary name>[/db][?sentinelPassword=…], or redis+cluster://[user:pass@]host:port,host:port (rediss+… for TLS)'

/**
 * Reads `REDIS_URL`. Sentinel and Cluster list several hosts, which URL parsers refuse, so the address part is
 * split by hand; credentials are percent-decoded. Problems are reported with the variable's name, never the password.
 */
export function parseRedisUrl (raw: string, problems: string[], name = 'REDIS_URL'): RedisTarget {
  const fallback: RedisTarget = { kind: 'single', url: 'redis://127.0.0.1:6379' }
  const m = /^([a-z+]+:)\/\/(?:([^@/]*)@)?([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(raw)
  const scheme = m?.[1] ?? ''
  if (m === null || (!(scheme in SCHEMES) && scheme !== 'redis:' && scheme !== 'rediss:')) {
    problems.push(`${name} must be one of ${FORMS}`)
    return fallback
  }
  if (scheme === 'redis:' || scheme === 'rediss:') {
    try {
      void new URL(raw)
      return { kind: 'single', url: raw }
    } catch {
      problems.push(`${name} is not a valid URL; expected ${FORMS}`)
      return fallback
    }
  }
  const spec = SCHEMES[scheme] as { kind: RedisTarget['kind'], tls: boolean, port: number }
  const hosts = hostList(m[3] as string, spec.port)
  if (hosts === undefined) {
    problems.push(`${name}: every address must be host:port (ports 1-65535), separated by commas`)
    return fallback
  }
  const credentials = userInfo(m[2])
  const params = new URLSearchParams(m[5] ?? '')
  const path = (m[4] ?? '').split('/').filter(Boolean).map(decodeURIComponent)
  if (spec.kind === 'cluster') {
    if (path.length > 0) problems.push(`${name}: a Redis Cluster has only database 0; remove the path`)
    return { kind: 'cluster', nodes: hosts, tls: spec.tls, ...credentials }
  }
  const [primary, db = '0', ...rest] = path
  if (primary === undefined || !/^[\w.-]{1,100}$/.test(primary) || !/^\d{1,2}$/.test(db) || rest.length > 0) {
    problems.push(`${name}: a Sentinel URL names the primary set and optionally the database: redis+sentinel://host:26379,host:26379/mymaster/0`)
    return fallback
  }
  const sentinelPassword = params.get('sentinelPassword') ?? undefined
  return { kind: 'sentinel', sentinels: hosts, name: primary, db: Number(db), tls: spec.tls, ...credentials, ...(sentinelPassword === undefined ? {} : { sentinelPassword }) }
}

function hostList (raw: string, defaultPort: number): HostPort[] | undefined {
  const hosts: HostPort[] = []
  for (const part of raw.split(',')) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(part.trim())
    const port = m?.[2] === undefined ? defaultPort : Number(m[2])
    if (m === null || port < 1 || port > 65535) return undefined
    hosts.push({ host: (m[1] as string).replace(/^\[|\]$/g, ''), port })
  }
  return hosts.length > 0 ? hosts : undefined
}

function userInfo (raw: string | undefined): { username?: string, password?: string } {
  if (raw === undefined || raw === '') return {}
  const sep = raw.indexOf(':')
  const username = decodeURIComponent(sep < 0 ? raw : raw.slice(0, sep))
  const password = sep < 0 ? undefined : decodeURIComponent(raw.slice(sep + 1))
  return { ...(username === '' ? {} : { username }), ...(password === undefined || password === '' ? {} : { password }) }
}

/**
 * BullMQ on a Redis Cluster needs every key of a queue in one hash slot: the prefix becomes a hash tag
 * (`{sillage}`), which also keeps the service's other keys (rate limits, marks, leases) in that slot, so the
 * multi-key commands they use keep working. A prefix the operator already tagged is kept.
 */
export function queuePrefixFor (prefix: string, target: RedisTarget): string {
  return target.kind === 'cluster' && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix
}

/** The URL with its password replaced, for messages and logs. */
export function redactRedisUrl (raw: string): string {
  return raw.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/, '$1***@')
}
