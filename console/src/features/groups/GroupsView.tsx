import type { ReactNode } from 'react'
import { api, ApiError } from '../../api/client.ts'
import type { AggregateResponse } from '../../api/types.ts'
import { useApi } from '../../api/useApi.ts'
import { navigate, useRoute } from '../../app/router.ts'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { QueryBar } from '../../components/QueryBar.tsx'
import { TimePicker } from '../../components/TimePicker.tsx'
import { GroupsChart } from './GroupsChart.tsx'
import { GroupsControls } from './GroupsControls.tsx'
import { GroupsTable } from './GroupsTable.tsx'
import { PeriodSummaryPanel } from './PeriodSummaryPanel.tsx'
import { aggregateBody, readGroups, writeGroups, type GroupsState } from './state.ts'

/** Events grouped on one or two levels over a period and a KQL query, as a chart and a table, with the period summary. */
export function GroupsView (): ReactNode {
  const { t, timeZone } = useI18n()
  const state = readGroups(useRoute().params)
  const set = (patch: Partial<GroupsState>, replace = false): void => navigate(writeGroups({ ...state, ...patch }), replace)
  const body = aggregateBody(state, timeZone)
  const value = useApi(JSON.stringify(body), signal => api<AggregateResponse>('/v1/events/aggregate', { body, signal }))
  const error = value.state === 'error' && value.error instanceof ApiError ? value.error.errors.find(e => e.path === '/query')?.position : undefined
  return (
    <div className="groups-view">
      <h1>{t('groups.title')}</h1>
      <div className="toolbar">
        <QueryBar value={state.query} period={{ from: state.from, to: state.to }} errorAt={error} onSubmit={query => set({ query })} />
        <TimePicker from={state.from} to={state.to} onChange={(from, to) => set({ from, to })} />
      </div>
      <GroupsControls state={state} onChange={patch => set(patch)} />
      <div className="analytics-layout">
        <section aria-labelledby="groups-results">
          <h2 id="groups-results">{t('groups.results')}</h2>
          <Status value={value}>
            {data => (
              <>
                <p role="status" className="results-line">
                  <strong>{t('results.total', { count: data.total })}</strong> <span className="muted">{t('common.took', { ms: data.took_ms })}</span>
                  {!data.exact && <span className="muted"> · {t('groups.inexact')}</span>}
                </p>
                {data.groups.length === 0
                  ? <p className="muted">{t('common.none')}</p>
                  : (
                    <>
                      <GroupsChart data={data} state={state} onZoom={(from, to) => set({ from, to })} />
                      <GroupsTable data={data} state={state} />
                      <p className="muted">{t('groups.amountNote')}</p>
                    </>
                    )}
              </>
            )}
          </Status>
        </section>
        <PeriodSummaryPanel state={state} onBreakdown={breakdown => set({ breakdown }, true)} />
      </div>
    </div>
  )
}
