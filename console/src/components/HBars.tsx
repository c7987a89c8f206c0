import type { ReactNode } from 'react'

export interface HBar { key: string, label: ReactNode, value: number, text: string }

/**
 * Horizontal bars as a labelled list: each item reads as its label and value text, and its bar is an SVG
 * rectangle scaled to the largest value (hidden from screen readers, which read the text).
 */
export function HBars ({ bars, title }: { bars: HBar[], title: string }): ReactNode {
  const max = Math.max(1, ...bars.map(b => b.value))
  return (
    <figure className="hbars">
      <figcaption>{title}</figcaption>
      <ul aria-label={title}>
        {bars.map(b => (
          <li key={b.key}>
            <span className="hbar-label">{b.label}</span>
            <svg className="hbar" aria-hidden="true" viewBox="0 0 100 10" preserveAspectRatio="none">
              <rect className="bar" x={0} y={0} width={b.value <= 0 ? 0 : Math.max(0.5, 100 * b.value / max)} height={10} />
            </svg>
            <span className="hbar-value num">{b.text}</span>
          </li>
        ))}
      </ul>
    </figure>
  )
}
