/**
 * Where the frames of a scroll go, from a Chromium performance trace recorded through the DevTools protocol:
 * the renderer main thread's CPU time in each frame, by trace event (script, style, layout, paint, garbage
 * collection…) and by JavaScript function (the sampling profiler), and for the long frames how much of their
 * time the main thread was running at all (a thread waiting for a core shows wall time without CPU time), and
 * the garbage collections' pauses.
 */
import type { CDPSession } from 'playwright-core'

export interface TraceEvent {
  name: string
  cat: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  /** Thread (CPU) time of a complete event, µs. */
  tdur?: number
  args?: { name?: string, data?: Record<string, unknown> }
}

export interface Breakdown {
  frames: number
  /** Main-thread CPU time per frame, ms. */
  cpuPerFrame: { p50: number, p99: number, mean: number }
  long: {
    frames: number
    /** Their total duration, ms. */
    wall: number
    /** Main-thread tasks inside them: wall time and CPU time, ms (CPU well below wall: the thread was waiting for a core). */
    mainWall: number
    mainCpu: number
    /** Long frames in which a page of results arrived (a fetch's answer was read). */
    withAnswer: number
    /** Long frames whose main thread used under a frame's budget (16.7 ms) of CPU. */
    underBudget: number
  }
  /** Main-thread CPU per frame by trace event (self time), ms, largest first. */
  byEvent: Array<{ name: string, ms: number }>
  /** Sampled JavaScript self time per frame by function (name and script position), ms, largest first. */
  byFunction: Array<{ name: string, ms: number }>
  /** Garbage collections on the main thread: their pauses, and the long frames a major one fell in. */
  gc: { major: number, majorMs: number, minor: number, minorMs: number, longWithMajor: number }
}

const CATEGORIES = [
  'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing',
  'v8.execute', 'disabled-by-default-v8.cpu_profiler'
].join(',')
const TASK = 'ThreadControllerImpl::RunTask'

export async function startTrace (cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', ({ value }) => { events.push(...value as unknown as TraceEvent[]) })
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' })
  return async () => {
    const done = new Promise(resolve => cdp.once('Tracing.tracingComplete', resolve))
    await cdp.send('Tracing.end')
    await done
    return events
  }
}

interface Span { name: string, ts: number, end: number, cpu: number, self: number }

/** Complete events of one thread from `from` on, sorted by start, with their CPU self time. */
function spans (events: TraceEvent[], pid: number, tid: number, from: number): Span[] {
  const out: Span[] = events
    .filter(e => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined && e.ts >= from)
    .map(e => ({ name: e.name, ts: e.ts, end: e.ts + (e.dur as number), cpu: e.tdur ?? 0, self: e.tdur ?? 0 }))
    .sort((a, b) => a.ts - b.ts || b.end - a.end)
  const stack: Span[] = []
  for (const s of out) {
    while (stack.length > 0 && (stack[stack.length - 1] as Span).end <= s.ts) stack.pop()
    const parent = stack[stack.length - 1]
    if (parent !== undefined) parent.self -= s.cpu
    stack.push(s)
  }
  return out
}

/** JavaScript samples of the sampling profiler in one process: [time, function]. */
function samples (events: TraceEvent[], pid: number, tid: number): Array<[number, string]> {
  const out: Array<[number, string]> = []
  const nodes = new Map<number, string>()
  let time = 0
  for (const e of events) {
    if (e.pid !== pid) continue
    const data = e.args?.data as { startTime?: number, cpuProfile?: { nodes?: Array<{ id: number, callFrame: { functionName: string, url?: string, lineNumber?: number, columnNumber?: number } }>, samples?: number[] }, timeDeltas?: number[] } | undefined
    if (e.name === 'Profile' && e.tid === tid && data?.startTime !== undefined) time = data.startTime
    if (e.name !== 'ProfileChunk' || data === undefined) continue
    for (const n of data.cpuProfile?.nodes ?? []) {
      const f = n.callFrame
      const where = f.url === undefined || f.url === '' ? '' : ` ${f.url.split('/').pop() ?? ''}:${(f.lineNumber ?? 0) + 1}`
      nodes.set(n.id, `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`)
    }
    const ids = data.cpuProfile?.samples ?? []
    const deltas = data.timeDeltas ?? []
    ids.forEach((id, i) => { time += deltas[i] ?? 0; out.push([time, nodes.get(id) ?? `node ${id}`]) })
  }
  return out
}

const perFrame = (m: Map<string, number>, frames: number, n: number): Array<{ name: string, ms: number }> =>
  [...m].map(([name, us]) => ({ name, ms: us / 1000 / Math.max(1, frames) })).sort((a, b) => b.ms - a.ms).slice(0, n)
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0

/** The scroll's frames, from the page's `mark` (a performance.mark name) to the end of the trace. */
export function breakdown (events: TraceEvent[], mark: string): Breakdown {
  const m = events.find(e => e.name === mark && e.cat.includes('blink.user_timing'))
  if (m === undefined) throw new Error(`no mark ${mark} in the trace`)
  const pid = m.pid
  const tid = events.find(e => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain')?.tid ?? m.tid
  const all = spans(events, pid, tid, m.ts)
  // A frame runs from one animation frame callback (the scroll's step) to the next.
  const starts = all.filter(s => s.name === 'FireAnimationFrame').map(s => s.ts)
  const frames = starts.slice(1).map((end, i) => ({ start: starts[i] as number, end }))
  const tasks = all.filter(s => s.name === TASK)
  const cpu = frames.map(f => tasks.filter(t => t.ts >= f.start && t.ts < f.end).reduce((a, t) => a + t.cpu, 0) / 1000)
  const long = frames.filter(f => f.end - f.start > 25_000)
  let mainWall = 0
  let mainCpu = 0
  let underBudget = 0
  for (const f of long) {
    let c = 0
    for (const t of tasks) {
      const overlap = Math.min(t.end, f.end) - Math.max(t.ts, f.start)
      if (overlap <= 0) continue
      mainWall += overlap
      c += t.cpu * overlap / Math.max(1, t.end - t.ts)
    }
    mainCpu += c
    if (c < 16_700) underBudget++
  }
  // Instant events: an answer's bytes read, or its end.
  const answers = events.filter(e => e.pid === pid && e.tid === tid && e.ts >= m.ts && (e.name === 'ResourceFinish' || e.name === 'ResourceReceivedData'))
  const withAnswer = long.filter(f => answers.some(e => e.ts >= f.start && e.ts < f.end)).length
  const byEvent = new Map<string, number>()
  for (const s of all) if (s.self > 0 && s.name !== TASK) byEvent.set(s.name, (byEvent.get(s.name) ?? 0) + s.self)
  const byFunction = new Map<string, number>()
  const sampled = samples(events, pid, tid).filter(([t]) => t >= m.ts)
  for (let i = 1; i < sampled.length; i++) {
    const [t, f] = sampled[i] as [number, string]
    if (f !== '(idle)' && f !== '(program)') byFunction.set(f, (byFunction.get(f) ?? 0) + t - (sampled[i - 1] as [number, string])[0])
  }
  const pauses = (name: string): Span[] => all.filter(s => s.name === name)
  const major = pauses('MajorGC')
  const minor = pauses('MinorGC')
  const wallMs = (ss: Span[]): number => ss.reduce((a, s) => a + s.end - s.ts, 0) / 1000
  const longWithMajor = long.filter(f => major.some(g => g.ts < f.end && g.end > f.start)).length
  const sorted = [...cpu].sort((a, b) => a - b)
  return {
    frames: frames.length,
    cpuPerFrame: { p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), mean: cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length) },
    long: { frames: long.length, wall: long.reduce((a, f) => a + f.end - f.start, 0) / 1000, mainWall: mainWall / 1000, mainCpu: mainCpu / 1000, withAnswer, underBudget },
    byEvent: perFrame(byEvent, frames.length, 10),
    byFunction: perFrame(byFunction, frames.length, 12),
    gc: { major: major.length, majorMs: wallMs(major), minor: minor.length, minorMs: wallMs(minor), longWithMajor }
  }
}
