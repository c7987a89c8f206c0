/**
 * Memory of a local process, in MB: its resident set from /proc (what the machine gives it), and what V8
 * holds from the process's own Prometheus metrics (prom-client's default series): the heap in use, the heap
 * committed (what the heap costs in RSS, garbage included) and memory outside the heap held by JavaScript
 * objects (Buffers, ArrayBuffers).
 */
import { readFile } from 'node:fs/promises'

const statusKb = async (pid: number | undefined, field: 'VmRSS' | 'VmHWM'): Promise<number> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN)
}

/** Resident set now; NaN once the process is gone. */
export const rssMb = async (pid: number | undefined): Promise<number> => await statusKb(pid, 'VmRSS') / 1024

/** The highest resident set the process has had (the kernel's high-water mark). */
export const peakRssMb = async (pid: number | undefined): Promise<number> => await statusKb(pid, 'VmHWM') / 1024

export interface V8Memory { heapUsedMb: number, heapTotalMb: number, externalMb: number }

/** From a process's metrics endpoint; NaN for what it does not answer. */
export async function v8Memory (metricsUrl: string, key?: string): Promise<V8Memory> {
  const text = await fetch(metricsUrl, { headers: key === undefined ? {} : { authorization: `ApiKey ${key}` }, signal: AbortSignal.timeout(5000) })
    .then(async r => await r.text(), () => '')
  const mb = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / 2 ** 20
  return { heapUsedMb: mb('nodejs_heap_size_used_bytes'), heapTotalMb: mb('nodejs_heap_size_total_bytes'), externalMb: mb('nodejs_external_memory_bytes') }
}

/** A process's RSS sampled every `everyMs`; `take` gives the RSS now and the highest since the previous `take`. */
export function rssSampler (pid: number | undefined, everyMs = 500): { take: () => Promise<{ nowMb: number, peakMb: number }>, stop: () => void } {
  let peak = Number.NaN
  const sample = async (): Promise<number> => {
    const mb = await rssMb(pid)
    if (!Number.isNaN(mb) && !(mb <= peak)) peak = mb
    return mb
  }
  const timer = setInterval(() => { void sample() }, everyMs)
  return {
    take: async () => {
      const nowMb = await sample()
      const peakMb = peak
      peak = Number.NaN
      return { nowMb, peakMb }
    },
    stop: () => clearInterval(timer)
  }
}
