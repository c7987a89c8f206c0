import t from 'tap'
import { ConfigError, loadConfig } from '../../../src/config/config.ts'

const KEYS = 'ingest-key-1234567890:ingest,admin-key-12345678901:admin+read'

t.test('defaults follow the ecosystem names', async t => {
  const c = loadConfig({ SILLAGE_API_KEYS: KEYS })
  t.equal(c.elasticsearchUrl, 'http://127.0.0.1:9200')
  t.equal(c.redisUrl, 'redis://127.0.0.1:6379')
  t.equal(c.port, 3000)
  t.same(c.apiKeys, [{ key: 'ingest-key-1234567890', scopes: ['ingest'], tenant: null }, { key: 'admin-key-12345678901', scopes: ['admin', 'read'], tenant: null }])
  t.equal(c.retentionDays.financial, 1825)
  t.equal(c.sealTurnMs, 1000)
  t.equal(loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_SEAL_TURN_MS: '0' }).sealTurnMs, 0, 'the seal turn can be switched off')
})

t.test('every bad value is reported at once, by name', async t => {
  const err = t.throws(() => loadConfig({
    SILLAGE_API_KEYS: 'short:ingest,long-enough-key-123456:write',
    PORT: '70000',
    ELASTICSEARCH_URL: 'ftp://x',
    SILLAGE_INDEX_PREFIX: 'Bad Prefix',
    SILLAGE_RETENTION_DAYS: 'financial=0,forever=10',
    SILLAGE_SEAL_TURN_MS: '-1'
  })) as ConfigError
  t.ok(err instanceof ConfigError)
  const text = err.problems.join('\n')
  for (const needle of ['PORT="70000"', 'ELASTICSEARCH_URL="ftp://x"', 'SILLAGE_INDEX_PREFIX', 'entry 1: the key', 'unknown scope(s) "write"', 'financial=0', 'unknown class "forever"', 'SILLAGE_SEAL_TURN_MS']) {
    t.match(text, needle)
  }
  t.equal(err.problems.length, 8)
})

t.test('bootstrap keys may belong to a tenant and hold read:masked', async t => {
  const c = loadConfig({ SILLAGE_API_KEYS: 'brand-a-reader-00001:read:masked+export@brand-a' })
  t.same(c.apiKeys, [{ key: 'brand-a-reader-00001', scopes: ['read:masked', 'export'], tenant: 'brand-a' }])
  t.throws(() => loadConfig({ SILLAGE_API_KEYS: 'brand-a-reader-00001:read@Brand A' }), /tenant "Brand A"/)
})

t.test('API keys are required', async t => {
  t.throws(() => loadConfig({}), /SILLAGE_API_KEYS is required/)
})

t.test('retention overrides apply per class', async t => {
  const c = loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_RETENTION_DAYS: 'interaction=90, financial=2555' })
  t.equal(c.retentionDays.interaction, 90)
  t.equal(c.retentionDays.financial, 2555)
  t.equal(c.retentionDays.security, 730)
})

t.test('failed authentications and trusted proxies', async t => {
  const c = loadConfig({ SILLAGE_API_KEYS: KEYS })
  t.equal(c.authFailuresPerMinute, 30)
  t.same(c.trustProxy, [])
  const set = loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_AUTH_FAILURES_PER_MINUTE: '0', SILLAGE_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,2a01:e0a::/32' })
  t.equal(set.authFailuresPerMinute, 0, '0 turns the throttle off')
  t.same(set.trustProxy, ['10.0.0.1', '10.1.0.0/16', '2a01:e0a::/32'])
  t.throws(() => loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_TRUST_PROXY: 'proxy.local,10.0.0.0/33' }), /"proxy.local" must be an IP address or a CIDR block[\s\S]*"10.0.0.0\/33"/)
})

t.test('the previous secrets key needs a current one, and another one', async t => {
  const key = 'a-stored-secrets-key-of-32-characters-or-more'
  const c = loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_SECRETS_KEY: `${key}-new`, SILLAGE_SECRETS_KEY_PREVIOUS: key })
  t.equal(c.secretsKeyPrevious, key)
  t.throws(() => loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_SECRETS_KEY_PREVIOUS: key }), /SILLAGE_SECRETS_KEY_PREVIOUS needs SILLAGE_SECRETS_KEY/)
  t.throws(() => loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_SECRETS_KEY: key, SILLAGE_SECRETS_KEY_PREVIOUS: key }), /is the same as SILLAGE_SECRETS_KEY/)
  t.throws(() => loadConfig({ SILLAGE_API_KEYS: KEYS, SILLAGE_SECRETS_KEY: key, SILLAGE_SECRETS_KEY_PREVIOUS: 'short' }), /SILLAGE_SECRETS_KEY_PREVIOUS must be at least 32 characters/)
})
