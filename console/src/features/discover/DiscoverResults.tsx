import { memo, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import { fields } from '../../api/fields.ts'
import { ApiError } from '../../api/client.ts'
import type { FieldInfo, Hit, SearchRequest } from '../../api/types.ts'
import { useSearch } from '../../api/useSearch.ts'
import type { DiscoverState } from '../../app/discover-state.ts'
import { can, useMe } from '../../auth/me.tsx'
import { PageFailure } from '../../components/PageFailure.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { ExportMenu } from '../exports/ExportMenu.tsx'
import { SaveSearch } from '../saved/SaveSearch.tsx'
import { watchQuery } from '../alerts/state.ts'
import { href } from '../../app/router.ts'
import { Link } from '../../components/Link.tsx'
import { ColumnChooser } from './ColumnChooser.tsx'
import { ResultsTable } from './ResultsTable.tsx'
import { tableSearch } from './row-fields.ts'

const SORTABLE = new Set(['keyword', 'date', 'number', 'ip'])

interface Props {
  search: SearchRequest
  state: DiscoverState
  set: (patch: Partial<DiscoverState>, replace?: boolean) => void
  onOpen: (hit: Hit) => void
  /** Where the API found a syntax error in the query, for the query bar. */
  onQueryError: (position: number | undefined) => void
  /** Bumped when the person runs the same search again. */
  refresh: number
}

/** Columns, saving and exporting: they depend on the search, not on its pages, so arriving pages skip them. */
const ResultsTools = memo(function ResultsTools ({ state, set, search }: Pick<Props, 'state' | 'set' | 'search'>): ReactNode {
  const me = useMe()
  const { t } = useI18n()
  return (
    <>
      <ColumnChooser columns={state.columns} onChange={columns => set({ columns }, true)} />
      <SaveSearch state={state} />
      {can(me, 'admin') && <Link to={`${href('/alerts/rules')}?${watchQuery(state)}`}>{t('watch.thisSearch')}</Link>}
      {can(me, 'export') && <ExportMenu search={search} columns={state.columns} />}
    </>
  )
})

/**
 * The search's results: total, tools and table. A component of its own so that the pages arriving as the
 * person scrolls re-render only these, not the query bar, filters and histogram above them.
 */
export function DiscoverResults ({ search, state, set, onOpen, onQueryError, refresh }: Props): ReactNode {
  const { t } = useI18n()
  const columnList = state.columns.join(',')
  // A stable list, so rows already drawn are not drawn again while scrolling.
  const columns = useMemo(() => columnList.split(','), [columnList])
  // The rows hold only what they draw; other columns are a new search.
  const results = useSearch(useMemo(() => tableSearch(search, columns), [search, columns]), refresh)
  const [types, setTypes] = useState<FieldInfo[]>([])
  useEffect(() => { fields().then(setTypes, () => setTypes([])) }, [])
  const sortable = useCallback((field: string): boolean => field === 'time' || types.some(f => f.name === field && !f.masked && SORTABLE.has(f.type)), [types])
  const { field: sortField, order: sortOrder } = state.sort
  const sort = useMemo(() => ({ field: sortField, order: sortOrder }), [sortField, sortOrder])
  const onSort = useCallback((field: string) => set({ sort: { field, order: sortField === field && sortOrder === 'desc' ? 'asc' : 'desc' } }), [set, sortField, sortOrder])
  const queryError = results.error instanceof ApiError ? results.error.errors.find(e => e.path === '/query')?.position : undefined
  useEffect(() => onQueryError(queryError), [queryError, onQueryError])

  return (
    <>
      <div className="results-bar">
        {/* A failed search, or one not answered yet, has no total: "0 events" would say something else. */}
        <p role="status" aria-live="polite">
          {results.error === null && !(results.loading && results.tookMs === null) && <strong>{t('results.total', { count: results.total })}</strong>}
          {results.loading && results.tookMs === null && <span className="muted">{t('common.loading')}</span>}
          {results.tookMs !== null && <span className="muted"> {t('common.took', { ms: results.tookMs })}</span>}
          {results.failedShards > 0 && <> <span className="warning">{t('results.partial', { count: results.failedShards })}</span></>}
        </p>
        <ResultsTools state={state} set={set} search={search} />
      </div>
      {results.error !== null && <ErrorBox error={results.error} />}
      <ResultsTable
        rows={results.rows} total={results.total} columns={columns} sort={sort} sortable={sortable}
        hasMore={results.cursor !== null} loading={results.loading} failed={results.error !== null} onMore={results.more}
        onSort={onSort} onOpen={onOpen}
      />
      {results.pageError !== null && <PageFailure error={results.pageError} onRetry={results.retry} onRestart={results.restart} />}
    </>
  )
}
