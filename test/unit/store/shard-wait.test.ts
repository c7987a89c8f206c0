import t from 'tap'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createEs } from '../../../src/store/elasticsearch.ts'
import { isShardStarting, SHARD_WAITS_MS } from '../../../src/store/shard-wait.ts'
import { errors } from '@elastic/elasticsearch'

// What a live node answers to a search while a node that held some of its shards has just been killed, before
// the cluster has promoted their replicas.
const NODE_GONE = {
  error: {
    root_cause: [{ type: 'node_not_connected_exception', reason: '[node-3][127.0.0.1:9303] Node not connected' }],
    type: 'search_phase_execution_exception',
    reason: 'all shards failed'
  },
  status: 502
}
const HITS = { took: 1, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, hits: { total: { value: 0, relation: 'eq' }, hits: [] } }

/** A node on loopback that answers `refusals` searches with `refusal`, then with hits. */
async function node (refusals: number, refusal: { status: number, body: unknown }): Promise<{ server: Server, url: string, searches: () => number }> {
  let searches = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const refused = searches++ < refusals
      res.writeHead(refused ? refusal.status : 200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
      res.end(JSON.stringify(refused ? refusal.body : HITS))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, searches: () => searches }
}

const weights = (es: ReturnType<typeof createEs>): Array<{ port: string, status: string }> =>
  es.connectionPool.connections.map(c => ({ port: c.url.port, status: c.status }))

t.test('a search refused for a node that has just gone waits on the node that answered, which stays alive', async t => {
  const a = await node(2, { status: 502, body: NODE_GONE })
  const b = await node(2, { status: 502, body: NODE_GONE })
  const es = createEs(`${a.url},${b.url}`)
  t.teardown(async () => { await es.close() })
  const r = await es.search({ index: 'events' })
  t.equal(r.hits.hits.length, 0, 'answered once the cluster had moved on')
  t.equal(a.searches() + b.searches(), 5, 'asked again after each wait, never more')
  t.same(weights(es).filter(c => c.status !== 'alive'), [], 'no live node marked dead for the cluster\'s answer')
})

t.test('a 502 that is not the cluster\'s answer (a proxy in front of a node) is not waited for: the next node is asked', async t => {
  const proxy = await node(1, { status: 502, body: '<html>Bad Gateway</html>' })
  const other = await node(0, { status: 502, body: NODE_GONE })
  const es = createEs(`${proxy.url},${other.url}`)
  t.teardown(async () => { await es.close() })
  const started = performance.now()
  t.equal((await es.search({ index: 'events' })).hits.hits.length, 0)
  t.same([proxy.searches(), other.searches()], [1, 1], 'the refused search went to the other node')
  t.ok(performance.now() - started < (SHARD_WAITS_MS[0] ?? 0), 'at once')
})

t.test('which refusals are waited for', async t => {
  const refusal = (statusCode: number, body: unknown): errors.ResponseError =>
    new errors.ResponseError({ statusCode, body, headers: {}, warnings: null, meta: {} as never })
  t.ok(isShardStarting(refusal(502, NODE_GONE)), 'a node that has just gone')
  t.ok(isShardStarting(refusal(503, { error: { type: 'no_shard_available_action_exception' } })), 'a shard starting')
  t.notOk(isShardStarting(refusal(502, '<html>Bad Gateway</html>')), 'a proxy\'s own 502')
  t.notOk(isShardStarting(refusal(500, { error: NODE_GONE.error, status: 500 })), 'any other status')
  t.notOk(isShardStarting(new Error('no_shard_available_action_exception')), 'an error that is not an answer of the engine')
})
