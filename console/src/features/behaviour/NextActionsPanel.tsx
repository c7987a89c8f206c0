import type { ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import { NextActionsResult } from './NextActionsResult.tsx'
import { TOPS, type BehaviourState } from './state.ts'
import { withChosen } from './useActions.ts'

interface Props { state: BehaviourState, actions: string[], selection: object, onChange: (patch: Partial<BehaviourState>) => void }

/** What users do right after a chosen action: the most frequent next actions with their shares. */
export function NextActionsPanel ({ state, actions, selection, onChange }: Props): ReactNode {
  const { t } = useI18n()
  return (
    <>
      <fieldset className="panel form-row">
        <legend>{t('next.settings')}</legend>
        <label htmlFor="next-action">{t('next.after')}</label>
        <select id="next-action" value={state.action} onChange={e => onChange({ action: e.target.value })}>
          <option value="">{t('behaviour.chooseAction')}</option>
          {withChosen(actions, [state.action]).map(a => <option key={a} value={a}>{a}</option>)}
        </select>
        <input id="next-same" type="checkbox" checked={state.sameSession} onChange={e => onChange({ sameSession: e.target.checked })} />
        <label htmlFor="next-same">{t('next.sameSession')}</label>
        <label htmlFor="next-top">{t('next.top')}</label>
        <select id="next-top" value={state.top} onChange={e => onChange({ top: Number(e.target.value) })}>
          {TOPS.map(n => <option key={n} value={n}>{n}</option>)}
        </select>
      </fieldset>
      {state.action === '' ? <p className="muted">{t('next.choose')}</p> : <NextActionsResult body={{ ...selection, action: state.action, sameSession: state.sameSession, top: state.top }} />}
    </>
  )
}
