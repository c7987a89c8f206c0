import t from 'tap'
import { AlertService } from '../../../src/alerts/alert-service.ts'
import type { AlertsStore } from '../../../src/store/system/alerts-store.ts'
import type { AlertKeysStore } from '../../../src/store/system/alert-keys-store.ts'
import type { StoredAlert } from '../../../src/alerts/alert-schema.ts'

/** Stores in memory; the alerts' `create` fails as many times as told. */
function stores (failCreates: number): { alerts: AlertsStore<StoredAlert>, keys: AlertKeysStore, docs: Map<string, StoredAlert>, states: Map<string, { state: any, seq: number }> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const docs = new Map<string, StoredAlert>()
  const states = new Map<string, { state: any, seq: number }>() // eslint-disable-line @typescript-eslint/no-explicit-any
  let failures = failCreates
  const alerts = {
    create: async (id: string, doc: StoredAlert) => { if (failures-- > 0) throw new Error('429 too many requests'); docs.set(id, doc); return { ...doc, id } },
    get: async (id: string) => docs.has(id) ? { ...docs.get(id), id, seq: 0, term: 1 } : undefined,
    delete: async (id: string) => { docs.delete(id) },
    refresh: async () => {}
  } as unknown as AlertsStore<StoredAlert>
  const keys = {
    get: async (tenant: string | null, key: string) => states.get(`${tenant ?? ''}|${key}`),
    put: async (tenant: string | null, key: string, state: unknown, read: { seq: number } | undefined) => {
      const k = `${tenant ?? ''}|${key}`
      if ((states.get(k)?.seq ?? -1) !== (read?.seq ?? -1)) return false
      states.set(k, { state, seq: (read?.seq ?? -1) + 1 })
      return true
    }
  } as unknown as AlertKeysStore
  return { alerts, keys, docs, states }
}

const finding = { tenant: 'brand-a', ruleId: 'r-1', title: 'velocity', group: 'u-1', figure: { n: 6 }, evidence: ['e-1'], severity: 'high' as const, firstEventAt: 1000, lastEventAt: 2000 }

t.test('an alert that cannot be stored leaves its key as it was: the retried run raises it', async t => {
  const s = stores(1)
  const service = new AlertService(s.alerts, s.keys)
  await t.rejects(service.raise(finding), /429/)
  t.equal(s.states.size, 0, 'the key did not move on: nothing says the finding is covered')
  const again = await service.raise(finding)
  t.equal(again.outcome, 'raised')
  t.equal(s.docs.size, 1)
  t.equal(s.states.get('brand-a|r-1|u-1')?.state.open_alert_id, again.outcome === 'raised' ? again.alert.id : undefined, 'the key points to the stored alert')
})
