import { memo, type ReactNode } from 'react'
import type { Hit } from '../../api/types.ts'
import { ImportanceBadge, OperatorBadge } from '../../components/Badges.tsx'
import { Link } from '../../components/Link.tsx'
import { userHref } from '../users/links.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { display, valueAt } from '../../api/values.ts'

interface Props {
  hit: Hit
  index: number
  /** Offset from the top of the list, in pixels. */
  start: number
  height: number
  columns: string[]
  template: string
  onOpen: (hit: Hit) => void
}

/**
 * What one cell shows. A function, not a component: a row entering the view then costs React one fiber per
 * cell fewer, and those fibers were a large part of what a scroll allocates, frame after frame.
 */
function cell (hit: Hit, column: string, dateTime: (iso: string) => string): ReactNode {
  const v = valueAt(hit.event, column)
  if (column === '@timestamp') return dateTime(String(v))
  if (column === 'audit.importance.level') return <ImportanceBadge level={v} />
  if (column === 'user.id' && typeof v === 'string') return <Link to={userHref(v, valueAt(hit.event, 'audit.tenant'))}>{v}</Link>
  if (column === 'event.action') {
    // Read leaf by leaf: a row holds its fields flat (see useSearch).
    const operator = valueAt(hit.event, 'audit.actor.type') === 'operator' ? valueAt(hit.event, 'audit.actor.id') : undefined
    return <>{display(v)} {typeof operator === 'string' && <OperatorBadge id={operator} />}</>
  }
  return display(v)
}

/** One row of the results; memoised, so scrolling re-renders only the rows that enter the view. */
export const ResultRow = memo(function ResultRow ({ hit, index, start, height, columns, template, onOpen }: Props): ReactNode {
  const { t, dateTime } = useI18n()
  return (
    <div
      role="row" aria-rowindex={index + 2} className="grid-row body-row" tabIndex={-1}
      style={{ gridTemplateColumns: template, transform: `translateY(${start}px)`, height }}
      onClick={e => { if (!(e.target instanceof HTMLAnchorElement)) onOpen(hit) }}
    >
      {columns.map((c, i) => (
        <div role="cell" key={c}>
          {i === 0
            ? <button type="button" className="link" onClick={e => { e.stopPropagation(); onOpen(hit) }} aria-label={t('results.open', { id: hit.id })}>{cell(hit, c, dateTime)}</button>
            : cell(hit, c, dateTime)}
        </div>
      ))}
    </div>
  )
})
