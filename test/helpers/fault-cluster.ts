import { execFile } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import { FAULTS, freePort, LAUNCHER_BUILD } from './fault-engines.ts'

/**
 * A three-node Elasticsearch cluster of a fault test's own, started by scripts/engines/cluster.sh on free ports
 * with its home under .local/es-faults/ and the shared node's launcher build.
 * Stopped, and its directory removed, in teardown: register it before the stack.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)

export type NodeNumber = 1 | 2 | 3
export const NODES: readonly NodeNumber[] = [1, 2, 3]

export interface FaultCluster {
  /** HTTP address of each node, by number (index 0 is node 1). */
  urls: string[]
  nodeName: (n: NodeNumber) => string
  /** SIGKILL: no shutdown, nothing flushed; resolves once the process is gone. */
  kill: (n: NodeNumber) => Promise<void>
  /** Starts a node again on its data; resolves once it answers and the cluster is at least yellow. */
  start: (n: NodeNumber) => Promise<void>
}

export async function startFaultCluster (t: Test, name: string): Promise<FaultCluster> {
  const home = join(FAULTS, name)
  const http = [await freePort(), await freePort(), await freePort()]
  const transport = [await freePort(), await freePort(), await freePort()]
  const env = {
    ...process.env,
    SILLAGE_CLUSTER_HOME: home,
    SILLAGE_CLUSTER_BUILD_HOME: LAUNCHER_BUILD,
    SILLAGE_CLUSTER_HTTP_PORTS: http.join(','),
    SILLAGE_CLUSTER_TRANSPORT_PORTS: transport.join(','),
    SILLAGE_CLUSTER_HEAP: process.env.SILLAGE_FAULT_CLUSTER_HEAP ?? '384m',
    SILLAGE_CLUSTER_NAME: `sillage-${name}`,
    // The JIT's first tier only: half the CPU of a node's start, which on two busy cores is most of the test's
    // wait; the test's load is light enough for the code it compiles.
    SILLAGE_ES_JAVA_OPTS: process.env.SILLAGE_ES_JAVA_OPTS ?? '-XX:TieredStopAtLevel=1'
  }
  const cluster = async (...args: string[]): Promise<void> => {
    await run('bash', [join(ROOT, 'scripts/engines/cluster.sh'), ...args], { env, cwd: ROOT, timeout: 400_000 })
  }
  await cluster('down') // nodes left by an interrupted run of this test
  await rm(home, { recursive: true, force: true })
  t.teardown(async () => {
    await cluster('down')
    await rm(home, { recursive: true, force: true })
  })
  await cluster('up')
  const kill = async (n: NodeNumber): Promise<void> => {
    const pid = Number(await readFile(join(home, `node-${n}`, 'es.pid'), 'utf8'))
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`node-${n} has no pid file`)
    process.kill(pid, 'SIGKILL')
    for (let i = 0; i < 600; i++) {
      // Gone, or a zombie its new parent has not reaped yet.
      const state = await readFile(`/proc/${pid}/stat`, 'utf8').then(s => s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3), () => 'gone')
      if (state === 'gone' || state === 'Z') return
      await sleep(50)
    }
    throw new Error(`node-${n} (pid ${pid}) still alive 30 s after SIGKILL`)
  }
  return {
    urls: http.map(port => `http://127.0.0.1:${port}`),
    nodeName: n => `node-${n}`,
    kill,
    start: async n => { await cluster('start-node', String(n)) }
  }
}
