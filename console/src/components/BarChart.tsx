import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react'

export interface Bar { key: string, label: string, value: number }

interface Props {
  bars: Bar[]
  title: string
  /** Describes one bar for screen readers and the tooltip. */
  describe: (bar: Bar) => string
  /** When given, bars can be clicked, or a range of them dragged across, to pick their keys (first, last). */
  onSelect?: (first: Bar, last: Bar) => void
  height?: number
  horizontal?: boolean
}

// Keys that move between the bars' buttons, by how far (Home and End to the first and last).
const STEPS: Record<string, number> = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1, Home: -Infinity, End: Infinity }

/**
 * A bar chart in SVG, sized by the browser (no chart library, no inline style). Vertical bars can be
 * selected by dragging; when selection is on, every bar is also a button for keyboard users. The buttons are
 * one tab stop (arrow keys, Home and End move between them, as in a toolbar), and the focused one is shown
 * over the chart with its bar outlined: up to 120 hidden stops were too many to tab through.
 */
export function BarChart ({ bars, title, describe, onSelect, height = 140, horizontal = false }: Props): ReactNode {
  const [drag, setDrag] = useState<{ from: number, to: number } | null>(null)
  const svg = useRef<SVGSVGElement>(null)
  const buttons = useRef<Array<HTMLButtonElement | null>>([])
  // The bar whose button takes the tab stop, and the one focused (outlined) if any.
  const [stop, setStop] = useState(0)
  const [focused, setFocused] = useState<number | null>(null)
  const max = Math.max(1, ...bars.map(b => b.value))
  if (horizontal) {
    const rowH = 22
    return (
      <svg className="chart" role="img" aria-label={title} viewBox={`0 0 400 ${bars.length * rowH}`} height={bars.length * rowH} width="100%" preserveAspectRatio="none">
        {bars.map((b, i) => (
          <g key={b.key}>
            <title>{describe(b)}</title>
            <rect className="bar" x={0} y={i * rowH + 3} width={Math.max(1, 400 * b.value / max)} height={rowH - 6} />
          </g>
        ))}
      </svg>
    )
  }
  const w = 1000
  const bw = w / Math.max(1, bars.length)
  const indexAt = (clientX: number): number => {
    const box = svg.current?.getBoundingClientRect()
    if (box === undefined || box.width === 0) return 0
    return Math.min(bars.length - 1, Math.max(0, Math.floor((clientX - box.left) / box.width * bars.length)))
  }
  const finish = (): void => {
    if (drag === null || onSelect === undefined) return
    const [a, b] = [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)]
    setDrag(null)
    const first = bars[a]
    const last = bars[b]
    if (first !== undefined && last !== undefined) onSelect(first, last)
  }
  const selected = (i: number): boolean => drag !== null && i >= Math.min(drag.from, drag.to) && i <= Math.max(drag.from, drag.to)
  const current = Math.min(stop, bars.length - 1)
  const move = (e: KeyboardEvent, i: number): void => {
    const step = STEPS[e.key]
    if (step === undefined) return
    e.preventDefault()
    const next = Math.max(0, Math.min(bars.length - 1, i + step))
    setStop(next)
    buttons.current[next]?.focus()
  }
  return (
    <div className="chart-wrap">
      <svg
        ref={svg} className={`chart${onSelect === undefined ? '' : ' selectable'}`} role="group" aria-label={title}
        viewBox={`0 0 ${w} ${height}`} preserveAspectRatio="none" height={height} width="100%"
        onPointerDown={onSelect === undefined ? undefined : e => { const i = indexAt(e.clientX); setDrag({ from: i, to: i }) }}
        onPointerMove={drag === null ? undefined : e => setDrag({ from: drag.from, to: indexAt(e.clientX) })}
        onPointerUp={finish}
        onPointerLeave={() => setDrag(null)}
      >
        {bars.map((b, i) => {
          const h = b.value === 0 ? 0 : Math.max(2, (height - 4) * b.value / max)
          return (
            <g key={b.key}>
              <title>{describe(b)}</title>
              <rect className={`bar${selected(i) ? ' selected' : ''}${focused === i ? ' focused' : ''}`} x={i * bw + bw * 0.08} y={height - h} width={bw * 0.84} height={h} />
            </g>
          )
        })}
      </svg>
      {onSelect !== undefined && (
        <ul className="chart-keys">
          {bars.map((b, i) => (
            <li key={b.key}>
              <button
                type="button" ref={el => { buttons.current[i] = el }} tabIndex={i === current ? 0 : -1}
                onClick={() => onSelect(b, b)} onKeyDown={e => move(e, i)}
                onFocus={() => { setStop(i); setFocused(i) }} onBlur={() => setFocused(null)}
              >
                {describe(b)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {bars.length > 0 && <div className="chart-axis" aria-hidden="true"><span>{bars[0]?.label}</span><span>{bars[bars.length - 1]?.label}</span></div>}
    </div>
  )
}
