import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { api, ApiError } from '../../api/client.ts'
import { useApi, type Loadable } from '../../api/useApi.ts'
import { href } from '../../app/router.ts'
import { ImportanceBadge } from '../../components/Badges.tsx'
import { Facts } from '../../components/Facts.tsx'
import { Flyout } from '../../components/Flyout.tsx'
import { Link } from '../../components/Link.tsx'
import { ErrorBox, Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n, type I18n } from '../../i18n/i18n.tsx'
import { evidenceParams, nextStatuses } from './state.ts'
import type { Alert } from './types.ts'

/** The rule that raised an alert, or the part of the pipeline for its own alerts. */
export const sourceOf = (a: Alert, t: I18n['t']): string => a.system !== null ? t('alerts.system', { name: a.system }) : a.rule_name ?? a.rule_id ?? '—'

const OPS: Record<string, string> = { gte: '≥', gt: '>', lte: '≤', lt: '<' }
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

/** A figure's value as a reader takes it in: times in the chosen zone, numbers in the locale, a bound as `≥ 5`. */
function figureText (v: unknown, { dateTime, number }: Pick<I18n, 'dateTime' | 'number'>): string {
  if (typeof v === 'number') return number(v)
  if (typeof v === 'string') return ISO_TIME.test(v) ? dateTime(v) : v
  const bound = v as { op?: unknown, value?: unknown } | null
  if (bound !== null && typeof bound === 'object' && typeof bound.op === 'string' && OPS[bound.op] !== undefined && typeof bound.value === 'number') return `${OPS[bound.op] as string} ${number(bound.value)}`
  return JSON.stringify(v)
}

/** One alert in a side panel: what fired, its evidence, its history, and the status changes it may take, each with a note. */
export function AlertDetail ({ id, onClose, onChanged }: { id: string, onClose: () => void, onChanged: () => void }): ReactNode {
  const { t } = useI18n()
  const [version, setVersion] = useState(0)
  // Kept here: the body is drawn again from the alert read anew after each change.
  const [notice, setNotice] = useState('')
  const noticeRef = useRef<HTMLParagraphElement>(null)
  const value = useApi(id, signal => api<Alert>(`/v1/alerts/${encodeURIComponent(id)}`, { signal }), version)
  // While it is read again, the alert as it was stays on screen (the form, and focus, do not vanish).
  const [last, setLast] = useState<Alert | undefined>(undefined)
  useEffect(() => { if (value.state === 'done') setLast(value.data) }, [value])
  const shown: Loadable<Alert> = value.state === 'loading' && last?.id === id ? { state: 'done', data: last } : value
  const title = shown.state === 'done' ? shown.data.title : t('alerts.alert')
  const changed = (message: string): void => { setNotice(message); setVersion(v => v + 1); onChanged(); noticeRef.current?.focus() }
  return (
    <Flyout title={title} onClose={onClose}>
      <p role="status" className="notice" ref={noticeRef} tabIndex={-1}>{notice}</p>
      <Status value={shown}>
        {a => <AlertBody alert={a} onChanged={changed} onStart={() => setNotice('')} />}
      </Status>
    </Flyout>
  )
}

interface Changes { onChanged: (message: string) => void, onStart: () => void }

function AlertBody ({ alert: a, onChanged, onStart }: { alert: Alert } & Changes): ReactNode {
  const i18n = useI18n()
  const { t, dateTime, number } = i18n
  const evidence = evidenceParams(a)
  return (
    <>
      <Facts items={[
        [t('alerts.severity'), <ImportanceBadge key="s" level={a.severity} />],
        [t('alerts.status'), t(`alerts.status.${a.status}` as MessageKey)],
        [t('alerts.source'), sourceOf(a, t)],
        [t('alerts.kind'), a.kind === 'system' ? t('alerts.kind.system') : t(`watch.kind.${a.kind}` as MessageKey)],
        [t('alerts.group'), a.group === null ? '—' : `${a.group_field ?? ''} ${a.group}`],
        [t('alerts.firstEvent'), a.first_event_at === null ? '—' : dateTime(a.first_event_at)],
        [t('alerts.lastEvent'), a.last_event_at === null ? '—' : dateTime(a.last_event_at)],
        [t('alerts.raised'), dateTime(a.created_at)],
        [t('alerts.lastSeen'), dateTime(a.last_seen_at)],
        [t('alerts.repeats'), number(a.repeats)]
      ]} />
      <h3>{t('alerts.figure')}</h3>
      <Facts items={Object.entries(a.figure).map(([k, v]) => [k, figureText(v, i18n)])} />
      <h3>{t('alerts.evidence', { count: a.evidence.length })}</h3>
      {evidence !== undefined && <p><Link to={href('/discover', evidence)}>{t('alerts.openEvidence')}</Link></p>}
      <h3>{t('alerts.history')}</h3>
      {a.history.length === 0
        ? <p className="muted">{t('alerts.noHistory')}</p>
        : (
          <ol className="history">
            {a.history.map((h, i) => (
              <li key={i}>
                <strong>{t('alerts.change', { from: t(`alerts.status.${h.from}` as MessageKey), to: t(`alerts.status.${h.to}` as MessageKey) })}</strong>{' '}
                {dateTime(h.at)} {t('alerts.by', { who: h.person ?? h.by })}
                <p>{h.note}</p>
              </li>
            ))}
          </ol>
          )}
      <StatusForm alert={a} onChanged={onChanged} onStart={onStart} />
    </>
  )
}

/** Acknowledge or close, with the note the API requires; a change made meanwhile by someone else is explained. */
function StatusForm ({ alert: a, onChanged, onStart }: { alert: Alert } & Changes): ReactNode {
  const { t } = useI18n()
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Error | null>(null)
  const choices = nextStatuses(a.status)
  if (choices.length === 0) return <p className="muted">{t('alerts.final')}</p>
  const change = async (status: 'acknowledged' | 'closed'): Promise<void> => {
    setBusy(true)
    setError(null)
    onStart()
    try {
      await api<Alert>(`/v1/alerts/${encodeURIComponent(a.id)}/status`, { body: { status, note: note.trim() } })
      setNote('')
      onChanged(t('alerts.changed', { status: t(`alerts.status.${status}` as MessageKey) }))
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) onChanged(t('alerts.conflict', { message: err.message }))
      else setError(err as Error)
    } finally {
      setBusy(false)
    }
  }
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault()
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null
    void change(submitter?.value === 'closed' ? 'closed' : choices[0] as 'acknowledged' | 'closed')
  }
  return (
    <form className="alert-status" onSubmit={submit}>
      <label htmlFor="alert-note">{t('alerts.note')}</label>
      <textarea id="alert-note" value={note} onChange={e => setNote(e.target.value)} required maxLength={2000} rows={3} />
      <div className="actions">
        {choices.map(s => <button key={s} type="submit" value={s} disabled={busy || note.trim() === ''}>{t(s === 'acknowledged' ? 'alerts.acknowledge' : 'alerts.close')}</button>)}
      </div>
      {error !== null && <ErrorBox error={error} />}
    </form>
  )
}
