import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import type { Test } from 'tap'

/**
 * Engines of their own for fault tests, so that stopping, killing or filling them never touches the shared
 * ones (9200, 6379) other tests use: an Elasticsearch node started by scripts/engines/es.sh on a free port with
 * its own home under .local/es-faults/, and a redis-server child process on a free port with its own directory.
 * Both are stopped, and their directories removed, in teardown (register them before the stack: teardowns
 * run last-registered first).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Where fault tests' engines live, each under a directory of its own. */
export const FAULTS = join(ROOT, '.local/es-faults')
/** The launcher of the shared node (scripts/engines/es.sh builds it there): the same build, so never built twice. */
export const LAUNCHER_BUILD = join(ROOT, '.local/elasticsearch')
const run = promisify(execFile)

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface FaultEs {
  url: string
  /** A directory registered as `path.repo`, for file-system snapshot repositories. */
  repo: string
  /** Graceful stop (SIGTERM, as an operator or an orchestrator would). */
  stop: () => Promise<void>
  /** Starts again on the same data; resolves once the cluster is yellow or green. */
  start: () => Promise<void>
}

export async function startFaultEs (t: Test, name: string, settings: string[] = []): Promise<FaultEs> {
  const home = join(FAULTS, name)
  const repo = join(home, 'repo')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env = {
    ...process.env,
    ELASTICSEARCH_URL: url,
    SILLAGE_ES_PORT: String(port),
    SILLAGE_ES_HOME: home,
    SILLAGE_ES_BUILD_HOME: LAUNCHER_BUILD,
    SILLAGE_ES_HEAP: process.env.SILLAGE_FAULT_ES_HEAP ?? '512m',
    // The first tier of the JIT only: a node that lives a minute or two spends less CPU starting (as the cluster's).
    SILLAGE_ES_JAVA_OPTS: process.env.SILLAGE_ES_JAVA_OPTS ?? '-XX:TieredStopAtLevel=1',
    SILLAGE_ES_SETTINGS: [`path.repo=${repo}`, ...settings].join(';'),
    // On disk even when the suite keeps its nodes' data in memory: the disk-full fault needs a disk with
    // something on it (an empty tmpfs is never past a flood stage of 1 %).
    SILLAGE_ES_DATA_ROOT: ''
  }
  const es = async (command: 'start' | 'stop'): Promise<void> => {
    await run('bash', [join(ROOT, 'scripts/engines/es.sh'), command], { env, cwd: ROOT, timeout: 300_000 })
  }
  await es('stop') // a node left by an interrupted run of this test
  await rm(home, { recursive: true, force: true })
  await mkdir(repo, { recursive: true })
  t.teardown(async () => {
    await es('stop')
    await rm(home, { recursive: true, force: true })
  })
  await es('start')
  return { url, repo, stop: async () => { await es('stop') }, start: async () => { await es('start') } }
}

export interface FaultRedis {
  url: string
  dir: string
  /** SIGKILL: no shutdown, no final AOF rewrite; what is on disk is what survives. */
  kill: () => Promise<void>
  /** Starts again on the same directory (it loads its AOF). */
  restart: () => Promise<void>
  /** A client of its own, closed in teardown. */
  client: Redis
}

/** redis-server with AOF (`appendfsync everysec` unless `args` say otherwise) and noeviction, like scripts/engines/redis.sh. */
export async function startFaultRedis (t: Test, name: string, args: string[] = []): Promise<FaultRedis> {
  const dir = join(FAULTS, `redis-${name}`)
  const pidFile = join(dir, 'redis.pid')
  const stale = await readFile(pidFile, 'utf8').catch(() => '')
  if (/^\d+\s*$/.test(stale)) { try { process.kill(Number(stale), 'SIGKILL') } catch { /* gone already */ } }
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  const argv = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--pidfile', pidFile, '--logfile', join(dir, 'redis.log'),
    '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', ...args]
  let child: ChildProcess | undefined
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  client.on('error', () => {}) // refused while the server is killed
  const start = async (): Promise<void> => {
    child = spawn('redis-server', argv, { stdio: 'ignore' })
    for (let i = 0; ; i++) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      probe.on('error', () => {}) // refused until the server listens
      // Until the AOF is loaded, the server answers LOADING.
      const up = await probe.connect().then(async () => await probe.ping()).catch(() => null)
      probe.disconnect()
      if (up === 'PONG') return
      if (i > 100 || child.exitCode !== null) throw new Error(`redis-server on ${port} did not start; see ${dir}/redis.log`)
      await sleep(100)
    }
  }
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
    const gone = new Promise(resolve => c.once('exit', resolve))
    c.kill(signal)
    await gone
  }
  t.teardown(async () => {
    client.disconnect()
    await stop('SIGKILL')
    await rm(dir, { recursive: true, force: true })
  })
  await start()
  return { url, dir, client, kill: async () => { await stop('SIGKILL') }, restart: start }
}
