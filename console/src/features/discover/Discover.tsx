import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { fields } from '../../api/fields.ts'
import { ApiError } from '../../api/client.ts'
import type { FieldInfo, Hit } from '../../api/types.ts'
import { navigate, useRoute } from '../../app/router.ts'
import { can, useMe } from '../../auth/me.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { ExportMenu } from '../exports/ExportMenu.tsx'
import { SaveSearch } from '../saved/SaveSearch.tsx'
import { ColumnChooser } from './ColumnChooser.tsx'
import { EventFlyout } from './EventFlyout.tsx'
import { FilterChips } from './FilterChips.tsx'
import { Histogram } from './Histogram.tsx'
import { QueryBar } from '../../components/QueryBar.tsx'
import { ResultsTable } from './ResultsTable.tsx'
import { TimePicker } from '../../components/TimePicker.tsx'
import { andQuery, kqlClause, readState, toSearch, writeState, type DiscoverState } from '../../app/discover-state.ts'
import { useSearch } from './useSearch.ts'

const SORTABLE = new Set(['keyword', 'date', 'number', 'ip'])

/** Query bar, period, filters, histogram, table and flyout; every change goes through the address. */
export function Discover (): ReactNode {
  const { t, timeZone } = useI18n()
  const me = useMe()
  const route = useRoute()
  const state = readState(route.params)
  const set = (patch: Partial<DiscoverState>, replace = false): void => navigate(`/discover?${writeState({ ...state, ...patch }).toString()}`, replace)
  const address = route.params.toString()
  // The search changes only when the address or the zone does.
  const search = useMemo(() => toSearch(readState(new URLSearchParams(address)), timeZone), [address, timeZone])
  const results = useSearch(search)
  const columnList = state.columns.join(',')
  // A stable list, so rows already drawn are not drawn again while scrolling.
  const columns = useMemo(() => columnList.split(','), [columnList])
  const [open, setOpen] = useState<Hit | null>(null)
  const [types, setTypes] = useState<FieldInfo[]>([])
  useEffect(() => { fields().then(setTypes, () => setTypes([])) }, [])
  const sortable = (field: string): boolean => field === 'time' || types.some(f => f.name === field && !f.masked && SORTABLE.has(f.type))
  const queryError = results.error instanceof ApiError ? results.error.errors.find(e => e.path === '/query')?.position : undefined

  return (
    <div className="discover">
      <div className="toolbar">
        <QueryBar value={state.query} period={state} errorAt={queryError} onSubmit={query => set({ query })} />
        <TimePicker from={state.from} to={state.to} onChange={(from, to) => set({ from, to })} />
      </div>
      <FilterChips filters={state.filters} onChange={filters => set({ filters })} />
      <Histogram state={state} onZoom={(from, to) => set({ from, to })} />
      <div className="results-bar">
        <p role="status" aria-live="polite">
          <strong>{t('results.total', { count: results.total })}</strong>
          {results.tookMs !== null && <span className="muted"> {t('common.took', { ms: results.tookMs })}</span>}
        </p>
        <ColumnChooser columns={state.columns} onChange={columns => set({ columns }, true)} />
        <SaveSearch state={state} />
        {can(me, 'export') && <ExportMenu search={search} />}
      </div>
      {results.error !== null && <ErrorBox error={results.error} />}
      <ResultsTable
        rows={results.rows} total={results.total} columns={columns} sort={state.sort} sortable={sortable}
        hasMore={results.cursor !== null} loading={results.loading} onMore={results.more}
        onSort={field => set({ sort: { field, order: state.sort.field === field && state.sort.order === 'desc' ? 'asc' : 'desc' } })}
        onOpen={setOpen}
      />
      {open !== null && (
        <EventFlyout
          hit={open} onClose={() => setOpen(null)}
          onFilter={(field, value, negate) => { setOpen(null); set({ query: andQuery(state.query, kqlClause(field, value, negate)) }) }}
        />
      )}
    </div>
  )
}

