/**
 * What a page holds in memory, through the DevTools protocol: its heaps right after full garbage collections,
 * so that the figure is what the page keeps alive, not garbage it has not collected yet.
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

export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
