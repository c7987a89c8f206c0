/**
 * What a page holds in memory, through the DevTools protocol: its heaps right after full garbage collections,
 * so that the figure is what the page keeps alive, not garbage it has not collected yet; and what it allocates
 * while something runs (the garbage its collections will have to collect).
 */
import type { Page } from 'playwright-core'

export interface Heap {
  /** V8's heap: the page's JavaScript objects (rows, React's fibers), bytes. */
  js: number
  /** Blink's garbage-collected heap: DOM nodes and other objects of the browser's own, bytes. */
  dom: number
}

export async function heapAfterGc (page: Page): Promise<Heap> {
  const cdp = await page.context().newCDPSession(page)
  try {
    // Twice: what the first collection's finalisers release goes in the second.
    await cdp.send('HeapProfiler.collectGarbage')
    await cdp.send('HeapProfiler.collectGarbage')
    const usage = await cdp.send('Runtime.getHeapUsage')
    return { js: usage.usedSize, dom: usage.embedderHeapUsedSize }
  } finally {
    await cdp.detach()
  }
}

interface SampledNode { selfSize: number, children: SampledNode[] }
const sum = (n: SampledNode): number => n.children.reduce((a, c) => a + sum(c), n.selfSize)

/**
 * The JavaScript bytes the page allocates while `run` runs, collected since or not, from V8's sampling heap
 * profiler (a sample every 4 KB on average, so an estimate, close for the megabytes of a scroll).
 */
export async function allocatedDuring<T> (page: Page, run: () => Promise<T>): Promise<{ bytes: number, result: T }> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('HeapProfiler.enable')
    await cdp.send('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
    const result = await run()
    const { profile } = await cdp.send('HeapProfiler.stopSampling')
    return { bytes: sum(profile.head as unknown as SampledNode), result }
  } finally {
    await cdp.detach()
  }
}

export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
