import t from 'tap'
import { SignalsService } from '../../../src/analytics/signals/signals-service.ts'
import type { EventsScanner, Sample, ScannedEvent } from '../../../src/store/events/events-scan.ts'
import { PLATFORM_SCOPE } from '../../../src/auth/read-scope.ts'

const T0 = Date.parse('2026-12-01T10:00:00Z')

/** Five failed sign-ins of u-1 in brand-a, ids e-0…e-4; brand-b also holds an e-2 (event ids are unique per tenant only). */
function scannerWith (samples: Sample[]): EventsScanner {
  const events: ScannedEvent[] = Array.from({ length: 5 }, (_, i) => ({ id: `e-${i}`, keys: ['u-1'], time: T0 + i * 1000, fields: {} }))
  return {
    scan: async (_opts: unknown, onPage: (e: ScannedEvent[]) => void) => { onPage(events); return { scanned: 5, limit: 100_000, truncated: false } },
    samples: async () => [samples]
  } as unknown as EventsScanner
}

const sample = (tenant: string, i: number, action = 'login_failed'): Sample => ({ id: `e-${i}`, time: T0 + i * 1000, fields: { 'audit.tenant': tenant, 'event.action': action, 'user.id': 'u-1' } })

t.test('evidence is completed from the event of its own tenant, and never from one of two events sharing an id', async t => {
  const samples = [...[0, 1, 2, 3, 4].map(i => sample('brand-a', i)), sample('brand-b', 2, 'login')]
  const found = await new SignalsService(scannerWith(samples)).failedLogins({ threshold: 5, window: '10m' }, PLATFORM_SCOPE)
  const evidence = found.signals[0]?.evidence ?? []
  t.same(evidence.map(e => `${e.tenant ?? '?'}/${e.id}:${e.action}`), ['brand-a/e-0:login_failed', 'brand-a/e-1:login_failed', '?/e-2:', 'brand-a/e-3:login_failed', 'brand-a/e-4:login_failed'],
    'e-2 is in two tenants: left as the scan saw it rather than completed from the wrong one')
})

