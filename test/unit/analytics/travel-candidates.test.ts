import t from 'tap'
import type { EntitiesStore } from '../../../src/store/events/entities-store.ts'
import type { ReadScope } from '../../../src/auth/read-scope.ts'
import { couldTravel, travelCandidates } from '../../../src/analytics/entities/travel-entities.ts'

const H = 3_600_000
const LONDON = { lat: 51.5074, lon: -0.1278 }
const MELBOURNE = { lat: -37.8136, lon: 144.9631 }
const PARIS = { lat: 48.8566, lon: 2.3522 }

t.test('a pair of places could make a signal when far apart and used close in time', async t => {
  t.ok(couldTravel([{ ...LONDON, f: 0, l: 0 }, { ...MELBOURNE, f: H, l: H }], 1000, 100), 'London, then Melbourne an hour later')
  t.notOk(couldTravel([{ ...LONDON, f: 0, l: 0 }, { ...MELBOURNE, f: 30 * H, l: 30 * H }], 1000, 100), 'a day and more later: slower than 1,000 km/h')
  t.notOk(couldTravel([{ ...LONDON, f: 0, l: 0 }, { ...PARIS, f: H, l: H }], 1000, 500), 'closer than the least distance')
  t.ok(couldTravel([{ ...LONDON, f: 0, l: 10 * H }, { ...MELBOURNE, f: 5 * H, l: 6 * H }], 1000, 100), 'periods of use that overlap')
})

/** The store as travelCandidates sees it: users with places, and whether their documents were read. */
function storeOf (users: Array<{ key: string, places: string[] }>, count = users.length): { store: EntitiesStore, read: () => boolean } {
  let read = false
  const store = {
    count: async () => count,
    walk: async (_q: unknown, _s: unknown, onPage: (docs: Array<Record<string, unknown>>) => void) => { read = true; onPage(users); return users.length }
  }
  return { store: store as unknown as EntitiesStore, read: () => read }
}
const place = (p: { lat: number, lon: number }, at: number): string => `${p.lat},${p.lon}|${at}|${at}`
const scope: ReadScope = { keyId: 'k', tenant: 'brand-a', masked: false }

t.test('candidates are read from the store only when that costs less than scanning the sign-ins', async t => {
  const users = [
    { key: 'far', places: [place(LONDON, 0), place(MELBOURNE, H)] },
    { key: 'near', places: [place(LONDON, 0), place(PARIS, 48 * H)] }
  ]
  const cheap = storeOf(users)
  t.same(await travelCandidates(cheap.store, scope, 1000, 100, async () => 1000), { users: ['far'], read: 2 }, 'few users to read against many sign-ins: narrowed')
  t.ok(cheap.read())
  const small = storeOf(users)
  t.same(await travelCandidates(small.store, scope, 1000, 100, async () => 10), { users: ['far'], read: 2 }, 'few users to read, whatever the sign-ins: narrowed')
  const dear = storeOf(users, 20_000)
  t.equal(await travelCandidates(dear.store, scope, 1000, 100, async () => 100_000), undefined, '20,000 users to read against 100,000 sign-ins: the scan alone')
  t.notOk(dear.read(), 'and nothing was read')
  const worth = storeOf(users, 20_000)
  t.ok(await travelCandidates(worth.store, scope, 1000, 100, async () => 200_000), '20,000 users against 200,000 sign-ins: narrowed')
  const platform = storeOf(users)
  t.equal(await travelCandidates(platform.store, { ...scope, tenant: null }, 1000, 100, async () => 1000), undefined, 'platform keys: the scan')
})
