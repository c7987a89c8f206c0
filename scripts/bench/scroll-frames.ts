/**
 * Frame measurements run inside the console page, as page text: the TypeScript loader would wrap named
 * functions in a helper the page does not have. Each one steps once per animation frame and reports the
 * frame intervals, the long ones (over 25 ms, 1.5 frames at 60 Hz) with their page times, and, when scrolling
 * down while pages load, how many frames found no row left to scroll to.
 */

export interface Frames {
  p50: number
  p99: number
  /** Frames over 25 ms. */
  dropped: number
  total: number
  /** Page time (performance.now()) of the `sillage-frames` mark, for the trace. */
  markAt: number
  /** [start, end] of each long frame, page times. */
  long: Array<[number, number]>
  /** Frames in which the scroll could not move: the list ended before the 5,000th row (its next page was late). */
  stalls: number
}

export const LONG_FRAME_MS = 25
export const STEP_PX = 120

/**
 * - `down`: from the top to the `rows`th row, `STEP_PX` a frame (rows already loaded);
 * - `up`: back to the top over the same rows (no page arrives: a baseline with the same rows drawn);
 * - `live`: from the top of a fresh page to the `rows`th row while pages arrive as the end comes near;
 * - `idle`: the same loop for `frames` frames without scrolling (the machine's own long frames).
 */
export function framesScript (mode: 'down' | 'up' | 'live' | 'idle', rows: number, rowHeight: number, frames = 0): string {
  return `new Promise(resolve => {
  const body = document.querySelector('.grid-body')
  const mode = ${JSON.stringify(mode)}
  const end = ${rows * rowHeight}
  if (mode !== 'up' && mode !== 'idle') body.scrollTop = 0
  const markAt = performance.mark('sillage-frames').startTime
  const intervals = []
  const long = []
  let last = performance.now()
  let stalls = 0
  let n = 0
  const finish = () => {
    const s = intervals.slice(1).sort((a, b) => a - b)
    resolve({ p50: s[Math.floor(s.length / 2)], p99: s[Math.floor(s.length * 0.99)], dropped: s.filter(x => x > ${LONG_FRAME_MS}).length, total: s.length, markAt, long: long.slice(intervals[0] > ${LONG_FRAME_MS} ? 1 : 0), stalls })
  }
  const step = () => {
    const now = performance.now()
    intervals.push(now - last)
    if (now - last > ${LONG_FRAME_MS}) long.push([last, now])
    last = now
    n++
    if (n > 20000) return finish()
    if (mode === 'idle') { if (n > ${frames}) return finish() }
    else if (mode === 'up') { if (body.scrollTop <= 0) return finish(); body.scrollTop -= ${STEP_PX} }
    else {
      const bottom = Math.min(mode === 'live' ? end : body.scrollHeight, end) - body.clientHeight
      if (body.scrollTop >= bottom - 1) return finish()
      const target = Math.min(body.scrollTop + ${STEP_PX}, bottom)
      body.scrollTop = target
      if (body.scrollTop < target - 1) stalls++
    }
    requestAnimationFrame(step)
  }
  requestAnimationFrame(step)
})`
}

/**
 * A page with the results' scroller at the same size and height as the console's, holding no rows but a striped
 * background, and no script: scrolling it 120 px a frame costs the browser only scrolling, drawing and
 * compositing, the floor any scroll has on this machine at that moment.
 */
export function staticPage (rows: number, rowHeight: number): string {
  const style = `body { margin: 0; font: 14px system-ui, sans-serif; } header { height: 400px; }
.grid-body { height: calc(100vh - 400px); min-height: 300px; overflow: auto; contain: strict; }
.stripes { height: ${rows * rowHeight}px; background: repeating-linear-gradient(#fff 0 ${rowHeight - 1}px, #eef1f5 ${rowHeight - 1}px ${rowHeight}px); }`
  return `<!doctype html><html><head><style>${style}</style></head><body><header></header><div class="grid-body"><div class="stripes"></div></div></body></html>`
}
