import { useEffect, useRef, type ReactNode } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { Hit } from '../../api/types.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { ResultRow } from './ResultRow.tsx'

interface Props {
  rows: Hit[]
  total: number
  columns: string[]
  sort: { field: string, order: 'asc' | 'desc' }
  /** Types of the fields, for which columns can be sorted. */
  sortable: (field: string) => boolean
  hasMore: boolean
  loading: boolean
  onMore: () => void
  onSort: (field: string) => void
  onOpen: (hit: Hit) => void
}

const ROW_HEIGHT = 34
const sortName = (column: string): string => column === '@timestamp' ? 'time' : column

/** Only the rows in view are in the page (a few dozen of thousands); the next page loads near the end. */
export function ResultsTable ({ rows, total, columns, sort, sortable, hasMore, loading, onMore, onSort, onOpen }: Props): ReactNode {
  const { t } = useI18n()
  const scroller = useRef<HTMLDivElement>(null)
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 })
  const items = virtual.getVirtualItems()
  const last = items[items.length - 1]?.index ?? 0
  useEffect(() => { if (hasMore && !loading && last >= rows.length - 30) onMore() }, [last, hasMore, loading, rows.length, onMore])
  const template = columns.map(c => c === 'message' ? 'minmax(16rem, 3fr)' : c === '@timestamp' ? '13rem' : 'minmax(7rem, 1fr)').join(' ')

  return (
    <section className="results" aria-label={t('results.label')}>
      <div role="table" aria-label={t('results.label')} aria-rowcount={total + 1} className="grid">
        <div role="rowgroup" className="grid-head">
          <div role="row" className="grid-row" style={{ gridTemplateColumns: template }}>
            {columns.map(c => {
              const active = sortName(c) === sort.field
              return (
                <div role="columnheader" key={c} aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {sortable(sortName(c))
                    ? <button type="button" className="link" onClick={() => onSort(sortName(c))} aria-label={t('results.sortBy', { field: c })}>{c}{active && (sort.order === 'asc' ? ' ▲' : ' ▼')}</button>
                    : c}
                </div>
              )
            })}
          </div>
        </div>
        <div ref={scroller} className="grid-body" role="rowgroup" tabIndex={0} aria-label={t('results.total', { count: total })}>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map(item => {
              const hit = rows[item.index] as Hit
              return <ResultRow key={hit.id} hit={hit} index={item.index} start={item.start} height={ROW_HEIGHT} columns={columns} template={template} onOpen={onOpen} />
            })}
          </div>
        </div>
      </div>
      <p className="muted" role="status">{loading ? t('results.more') : hasMore ? '' : rows.length > 0 ? t('results.end') : t('common.none')}</p>
    </section>
  )
}
