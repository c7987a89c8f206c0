import t from 'tap'
import { startFaultEs } from '../helpers/fault-engines.ts'
import * as diskFull from './elasticsearch/disk-full.ts'
import * as snapshotRestore from './elasticsearch/snapshot-restore.ts'
import * as outage from './elasticsearch/outage.ts'

// Elasticsearch's faults run in turn on one node of their own: starting a node costs more CPU than any of
// them, and none of them may touch the shared node other tests use. Each has its own Redis, stack and prefix;
// the outage, which stops the node, goes last.
t.setTimeout(15 * 60_000)
t.test('Elasticsearch faults, on a node of their own', async t => {
  const es = await startFaultEs(t, 'elasticsearch')
  await t.test(diskFull.title, async t => { await diskFull.diskFull(t, es) })
  await t.test(snapshotRestore.title, async t => { await snapshotRestore.snapshotRestore(t, es) })
  await t.test(outage.title, async t => { await outage.outage(t, es) })
})
