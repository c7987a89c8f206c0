import t from 'tap'
import { parseRedisUrl, queuePrefixFor, redactRedisUrl } from '../../../src/config/redis-config.ts'
import { ConfigError, loadConfig } from '../../../src/config/config.ts'

const KEYS = 'ingest-key-1234567890:ingest'

t.test('one server: the URL as it is', async t => {
  const problems: string[] = []
  t.same(parseRedisUrl('redis://127.0.0.1:6379', problems), { kind: 'single', url: 'redis://127.0.0.1:6379' })
  t.same(parseRedisUrl('rediss://user:p%40ss@cache.example:6380/2', problems), { kind: 'single', url: 'rediss://user:p%40ss@cache.example:6380/2' })
  t.same(problems, [])
})

t.test('Sentinel: several sentinels, the primary set, database, credentials and TLS', async t => {
  const problems: string[] = []
  t.same(parseRedisUrl('redis+sentinel://:s3cr%3At@s1.example:26379,s2.example,[::1]:26380/mymaster/3?sentinelPassword=sp', problems), {
    kind: 'sentinel',
    sentinels: [{ host: 's1.example', port: 26379 }, { host: 's2.example', port: 26379 }, { host: '::1', port: 26380 }],
    name: 'mymaster', db: 3, tls: false, password: 's3cr:t', sentinelPassword: 'sp'
  })
  t.same(parseRedisUrl('rediss+sentinel://app:pw@s1:26379/main', problems), { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'main', db: 0, tls: true, username: 'app', password: 'pw' })
  t.same(problems, [])
  const bad: string[] = []
  parseRedisUrl('redis+sentinel://s1:26379', bad)
  t.match(bad[0], /names the primary set/)
})

t.test('Cluster: seed nodes, and the queue prefix becomes a hash tag', async t => {
  const problems: string[] = []
  const target = parseRedisUrl('redis+cluster://:pw@n1:7000,n2:7001,n3:7002', problems)
  t.same(target, { kind: 'cluster', nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }, { host: 'n3', port: 7002 }], tls: false, password: 'pw' })
  t.equal(queuePrefixFor('sillage', target), '{sillage}', 'every key of every queue in one slot, as BullMQ requires on a cluster')
  t.equal(queuePrefixFor('sillage', { kind: 'single', url: 'redis://x' }), 'sillage', 'unchanged elsewhere')
  parseRedisUrl('redis+cluster://n1:7000/1', problems)
  t.match(problems[0], /only database 0/)
})

t.test('loadConfig carries the target and the tagged prefix; bad forms are reported by name, without the password', async t => {
  const c = loadConfig({ SILLAGE_API_KEYS: KEYS, REDIS_URL: 'redis+cluster://n1:7000,n2:7001', SILLAGE_QUEUE_PREFIX: 'audit' })
  t.equal(c.redis.kind, 'cluster')
  t.equal(c.queuePrefix, '{audit}')
  t.equal(loadConfig({ SILLAGE_API_KEYS: KEYS }).queuePrefix, 'sillage')
  for (const bad of ['http://x:6379', 'redis+sentinel://a:99999/m', 'redis+cluster://', 'redis+sentinel://:topsecret@a:1/m/x/y']) {
    const err = t.throws(() => loadConfig({ SILLAGE_API_KEYS: KEYS, REDIS_URL: bad })) as ConfigError
    t.ok(err instanceof ConfigError, bad)
    t.match(err.problems.join('\n'), /REDIS_URL/)
    t.notMatch(err.problems.join('\n'), /topsecret/)
  }
  t.equal(redactRedisUrl('redis://user:topsecret@h:1'), 'redis://user:***@h:1')
})

t.test('monitoring settings: ports, off, bounds', async t => {
  const c = loadConfig({ SILLAGE_API_KEYS: KEYS })
  t.equal(c.monitoring.workerMetricsPort, 9465)
  t.equal(c.monitoring.apiMetricsPort, undefined)
  t.equal(c.monitoring.metricsHost, '127.0.0.1')
  t.equal(c.streams.allowLoopback, false)
  const d = loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_WORKER_METRICS_PORT: 'off', SILLAGE_METRICS_PORT: '9464', SILLAGE_WATCH_MS: '5000' })
  t.equal(d.monitoring.workerMetricsPort, undefined)
  t.equal(d.monitoring.apiMetricsPort, 9464)
  t.equal(d.monitoring.watch.everyMs, 5000)
  const err = t.throws(() => loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_METRICS_PORT: 'x', SILLAGE_STREAMS: 'maybe' })) as ConfigError
  t.match(err.problems.join('\n'), /SILLAGE_METRICS_PORT[\s\S]*SILLAGE_STREAMS/)
})
