import t from 'tap'
import fc from 'fast-check'
import { entryCount, packEntries, unpackEntries, type SealJobData } from '../../../src/queue/seal-payload.ts'

const entry = fc.record({
  tenant: fc.constantFrom('brand-a', 'brand-b', 'brand-ü'),
  id: fc.string({ minLength: 1, maxLength: 40 }),
  index: fc.constantFrom('s-events-security-2026.10', 's-events-security-2026.11', 's-events-standard-2026.11'),
  leaf: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(b => Buffer.from(b).toString('hex'))
})

t.test('packed entries come back as they went, through JSON as Redis keeps them', async () => {
  fc.assert(fc.property(fc.array(entry, { maxLength: 60 }), fc.boolean(), (entries, recheck) => {
    const data = JSON.parse(JSON.stringify(packEntries(entries, recheck))) as SealJobData
    return entryCount(data) === entries.length &&
      JSON.stringify(unpackEntries(data)) === JSON.stringify(entries.map(e => ({ ...e, ...(recheck ? { recheck: true } : {}) })))
  }))
})

t.test('tenants and partitions are written once per job', async t => {
  const leaf = 'ab'.repeat(32)
  const entries = Array.from({ length: 1000 }, (_, i) => ({ tenant: 'brand-a', id: `e-${i}`, index: 's-events-security-2026.11', leaf }))
  const json = JSON.stringify(packEntries(entries, false))
  t.equal(json.split('s-events-security-2026.11').length - 1, 1)
  t.ok(json.length < JSON.stringify(entries).length * 0.6, 'well under the bytes of the entries as objects')
})

t.test('jobs queued before the packing (entries as objects) are still read', async t => {
  const entries = [{ tenant: 'brand-a', id: 'e-1', index: 'p', leaf: 'cd'.repeat(32), recheck: true as const }]
  t.same(unpackEntries({ entries }), entries)
  t.equal(entryCount({ entries }), 1)
  t.equal(entryCount({}), 0)
})

t.test('a damaged job is refused, not sealed in part', async t => {
  const good = packEntries([{ tenant: 'brand-a', id: 'e-1', index: 'p', leaf: '00'.repeat(32) }], false).packed
  if (good === undefined) throw new Error('nothing packed')
  t.throws(() => unpackEntries({ packed: { ...good, leaves: '00'.repeat(31) } }), /1 ids but 0.96875 hashes/)
  t.throws(() => unpackEntries({ packed: { ...good, tenantOf: [3] } }), /entry 0 names no tenant/)
  t.throws(() => unpackEntries({ packed: { ...good, partitionOf: [] } }), /0 partitions/)
})
