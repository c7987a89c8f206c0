import t from 'tap'
import { normalizeEvent, type NormalizeContext } from '../../../src/events/normalize.ts'
import { enrichEvent } from '../../../src/enrich/enrich-event.ts'
import { GeoEnricher } from '../../../src/enrich/geo.ts'
import { DeviceEnricher } from '../../../src/enrich/device.ts'
import { DEFAULT_IMPORTANCE_RULES } from '../../../src/events/importance-rules.ts'
import { canonicalize } from '../../../src/integrity/canonical.ts'
import type { EventInput } from '../../../src/events/schema.ts'

const NOW = Date.parse('2026-11-26T12:00:00Z')
const ctx: NormalizeContext = {
  now: NOW,
  defaultTenant: 'default',
  maxFutureSkewMs: 300_000,
  retentionDays: { financial: 1825, security: 730, activity: 365, interaction: 180 },
  rules: DEFAULT_IMPORTANCE_RULES
}
const enrichers = { geo: new GeoEnricher(100), device: new DeviceEnricher(100) }
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1'

/** Paths of the objects whose keys are not in sorted (UTF-16) order. */
function unsorted (value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return []
  if (Array.isArray(value)) return value.flatMap((v, i) => unsorted(v, `${path}/${i}`))
  const keys = Object.keys(value)
  const here = keys.some((k, i) => i > 0 && (keys[i - 1] as string) > k) ? [`${path || '/'}: ${keys.join(', ')}`] : []
  return [...here, ...keys.flatMap(k => unsorted((value as Record<string, unknown>)[k], `${path}/${k}`))]
}

// Only audit.details, the client's free-form object, keeps the client's order; it is sent sorted here.
const inputs: Record<string, EventInput> = {
  'every optional part, located address, known device': {
    '@timestamp': '2026-11-26T11:00:00Z',
    audit: {
      actor: { id: 'op-7', type: 'operator' },
      change: { after: 'b', before: 'a', field: 'limit' },
      details: { channel: 'app' },
      device: { id: 'd-1' },
      game: { id: 'g-1' },
      money: { amount: 2500, currency: 'EUR' },
      reference: 'r-1',
      session: { id: 's-1' },
      tags: ['vip'],
      tenant: 'brand-a'
    },
    event: { action: 'withdrawal', id: 'e-1', outcome: 'success', reason: 'manual' },
    message: 'withdrawal by an operator',
    source: { ip: '81.2.69.142', port: 443 },
    user: { email: 'alice@example.com', id: 'u-1', name: 'Alice' },
    user_agent: { original: IPHONE }
  } as EventInput,
  "the client's flat objects in any order": {
    audit: { actor: { type: 'operator', id: 'op-1' }, change: { field: 'email', before: 'a@example.com', after: 'b@example.com' }, game: { round_id: 'r', id: 'g' }, money: { currency: 'EUR', amount: 5 } },
    event: { outcome: 'success', id: 'e-2', action: 'email_changed' },
    source: { port: 80, ip: '81.2.69.142' },
    user: { name: 'Bob', id: 'u-9', email: 'bob@example.com' }
  } as EventInput,
  'the least: no address, no user agent, no audit': { event: { action: 'login' }, user: { id: 'u-2' } },
  'a private address and an unknown agent': { event: { action: 'login', outcome: 'failure' }, source: { ip: '10.1.2.3' }, user: { id: 'u-3' }, user_agent: { original: 'curl/8.0' } }
}

for (const [name, input] of Object.entries(inputs)) {
  t.test(`the stored event's keys are in canonical order at every level: ${name}`, async t => {
    const r = normalizeEvent(input, 0, ctx, enrichEvent(input, enrichers))
    if ('errors' in r) throw new Error(JSON.stringify(r.errors))
    t.same(unsorted(r.event), [], 'build new fields in sorted key order: canonicalisation then writes the event without copying it')
    t.equal(canonicalize(r.event), JSON.stringify(r.event), 'the canonical form is the event as built')
  })
}
