import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { partitionIndex } from '../../src/store/events/index-names.ts'
import { isRead, isShardStarting } from '../../src/store/shard-wait.ts'

// What the fuzzer found: events of a new month (or class) make the worker create a partition, which joins the
// read alias before its shard has started; every read meanwhile was a 500 ("missing shards").
t.test('reads made while a partition is being created wait for it instead of failing', async t => {
  const stack = await startStack(t, { worker: false })
  const app = stack.api.app
  const statuses = new Map<number, number>()
  for (let round = 0; round < 2; round++) {
    const index = partitionIndex(stack.config.indexPrefix, 'security', `${2031 + round}-01-15T00:00:00Z`)
    const creating = stack.es.indices.create({ index })
    let created = false
    void creating.then(() => { created = true })
    // Reads of several kinds, until the partition is there and a little after.
    for (let i = 0; !created || i < 3; i++) {
      const answers = await Promise.all([
        app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(KEYS.read), payload: { size: 1 } }),
        app.inject({ method: 'POST', url: '/v1/events/aggregate', headers: auth(KEYS.read), payload: { groupBy: [{ field: 'category' }] } }),
        app.inject({ method: 'GET', url: '/v1/events/none-such', headers: auth(KEYS.read) })
      ])
      for (const a of answers) statuses.set(a.statusCode, (statuses.get(a.statusCode) ?? 0) + 1)
    }
    await creating
  }
  t.same([...statuses.keys()].sort(), [200, 404], `no read failed: ${JSON.stringify([...statuses])}`)
})

t.test('only reads refused for a shard not yet started are asked again', async t => {
  t.ok(isRead({ method: 'POST', path: '/t1-events/_search' }))
  t.ok(isRead({ method: 'POST', path: '/t1-events/_pit?keep_alive=1m' }))
  t.ok(isRead({ method: 'GET', path: '/t1-events/_count' }))
  t.notOk(isRead({ method: 'POST', path: '/_bulk' }))
  t.notOk(isRead({ method: 'DELETE', path: '/_pit' }))
  t.notOk(isRead({ method: 'PUT', path: '/t1-events-security-2031.01' }))
  t.notOk(isShardStarting(new Error('no_shard_available_action_exception')), 'an error that is not an answer of the engine')
})
