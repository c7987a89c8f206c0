import type { ReactNode } from 'react'
import { href, navigate, useRoute } from '../../app/router.ts'
import { SubNav } from '../../components/SubNav.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { QueryBar } from '../../components/QueryBar.tsx'
import { TimePicker } from '../../components/TimePicker.tsx'
import { CohortsPanel } from './CohortsPanel.tsx'
import { FunnelBuilder } from './FunnelBuilder.tsx'
import { FunnelResult } from './FunnelResult.tsx'
import { NextActionsPanel } from './NextActionsPanel.tsx'
import { readBehaviour, selection, TABS, writeBehaviour, type BehaviourState } from './state.ts'
import { useActions } from './useActions.ts'

/** Funnels, next actions and retention cohorts over one period and KQL query, each panel with its state in the address. */
export function BehaviourView (): ReactNode {
  const { t, timeZone } = useI18n()
  const state = readBehaviour(useRoute().params)
  const set = (patch: Partial<BehaviourState>, replace = false): void => navigate(writeBehaviour({ ...state, ...patch }), replace)
  const common = selection(state, timeZone)
  const { actions, error: actionsError } = useActions(common)
  const chosen = state.steps.filter(s => s !== '')
  const tabHref = (tab: BehaviourState['tab']): string => href('/behaviour', { tab, q: state.query, from: state.from, to: state.to })
  return (
    <div className="behaviour-view">
      <h1>{t('behaviour.title')}</h1>
      <div className="toolbar">
        <QueryBar value={state.query} period={{ from: state.from, to: state.to }} onSubmit={query => set({ query })} />
        <TimePicker from={state.from} to={state.to} onChange={(from, to) => set({ from, to })} />
      </div>
      <SubNav label={t('behaviour.panels')} items={TABS.map(tab => ({ to: tabHref(tab), text: t(`behaviour.tab.${tab}` as MessageKey), current: tab === state.tab }))} />
      {actionsError !== null && <p role="alert" className="error">{t('behaviour.actionsFailed', { message: actionsError.message })}</p>}
      {state.tab === 'funnel' && (
        <>
          <FunnelBuilder state={state} actions={actions} onChange={patch => set(patch, true)} />
          {chosen.length >= 2 && chosen.length === state.steps.length
            ? <FunnelResult body={{ ...common, steps: state.steps.map(s => [s]), window: state.window }} />
            : <p className="muted">{t('funnel.choose')}</p>}
        </>
      )}
      {state.tab === 'next' && <NextActionsPanel state={state} actions={actions} selection={common} onChange={patch => set(patch, true)} />}
      {state.tab === 'cohorts' && <CohortsPanel state={state} selection={common} onChange={patch => set(patch, true)} />}
    </div>
  )
}
