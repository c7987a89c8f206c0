import type { ReactNode } from 'react'
import { api, ApiError } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useMe } from '../../auth/me.tsx'
import { href, navigate, useRoute } from '../../app/router.ts'
import { Status } from '../../components/Status.tsx'
import { SubNav } from '../../components/SubNav.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { QueryBar } from '../../components/QueryBar.tsx'
import { TimePicker } from '../../components/TimePicker.tsx'
import { useFigure } from './figure.ts'
import { SignalCard } from './SignalCard.tsx'
import { SignalParams } from './SignalParams.tsx'
import { KINDS, readSignals, signalBody, writeSignals, type SignalsState } from './state.ts'
import type { SignalsAnswer } from './types.ts'

/** The four fraud signals over a period and a KQL query, strongest first, each with its evidence. */
export function SignalsView (): ReactNode {
  const { t, timeZone } = useI18n()
  const me = useMe()
  const state = readSignals(useRoute().params, me.masked)
  const set = (patch: Partial<SignalsState>): void => navigate(writeSignals({ ...state, ...patch }))
  const body = signalBody(state, timeZone)
  const value = useApi(`${state.kind}|${JSON.stringify(body)}`, signal => api<SignalsAnswer>(`/v1/signals/${state.kind}`, { body, signal }))
  const figure = useFigure(state.kind, state.params.by)
  const error = value.state === 'error' && value.error instanceof ApiError ? value.error.errors.find(e => e.path === '/query')?.position : undefined
  return (
    <div className="signals-view">
      <h1>{t('signals.title')}</h1>
      <div className="toolbar">
        <QueryBar value={state.query} period={{ from: state.from, to: state.to }} errorAt={error} onSubmit={query => set({ query })} />
        <TimePicker from={state.from} to={state.to} onChange={(from, to) => set({ from, to })} />
      </div>
      <SubNav label={t('signals.kinds')} items={KINDS.map(kind => ({
        to: href('/signals', { kind, q: state.query, from: state.from, to: state.to }), text: t(`signals.kind.${kind}` as MessageKey), current: kind === state.kind
      }))} />
      <p className="muted">{t(`signals.about.${state.kind}` as MessageKey)}</p>
      <SignalParams kind={state.kind} params={state.params} onSubmit={params => set({ params })} />
      <Status value={value}>
        {r => (
          <section aria-labelledby="signals-found">
            <h2 id="signals-found">{t('signals.results')}</h2>
            <p role="status">{t('signals.found', { found: r.found, shown: r.signals.length })}</p>
            {r.bounds.truncated && <p role="note" className="warning">{t('signals.truncated', { scanned: r.bounds.scanned })}</p>}
            {r.signals.length === 0 && <p className="muted">{t('signals.none')}</p>}
            <ol className="signals">
              {r.signals.map((s, i) => <li key={`${s.key}-${i}`}><SignalCard signal={s} rank={i + 1} text={figure(s)} /></li>)}
            </ol>
          </section>
        )}
      </Status>
    </div>
  )
}
