import { t } from '../helpers/file-test.ts'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { call, M, plant, runRule, until, type Json } from '../helpers/watch.ts'
import { WebhookReceiver } from '../helpers/webhook-receiver.ts'
import { deliverOnce } from '../../src/notify/deliver.ts'
import { webhooksIndex, webhooksStore } from '../../src/store/system/webhooks-store.ts'
import { streamsIndex } from '../../src/store/system/streams-store.ts'
import { StoredSecrets } from '../../src/store/system/stored-secrets.ts'
import { AlertsStore } from '../../src/store/system/alerts-store.ts'
import { DeliveriesStore } from '../../src/store/system/deliveries-store.ts'
import type { StoredAlert } from '../../src/alerts/alert-schema.ts'
import type { Delivery, StoredWebhook } from '../../src/notify/webhook-schema.ts'
import { LOOPBACK_ALLOWED, NOTHING_INTERNAL } from '../../src/validation/receiver-address.ts'

let stack: Stack
const admin = KEYS.aAdmin
const now = Date.now()

/** What a receiver does (docs/alerts.md, Webhooks): HMAC-SHA256 of `<timestamp>.<raw body>` with the secret, compared in constant time. */
function verified (secret: string, headers: Record<string, unknown>, body: string): boolean {
  const ts = String(headers['sillage-timestamp'])
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`)
  const got = Buffer.from(String(headers['sillage-signature']))
  return got.length === expected.length && timingSafeEqual(got, expected)
}

t.before(async () => { stack = await startStack(t, { env: { SILLAGE_WEBHOOK_BACKOFF_MS: '200', SILLAGE_WEBHOOKS_ALLOW_LOOPBACK: 'on' } }) })

t.test('webhooks: HTTPS, or loopback for tests', async t => {
  const refused = await call(stack, 'POST', '/v1/webhooks', admin, { name: 'plain', url: 'http://hooks.example.com/x' })
  t.equal(refused.status, 400)
  t.match(refused.body.errors, [{ path: '/url', message: /https/ }])
  t.equal((await call(stack, 'POST', '/v1/webhooks', KEYS.aRead, { name: 'x', url: 'https://hooks.example.com/x' })).status, 403, 'admins only')
  const ok = await call(stack, 'POST', '/v1/webhooks', admin, { name: 'tls', url: 'https://hooks.example.com/x', enabled: false })
  t.equal(ok.status, 201)
  t.match(ok.body.secret, /^whsec_/)
  const raw = await stack.es.get<{ secret: string }>({ index: webhooksIndex(stack.config.indexPrefix), id: ok.body.id as string })
  t.match(raw._source?.secret, /^sealed:v1:[0-9a-f]{12}:[A-Za-z0-9_-]+$/, 'the secret is sealed where it is stored')
  t.notOk(raw._source?.secret.includes(ok.body.secret as string))
  const listed = (await call(stack, 'GET', '/v1/webhooks', admin)).body.webhooks as Json[]
  t.ok(listed.every(w => w.secret === undefined), 'the secret is shown once, at creation')
  t.equal((await call(stack, 'GET', `/v1/webhooks/${ok.body.id as string}`, KEYS.bRead)).status, 403)
})

t.test('an alert is delivered signed, retried after two failures, and accepted once', async t => {
  const receiver = new WebhookReceiver([500, 503])
  await receiver.start()
  t.teardown(async () => { await receiver.stop() })
  const hook = (await call(stack, 'POST', '/v1/webhooks', admin, { name: 'test receiver', url: receiver.url, minSeverity: 'medium' })).body
  // A rule below the webhook's minimum severity: its alerts are not sent.
  const quiet = (await call(stack, 'POST', '/v1/watch-rules', admin, { name: 'Low', severity: 'low', interval: '1d', condition: { kind: 'threshold', filters: { action: ['deposit'] }, window: '1h', bound: { value: 0 } } })).body
  const rule = (await call(stack, 'POST', '/v1/watch-rules', admin, { name: 'Two withdrawals', severity: 'high', interval: '1d', condition: { kind: 'threshold', filters: { action: ['withdrawal'] }, window: '1h', groupBy: 'user.id', bound: { op: 'gte', value: 2 } } })).body
  await until('first runs', async () => {
    const runs = await Promise.all([quiet.id, rule.id].map(async id => (await call(stack, 'GET', `/v1/watch-rules/${id as string}/runs`, KEYS.aRead)).body.runs.length))
    return runs.every(n => n > 0) ? true : undefined
  })
  await plant(stack, KEYS.aIngest, [
    { id: 'wh-1', user: 'wh-u', at: now - 20 * M, action: 'withdrawal', amount: 50 },
    { id: 'wh-2', user: 'wh-u', at: now - 10 * M, action: 'withdrawal', amount: 50 },
    { id: 'wh-3', user: 'wh-d', at: now - 10 * M, action: 'deposit', amount: 50 }
  ], 3)
  t.match(await runRule(stack, rule.id, 'brand-a'), { raised: 1 })
  t.match(await runRule(stack, quiet.id, 'brand-a'), { raised: 1 })
  const alert = (await call(stack, 'GET', `/v1/alerts?ruleId=${rule.id as string}`, KEYS.aRead)).body.alerts[0] as Json
  await until('the delivery', async () => receiver.accepted.size > 0 ? true : undefined)
  // Wait a little for any duplicate to show up.
  await new Promise(resolve => setTimeout(resolve, 1500))
  t.same(receiver.requests.map(r => r.answered), [500, 503, 200], 'two failures, then the retry that succeeded, and nothing after')
  const ids = new Set(receiver.requests.map(r => r.headers['sillage-delivery-id']))
  t.equal(ids.size, 1, 'the same idempotency id on every attempt')
  for (const r of receiver.requests) t.ok(verified(hook.secret, r.headers, r.body), 'signed with the webhook\'s secret')
  t.notOk(verified('whsec_wrong', receiver.requests[0]!.headers, receiver.requests[0]!.body))
  const payload = JSON.parse(receiver.requests[2]!.body) as Json
  t.match(payload, { id: [...ids][0], type: 'alert.raised', alert: { id: alert.id, rule_id: rule.id, group: 'wh-u', severity: 'high', evidence: ['wh-1', 'wh-2'] } })
  t.equal(receiver.requests[0]!.headers['sillage-event'], 'alert.raised')
  t.equal(receiver.accepted.size, 1, 'one alert, one delivery')

  const log = await until('the delivery log', async () => {
    const d = (await call(stack, 'GET', `/v1/webhooks/${hook.id as string}/deliveries`, admin)).body.deliveries as Json[]
    return d[0]?.status === 'succeeded' ? d : undefined
  })
  t.equal(log.length, 1)
  t.match(log[0], { alert_id: alert.id, webhook_id: hook.id, tenant: 'brand-a', event: 'alert.raised' })
  t.same(log[0]?.attempts.map((a: Json) => a.httpStatus), [500, 503, 200])
  t.match(log[0]?.attempts[0], { attempt: 1, error: /500/ })

  // A retry after success (a worker that died between the answer and the job's end) sends nothing.
  const io = { webhooks: webhooksStore<StoredWebhook>(stack.es, stack.config.indexPrefix), secrets: new StoredSecrets(stack.config.secretsKey), alerts: new AlertsStore<StoredAlert>(stack.es, stack.config.indexPrefix), deliveries: new DeliveriesStore<Delivery>(stack.es, stack.config.indexPrefix), receivers: LOOPBACK_ALLOWED }
  const post = async (): Promise<number> => { throw new Error('must not send') }
  t.equal(await deliverOnce({ deliveryId: [...ids][0] as string, webhookId: hook.id, alertId: alert.id, tenant: 'brand-a' }, 4, false, { ...io, post }), 'succeeded')
  // A worker with another SILLAGE_SECRETS_KEY: the attempt fails, saying why, and nothing is sent.
  const elsewhere = { ...io, post, secrets: new StoredSecrets('another-stored-secrets-key-0123456789') }
  await t.rejects(deliverOnce({ deliveryId: 'other-key', webhookId: hook.id, alertId: alert.id, tenant: 'brand-a' }, 1, true, elsewhere), /sealed with key [0-9a-f]{12}, and SILLAGE_SECRETS_KEY is key [0-9a-f]{12}/)
  t.match((await io.deliveries.get('other-key'))?.attempts[0], { attempt: 1, httpStatus: null, error: /sealed with key/ })
  // A webhook made while loopback receivers were allowed, attempted once they no longer are: refused, saying why.
  await t.rejects(deliverOnce({ deliveryId: 'no-loopback', webhookId: hook.id, alertId: alert.id, tenant: 'brand-a' }, 1, true, { ...io, post, receivers: NOTHING_INTERNAL }), /must not be a loopback address/)
  // A second finding (two more withdrawals) joins the open alert: no second delivery.
  await plant(stack, KEYS.aIngest, [4, 5].map(k => ({ id: `wh-${k}`, user: 'wh-u', at: now - k * M, action: 'withdrawal', amount: 50 })), 5)
  t.match(await runRule(stack, rule.id, 'brand-a'), { raised: 0, merged: 1 })
  await new Promise(resolve => setTimeout(resolve, 1000))
  t.equal(receiver.requests.length, 3)
})

t.test('deleting a webhook drops what is still queued for it', async t => {
  const receiver = new WebhookReceiver([500, 500, 500, 500, 500, 500, 500, 500])
  await receiver.start()
  t.teardown(async () => { await receiver.stop() })
  const hook = (await call(stack, 'POST', '/v1/webhooks', admin, { name: 'flaky', url: receiver.url })).body
  const rule = (await call(stack, 'POST', '/v1/watch-rules', admin, { name: 'Any bet', interval: '1d', condition: { kind: 'threshold', filters: { action: ['bet_placed'] }, window: '1h', bound: { value: 0 } } })).body
  await until('first run', async () => (await call(stack, 'GET', `/v1/watch-rules/${rule.id as string}/runs`, KEYS.aRead)).body.runs.length > 0 ? true : undefined)
  await plant(stack, KEYS.aIngest, [{ id: 'wh-bet', user: 'wh-b', at: now - M, action: 'bet_placed', amount: 5 }], 6)
  t.match(await runRule(stack, rule.id, 'brand-a'), { raised: 1 })
  await until('two attempts', async () => receiver.requests.length >= 2 ? true : undefined)
  t.equal((await call(stack, 'DELETE', `/v1/webhooks/${hook.id as string}`, admin)).status, 204)
  const seen = receiver.requests.length
  await new Promise(resolve => setTimeout(resolve, 2500))
  t.ok(receiver.requests.length <= seen + 1, 'at most the attempt already going')
})

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const NEXT_KEY = 'next-stored-secrets-key-0123456789abcdef'

/** `npm run cli -- secrets <sub>` on this stack's indices with the keys given: its exit code and what it printed. */
async function secretsCli (sub: string, keys: Record<string, string>): Promise<{ code: number | null, out: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/sillage.ts', 'secrets', sub], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ELASTICSEARCH_URL: stack.config.elasticsearchUrl, REDIS_URL: stack.config.redisUrl, SILLAGE_API_KEYS: `${KEYS.admin}:admin`, SILLAGE_INDEX_PREFIX: stack.config.indexPrefix, SILLAGE_QUEUE_PREFIX: stack.config.queuePrefix, SILLAGE_LOG_LEVEL: 'warn', ...keys },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  cli.stdout.on('data', (d: Buffer) => { out += d.toString() })
  const code = await new Promise<number | null>(resolve => cli.once('exit', resolve))
  return { code, out: JSON.parse(out) }
}

// Last in this file: it reseals every webhook of the stack, then puts them back under the stack's key.
t.test('a change of secrets key: the previous key still opens, `secrets reseal` moves everything to the new one', async t => {
  const current = stack.config.secretsKey as string
  const hook = (await call(stack, 'POST', '/v1/webhooks', admin, { name: 'rotated', url: 'https://hooks.example.com/rotated', enabled: false })).body
  const stream = (await call(stack, 'POST', '/v1/streams', admin, { name: 'rotated', enabled: false, destination: { type: 'http', url: 'https://siem.example.com/ingest', token: 'receiver-token-rotated' } })).body
  t.ok(typeof hook.id === 'string' && typeof stream.id === 'string', 'a webhook and a stream with a token')
  const stored = async (): Promise<{ secret: string, token: string }> => ({
    secret: (await stack.es.get<{ secret: string }>({ index: webhooksIndex(stack.config.indexPrefix), id: hook.id as string }))._source?.secret as string,
    token: (await stack.es.get<{ destination: { token: string } }>({ index: streamsIndex(stack.config.indexPrefix), id: stream.id as string }))._source?.destination.token as string
  })
  const before = await stored()
  const [oldKey, newKey] = [new StoredSecrets(current), new StoredSecrets(NEXT_KEY)]
  const rotating = { SILLAGE_SECRETS_KEY: NEXT_KEY, SILLAGE_SECRETS_KEY_PREVIOUS: current }

  const status = await secretsCli('status', rotating)
  t.equal(status.code, 0)
  t.match(status.out, { key: newKey.keyId, previous: oldKey.keyId, webhooks: { current: 0, 'unknown key': 0 }, streams: { current: 0, 'unknown key': 0 } })
  t.ok(status.out.webhooks.previous >= 1 && status.out.streams.previous === 1, 'every secret is still under the previous key')

  const resealed = await secretsCli('reseal', rotating)
  t.equal(resealed.code, 0)
  t.match(resealed.out, { webhooks: { resealed: status.out.webhooks.previous, failed: [] }, streams: { resealed: 1, failed: [] } })
  const after = await stored()
  t.equal(newKey.state(after.secret), 'current')
  t.equal(newKey.open(after.secret, `webhook/${hook.id as string}`), oldKey.open(before.secret, `webhook/${hook.id as string}`), 'the same webhook secret, sealed with the new key alone')
  t.equal(newKey.open(after.token, `stream/${stream.id as string}`), 'receiver-token-rotated', 'the same stream token')
  t.match((await secretsCli('reseal', rotating)).out, { webhooks: { resealed: 0 }, streams: { resealed: 0 } }, 'a second run has nothing to do')

  const stranger = await secretsCli('reseal', { SILLAGE_SECRETS_KEY: `${NEXT_KEY}-other` })
  t.equal(stranger.code, 1, 'a key that opens nothing: the command fails')
  t.match(stranger.out.streams.failed, [{ record: `stream/${stream.id as string}`, reason: /sealed with key [0-9a-f]{12}, and SILLAGE_SECRETS_KEY is key/ }])
  t.same(await stored(), after, 'and nothing was written')

  const back = await secretsCli('reseal', { SILLAGE_SECRETS_KEY: current, SILLAGE_SECRETS_KEY_PREVIOUS: NEXT_KEY })
  t.equal(back.code, 0, 'back under the stack\'s key')
  t.equal(oldKey.open((await stored()).token, `stream/${stream.id as string}`), 'receiver-token-rotated')
})
