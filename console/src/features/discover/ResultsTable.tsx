import { memo, useEffect, useMemo, useRef, type ReactNode } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { Hit } from '../../api/types.ts'
import { display, valueAt } from '../../api/values.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { FieldName } from '../../components/FieldName.tsx'
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
  /** The search failed (its error is shown apart): no end of results, nor "nothing to show". */
  failed: boolean
  onMore: () => void
  onSort: (field: string) => void
  onOpen: (hit: Hit) => void
}

const ROW_HEIGHT = 34
// Rows drawn beyond each edge of the view: enough for a frame's scroll, few enough to keep each frame cheap.
const OVERSCAN = 5
// Once the person scrolls, the next page is fetched while a page's worth of rows remains below the view.
const PREFETCH_ROWS = 100
const sortName = (column: string): string => column === '@timestamp' ? 'time' : column

/** The header row; memoised, so that scrolling (which re-renders the table) does not draw it again. */
const ResultsHead = memo(function ResultsHead ({ columns, template, sort, sortable, onSort }: Pick<Props, 'columns' | 'sort' | 'sortable' | 'onSort'> & { template: string }): ReactNode {
  const { t } = useI18n()
  return (
    <div role="rowgroup" className="grid-head">
      <div role="row" className="grid-row" style={{ gridTemplateColumns: template }}>
        {columns.map(c => {
          const active = sortName(c) === sort.field
          return (
            <div role="columnheader" key={c} title={c} aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}>
              {sortable(sortName(c))
                ? <button type="button" className="link" onClick={() => onSort(sortName(c))} aria-label={t('results.sortBy', { field: c })}><FieldName name={c} />{active && (sort.order === 'asc' ? ' ▲' : ' ▼')}</button>
                : <FieldName name={c} />}
            </div>
          )
        })}
      </div>
    </div>
  )
})

/**
 * Only the rows in view (and a few beyond) are in the page, at a fixed height; the next page loads well before
 * the end, and rows already drawn are not drawn again when it arrives (see ResultRow).
 */
export function ResultsTable ({ rows, total, columns, sort, sortable, hasMore, loading, failed, onMore, onSort, onOpen }: Props): ReactNode {
  const { t } = useI18n()
  const scroller = useRef<HTMLDivElement>(null)
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: OVERSCAN })
  const items = virtual.getVirtualItems()
  const last = items[items.length - 1]?.index ?? 0
  const offset = virtual.scrollOffset ?? 0
  useEffect(() => {
    // Whether the person has scrolled, from the element itself: the virtualizer learns of the scroll a new result
    // set resets to the top one event later, and would fetch the next page of a search nobody scrolled yet.
    const scrolled = (scroller.current?.scrollTop ?? 0) > 0
    if (hasMore && !loading && scrolled && last >= rows.length - PREFETCH_ROWS) onMore()
  }, [last, offset, hasMore, loading, rows.length, onMore])
  const template = useMemo(() => columns.map(c => c === 'message' ? 'minmax(16rem, 3fr)' : c === '@timestamp' ? '13rem' : 'minmax(7rem, 1fr)').join(' '), [columns])

  return (
    <section className="results" aria-label={t('results.label')}>
      <div role="table" aria-label={t('results.label')} aria-rowcount={total + 1} className="grid">
        <ResultsHead columns={columns} template={template} sort={sort} sortable={sortable} onSort={onSort} />
        <div ref={scroller} className="grid-body" role="rowgroup" tabIndex={0} aria-label={t('results.total', { count: total })}>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map(item => {
              const hit = rows[item.index] as Hit
              // Tenants may use the same event id: the tenant makes the row's key unique.
              return <ResultRow key={`${display(valueAt(hit.event, 'audit.tenant'))}/${hit.id}`} hit={hit} index={item.index} start={item.start} height={ROW_HEIGHT} columns={columns} template={template} onOpen={onOpen} />
            })}
          </div>
        </div>
      </div>
      <p className="muted" role="status">{loading ? t('results.more') : hasMore || failed ? '' : rows.length > 0 ? t('results.end') : t('common.none')}</p>
    </section>
  )
}
