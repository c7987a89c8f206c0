/** CPU time counters of the processes a benchmark measures, in ms, whatever else runs on the machine. */
import { readFile } from 'node:fs/promises'
import type { Es } from '../../src/store/elasticsearch.ts'

/** User + system CPU of a local process so far (Linux /proc); 0 when it cannot be read. */
export async function processCpuMs (pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10 // utime + stime, in clock ticks of 10 ms
}

/**
 * Elasticsearch's CPU so far: from /proc when its single node runs on this machine (node stats refresh their
 * process figures only once a second, too coarse for runs of a few seconds), else from node stats.
 */
export function esCpuMeter (es: Es): () => Promise<number> {
  let pid: Promise<number | undefined> | undefined
  return async () => {
    // The pid is in node info (node stats do not carry it).
    pid ??= es.nodes.info({ metric: 'process' }).then(info => {
      const nodes = Object.values(info.nodes)
      return nodes.length === 1 ? nodes[0]?.process?.id : undefined
    })
    const local = await processCpuMs(await pid)
    if (local > 0) return local
    const stats = await es.nodes.stats({ metric: 'process' })
    const nodes = Object.values(stats.nodes)
    return nodes.reduce((sum, n) => sum + (n.process?.cpu?.total_in_millis ?? 0), 0)
  }
}
