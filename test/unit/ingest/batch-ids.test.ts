import t from 'tap'
import { IngestService } from '../../../src/ingest/ingest-service.ts'
import { enrichContext } from '../../../src/compose/enrich-context.ts'
import { loadConfig } from '../../../src/config/config.ts'
import type { EventsQueue } from '../../../src/queue/events-queue.ts'
import { ValidationError } from '../../../src/errors.ts'

const config = loadConfig({ SILLAGE_API_KEYS: 'unit-test-key-00000001:ingest' })
const service = new IngestService({} as EventsQueue, enrichContext(config), { indexPrefix: 'u', maxBatch: 10, queueMaxJobs: 100 })
const event = (id: string, tenant: string): object => ({ event: { id, action: 'login' }, user: { id: 'u-1' }, audit: { tenant } })

t.test('an id repeated in one request is refused within a tenant, not across tenants (ids are per tenant)', async t => {
  const two = service.prepare({ events: [event('e-1', 'brand-a'), event('e-1', 'brand-b')] })
  t.same(two.map(e => [e.audit.tenant, e.event.id]), [['brand-a', 'e-1'], ['brand-b', 'e-1']])
  t.throws(() => service.prepare({ events: [event('e-1', 'brand-a'), event('e-2', 'brand-a'), event('e-1', 'brand-a')] }), { constructor: ValidationError, errors: [{ index: 2, path: '/event/id', message: 'repeats the id of event 0 in the same request' }] })
})

t.test('an impossible time is refused, not rolled over to another one', async t => {
  const at = (time: string): object => ({ ...event('e-t', 'brand-a'), '@timestamp': time })
  for (const time of ['2026-02-30T10:00:00Z', '2026-11-26T24:00:00Z', '2026-11-26T10:60:00Z', '2026-12-31T23:59:60Z', '2026-13-01T00:00:00Z', '2026-11-26T10:00:00+24:00']) {
    t.throws(() => service.prepare({ events: [at(time)] }), { constructor: ValidationError, errors: [{ index: 0, path: '/@timestamp' }] }, time)
  }
  for (const time of ['2026-11-30T10:00:00Z', '2026-11-26T23:59:59.999+05:30']) {
    t.equal(service.prepare({ events: [at(time)] }).length, 1, time)
  }
})
