import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { makeBatch } from '../helpers/events.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'

const PORTS = [17311, 17312, 17313]

/** Three Redis primaries in cluster mode on loopback (Debian's redis-server), for this test only. */
async function startCluster (t: Test): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sillage-cluster-'))
  const nodes: ChildProcess[] = PORTS.map(port => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' }))
  t.teardown(async () => {
    for (const n of nodes) n.kill('SIGTERM')
    await sleep(300)
    rmSync(dir, { recursive: true, force: true })
  })
  for (const port of PORTS) {
    for (let i = 0; i < 50; i++) {
      try { execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' }); break } catch { await sleep(100) }
    }
  }
  execFileSync('redis-cli', ['--cluster', 'create', ...PORTS.map(p => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    if (/cluster_state:ok/.test(execFileSync('redis-cli', ['-p', String(PORTS[0]), 'cluster', 'info'], { encoding: 'utf8' }))) return
    await sleep(100)
  }
  throw new Error('the test cluster did not come up')
}

t.test('on a Redis Cluster (redis+cluster://), events go through the queue, with the prefix hash-tagged', async t => {
  await startCluster(t)
  const url = `redis+cluster://${PORTS.map(p => `127.0.0.1:${p}`).join(',')}`
  const stack = await startStack(t, { env: { REDIS_URL: url, SILLAGE_INTEGRITY: 'on' } })
  t.match(stack.config.queuePrefix, /^\{t[0-9a-f]{8}\}$/, 'the queue prefix is a hash tag')
  for (const from of [0, 100]) {
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: makeBatch('cl', from, 100) })
    t.equal(res.statusCode, 202, res.body)
  }
  t.equal(await stack.waitForCount(200), 200, 'indexed through the cluster')
  const ready = (await stack.api.app.inject({ url: '/health/ready' })).json()
  t.same(ready, { status: 'ok', components: { elasticsearch: 'up', redis: 'up', worker: 'up' } })
  const metrics = await stack.api.app.inject({ url: '/metrics', headers: auth(KEYS.admin) })
  t.match(metrics.body, 'sillage_pipeline_stats_up 1')
  // Stored is not yet sealed: the entries wait for their seal turn (up to a second) before the log takes them.
  const leaves = new IntegrityStore(stack.es, stack.config.indexPrefix)
  for (let i = 0; i < 300 && await leaves.refresh().then(async () => await leaves.leafCount()) < 200; i++) await sleep(100)
  t.equal(await leaves.leafCount(), 200, 'every event sealed once')
  // The scheduled checkpoint may have signed the 200 leaves first; then this one has nothing new to sign.
  await stack.indexer?.sealing?.checkpointNow()
  t.same([...(await leaves.checkpointedByTenant()).values()], [200], 'sealed and checkpointed through the cluster')

  // Every key of the service (queues, marks, rate limits, heartbeats, leases) on the one node of its slot.
  const perNode = PORTS.map(port => execFileSync('redis-cli', ['-p', String(port), '--scan', '--pattern', `${stack.config.queuePrefix}*`], { encoding: 'utf8' }).split('\n').filter(Boolean).length)
  t.equal(perNode.filter(n => n > 0).length, 1, `keys per node: ${perNode.join(', ')}`)
})

t.test('behind Sentinel (redis+sentinel://), the service finds the primary through the sentinel', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'sillage-sentinel-'))
  const [primaryPort, sentinelPort] = [17321, 17322]
  writeFileSync(join(dir, 'sentinel.conf'), `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor main 127.0.0.1 ${primaryPort} 1\n`)
  const primary = spawn('redis-server', ['--port', String(primaryPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' })
  const sentinel = spawn('redis-server', [join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' })
  t.teardown(async () => {
    primary.kill('SIGTERM')
    sentinel.kill('SIGTERM')
    await sleep(300)
    rmSync(dir, { recursive: true, force: true })
  })
  for (let i = 0; i < 100; i++) {
    try {
      if (/127\.0\.0\.1/.test(execFileSync('redis-cli', ['-p', String(sentinelPort), 'sentinel', 'get-master-addr-by-name', 'main'], { encoding: 'utf8' }))) break
    } catch { /* not up yet */ }
    await sleep(100)
  }
  const stack = await startStack(t, { env: { REDIS_URL: `redis+sentinel://127.0.0.1:${sentinelPort}/main` } })
  t.equal(stack.config.redis.kind, 'sentinel')
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: makeBatch('se', 0, 50) })
  t.equal(res.statusCode, 202, res.body)
  t.equal(await stack.waitForCount(50), 50, 'indexed through the primary Sentinel names')
  const keys = execFileSync('redis-cli', ['-p', String(primaryPort), '--scan', '--pattern', `${stack.config.queuePrefix}:*`], { encoding: 'utf8' }).split('\n').filter(Boolean)
  t.ok(keys.length > 0, 'the queue lives on that primary')
  execFileSync('redis-cli', ['-p', String(primaryPort), 'flushall'], { stdio: 'ignore' })
})
