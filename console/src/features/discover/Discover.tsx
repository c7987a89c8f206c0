import { useMemo, useState, type ReactNode } from 'react'
import type { Hit } from '../../api/types.ts'
import { navigate, useRoute } from '../../app/router.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { DiscoverResults } from './DiscoverResults.tsx'
import { EventFlyout } from './EventFlyout.tsx'
import { FilterChips } from './FilterChips.tsx'
import { Histogram } from './Histogram.tsx'
import { QueryBar } from '../../components/QueryBar.tsx'
import { TimePicker } from '../../components/TimePicker.tsx'
import { andQuery, kqlClause, readState, toSearch, writeState, type DiscoverState } from '../../app/discover-state.ts'

/** Query bar, period, filters, histogram, results and flyout; every change goes through the address. */
export function Discover (): ReactNode {
  const { timeZone } = useI18n()
  const route = useRoute()
  const state = readState(route.params)
  const set = (patch: Partial<DiscoverState>, replace = false): void => navigate(`/discover?${writeState({ ...state, ...patch }).toString()}`, replace)
  const address = route.params.toString()
  // The search changes only when the address or the zone does.
  const search = useMemo(() => toSearch(readState(new URLSearchParams(address)), timeZone), [address, timeZone])
  const [open, setOpen] = useState<Hit | null>(null)
  const [queryError, setQueryError] = useState<number | undefined>(undefined)
  // Searching again with the same query and period runs it again: `now-15m` then means the last 15 minutes again.
  const [refresh, setRefresh] = useState(0)
  const submit = (patch: Partial<DiscoverState>): void => {
    if (writeState({ ...state, ...patch }).toString() === writeState(state).toString()) setRefresh(r => r + 1)
    else set(patch)
  }

  return (
    <div className="discover">
      <div className="toolbar">
        <QueryBar value={state.query} period={{ from: state.from, to: state.to, ...(state.zone === undefined ? {} : { zone: state.zone }) }} errorAt={queryError} onSubmit={query => submit({ query })} />
        {/* A period the person picks is read in their zone, not in the one a saved search came with. */}
        <TimePicker from={state.from} to={state.to} zone={state.zone} onChange={(from, to) => submit({ from, to, zone: undefined })} />
      </div>
      <FilterChips filters={state.filters} onChange={filters => set({ filters })} />
      <Histogram state={state} refresh={refresh} onZoom={(from, to) => set({ from, to, zone: undefined })} />
      <DiscoverResults search={search} state={state} set={set} onOpen={setOpen} onQueryError={setQueryError} refresh={refresh} />
      {open !== null && (
        <EventFlyout
          hit={open} onClose={() => setOpen(null)}
          onFilter={(field, value, negate) => { setOpen(null); set({ query: andQuery(state.query, kqlClause(field, value, negate)) }) }}
        />
      )}
    </div>
  )
}
