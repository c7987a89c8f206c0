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
