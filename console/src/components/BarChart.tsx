import { useRef, useState, type ReactNode } from 'react'

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

/**
 * A bar chart in SVG, sized by the browser (no chart library, no inline style). Vertical bars can be
 * selected by dragging; every bar is also a button for keyboard users when selection is on.
 */
export function BarChart ({ bars, title, describe, onSelect, height = 140, horizontal = false }: Props): ReactNode {
  const [drag, setDrag] = useState<{ from: number, to: number } | null>(null)
  const svg = useRef<SVGSVGElement>(null)
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
              <rect className={`bar${selected(i) ? ' selected' : ''}`} x={i * bw + bw * 0.08} y={height - h} width={bw * 0.84} height={h} />
            </g>
          )
        })}
      </svg>
      {onSelect !== undefined && (
        <ul className="sr-only">
          {bars.map(b => <li key={b.key}><button type="button" onClick={() => onSelect(b, b)}>{describe(b)}</button></li>)}
        </ul>
      )}
      {bars.length > 0 && <div className="chart-axis" aria-hidden="true"><span>{bars[0]?.label}</span><span>{bars[bars.length - 1]?.label}</span></div>}
    </div>
  )
}
