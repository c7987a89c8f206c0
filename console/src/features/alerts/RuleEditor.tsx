import { useState, type FormEvent, type ReactNode } from 'react'
import { api, ApiError, request } from '../../api/client.ts'
import { Confirm } from '../../components/Confirm.tsx'
import { Flyout } from '../../components/Flyout.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { draftOf, METRICS, RULE_KINDS, RULE_SEVERITIES, ruleInput, SIGNAL_BY, SIGNAL_PARAMS, SIGNALS, type RuleDraft, type RuleStart } from './rule-draft.ts'
import type { WatchRule } from './types.ts'
import { BusyButton } from '../../components/BusyButton.tsx'

/** Fields a rule usually groups by or watches for a new value; any other field of the event model may be typed. */
const GROUP_FIELDS = ['user.id', 'source.ip', 'audit.device.id', 'user.email', 'source.geo.country_iso_code', 'event.action', 'audit.money.currency']
const NEW_VALUE_FIELDS = ['source.geo.country_iso_code', 'audit.device.id', 'source.ip', 'user_agent.name', 'user.email']
/** What the API takes when a signal's parameter is left empty, shown as the empty field's placeholder. */
const PARAM_DEFAULTS: Partial<Record<string, string>> = { threshold: '5', maxSpeedKmh: '1000', minDistanceKm: '100', minUsers: '3' }

interface Props {
  /** The rule to change, or none to make one (from a search, if given). */
  rule?: WatchRule
  start?: RuleStart
  onClose: () => void
  /** After a save or a deletion, with what to announce. */
  onDone: (message: string) => void
}

/**
 * Makes or changes a watch rule: its condition (a threshold on a search, a fraud signal, or a new value for a
 * user), how often it runs and the severity of its alerts. The API checks the whole rule and its field errors are
 * shown; a change made meanwhile by someone else is refused (409) and said.
 */
export function RuleEditor ({ rule, start, onClose, onDone }: Props): ReactNode {
  const { t } = useI18n()
  const [draft, setDraft] = useState<RuleDraft>(() => draftOf(rule, start))
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const set = (patch: Partial<RuleDraft>): void => setDraft(d => ({ ...d, ...patch }))
  const input = (name: keyof RuleDraft, label: string, props: { hint?: string, list?: string, inputMode?: 'decimal' | 'numeric', required?: boolean, placeholder?: string } = {}): ReactNode => {
    const id = `rule-${name}`
    return (
      <div className="form-row">
        <label htmlFor={id}>{label}</label>
        <input
          id={id} value={draft[name] as string} onChange={e => set({ [name]: e.target.value })} spellCheck={false}
          list={props.list} inputMode={props.inputMode} required={props.required} placeholder={props.placeholder}
          aria-describedby={props.hint === undefined ? undefined : `${id}-hint`}
        />
        {props.hint !== undefined && <span id={`${id}-hint`} className="muted">{props.hint}</span>}
      </div>
    )
  }
  const failed = (err: unknown): void => {
    setError(err instanceof ApiError && err.status === 409 ? new Error(t('watch.conflict', { message: err.message })) : err as Error)
  }
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true); setError(null)
    try {
      const body = ruleInput(draft)
      const saved = rule === undefined
        ? await api<WatchRule>('/v1/watch-rules', { body })
        : await api<WatchRule>(`/v1/watch-rules/${encodeURIComponent(rule.id)}`, { method: 'PUT', body, headers: { 'if-match': `"${rule.version}"` } })
      onDone(t(rule === undefined ? 'watch.created' : 'watch.saved', { name: saved.name }))
    } catch (err) { failed(err) } finally { setBusy(false) }
  }
  const remove = async (): Promise<void> => {
    if (rule === undefined) return
    setBusy(true); setError(null)
    try {
      await request(`/v1/watch-rules/${encodeURIComponent(rule.id)}`, { method: 'DELETE', headers: { 'if-match': `"${rule.version}"` } })
      onDone(t('watch.deleted', { name: rule.name }))
    } catch (err) { failed(err); setConfirming(false) } finally { setBusy(false) }
  }
  const params = draft.kind === 'signal' ? SIGNAL_PARAMS[draft.signal] : []
  const byChoices = SIGNAL_BY[draft.signal] ?? []
  return (
    <Flyout title={rule === undefined ? t('watch.new') : t('watch.edit', { name: rule.name })} onClose={onClose}>
      <form className="rule-editor" onSubmit={e => { void submit(e) }}>
        {input('name', t('common.name'), { required: true })}
        {input('description', t('watch.description'))}
        <div className="form-row">
          <label htmlFor="rule-severity">{t('alerts.severity')}</label>
          <select id="rule-severity" value={draft.severity} onChange={e => set({ severity: e.target.value as RuleDraft['severity'] })}>
            {RULE_SEVERITIES.map(s => <option key={s} value={s}>{t(`level.${s}` as MessageKey)}</option>)}
          </select>
          <label className="check"><input type="checkbox" checked={draft.enabled} onChange={e => set({ enabled: e.target.checked })} /> {t('watch.enabled')}</label>
        </div>
        {input('interval', t('watch.interval'), { hint: t('signals.durationHint'), required: true })}
        {input('lookBack', t('watch.lookBack'), { hint: t('watch.lookBackHint') })}
        {input('cooldown', t('watch.cooldown'), { hint: t('watch.cooldownHint') })}

        <fieldset className="panel">
          <legend>{t('watch.condition')}</legend>
          <div className="form-row" role="radiogroup" aria-label={t('alerts.kind')}>
            {RULE_KINDS.map(k => (
              <label key={k} className="check"><input type="radio" name="rule-kind" value={k} checked={draft.kind === k} onChange={() => set({ kind: k })} /> {t(`watch.kind.${k}` as MessageKey)}</label>
            ))}
          </div>
          <p className="muted">{t(`watch.kindHint.${draft.kind}` as MessageKey)}</p>
          {input('query', t('watch.query'), { hint: t('watch.queryHint'), placeholder: 'event.action:withdrawal and audit.money.amount >= 1000' })}
          {(draft.kept.filters !== undefined || draft.kept.savedSearchId !== undefined) && (
            <p className="muted">{t('watch.keptFilters')} <code>{JSON.stringify({ ...draft.kept.filters, ...(draft.kept.savedSearchId === undefined ? {} : { savedSearchId: draft.kept.savedSearchId }) })}</code></p>
          )}
          {draft.kind === 'threshold' && (
            <>
              <div className="form-row">
                <label htmlFor="rule-metric">{t('watch.metric')}</label>
                <select id="rule-metric" value={draft.metric} onChange={e => set({ metric: e.target.value as RuleDraft['metric'] })}>
                  {METRICS.map(m => <option key={m} value={m}>{t(`watch.metric.${m}` as MessageKey)}</option>)}
                </select>
                <label htmlFor="rule-op">{t('watch.bound')}</label>
                <select id="rule-op" value={draft.op} onChange={e => set({ op: e.target.value as RuleDraft['op'] })}>
                  <option value="gt">&gt;</option>
                  <option value="gte">≥</option>
                </select>
                <input id="rule-value" aria-label={t('watch.value')} value={draft.value} onChange={e => set({ value: e.target.value })} inputMode="decimal" required />
              </div>
              {input('window', t('watch.window'), { hint: t('signals.durationHint'), required: true })}
              {input('groupBy', t('watch.groupBy'), { hint: t('watch.groupByHint'), list: 'rule-group-fields' })}
              <datalist id="rule-group-fields">{GROUP_FIELDS.map(f => <option key={f} value={f} />)}</datalist>
            </>
          )}
          {draft.kind === 'signal' && (
            <>
              <div className="form-row">
                <label htmlFor="rule-signal">{t('watch.signal')}</label>
                <select id="rule-signal" value={draft.signal} onChange={e => set({ signal: e.target.value as RuleDraft['signal'], by: '' })}>
                  {SIGNALS.map(s => <option key={s} value={s}>{t(`signals.kind.${s}` as MessageKey)}</option>)}
                </select>
              </div>
              <p className="muted">{t(`signals.about.${draft.signal}` as MessageKey)}</p>
              {params.map(p => {
                const label = t(`signals.param.${draft.signal}.${p === 'signalWindow' ? 'window' : p}` as MessageKey)
                if (p !== 'by') return <div key={p}>{input(p, label, p === 'signalWindow' ? { hint: t('signals.durationHint') } : { inputMode: 'decimal', placeholder: PARAM_DEFAULTS[p] })}</div>
                return (
                  <div key={p} className="form-row">
                    <label htmlFor="rule-by">{label}</label>
                    <select id="rule-by" value={draft.by} onChange={e => set({ by: e.target.value })}>
                      {byChoices.map((b, i) => <option key={b} value={i === 0 ? '' : b}>{t(`signals.by.${b}` as MessageKey)}</option>)}
                    </select>
                  </div>
                )
              })}
            </>
          )}
          {draft.kind === 'new-value' && (
            <>
              {input('field', t('watch.field'), { hint: t('watch.fieldHint'), list: 'rule-new-value-fields', required: true })}
              <datalist id="rule-new-value-fields">{NEW_VALUE_FIELDS.map(f => <option key={f} value={f} />)}</datalist>
              {input('days', t('watch.days'), { inputMode: 'numeric' })}
              <label className="check"><input type="checkbox" checked={draft.requireHistory} onChange={e => set({ requireHistory: e.target.checked })} /> {t('watch.requireHistory')}</label>
            </>
          )}
        </fieldset>
        {error !== null && <ErrorBox error={error} />}
        <div className="form-row end">
          {rule !== undefined && <BusyButton className="danger" onClick={() => setConfirming(true)} busy={busy}>{t('watch.delete')}</BusyButton>}
          <button type="button" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" disabled={busy || draft.name.trim() === ''} aria-busy={busy}>{t(rule === undefined ? 'watch.create' : 'common.save')}</button>
        </div>
      </form>
      {confirming && rule !== undefined && (
        <Confirm
          title={t('watch.deleteTitle', { name: rule.name })} message={t('watch.deleteMessage')} action={t('watch.delete')} busy={busy}
          onConfirm={() => { void remove() }} onCancel={() => setConfirming(false)}
        />
      )}
    </Flyout>
  )
}
