import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { can, useMe } from '../../auth/me.tsx'
import { Flyout } from '../../components/Flyout.tsx'
import { ErrorBox, Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n, type I18n } from '../../i18n/i18n.tsx'
import type { RuleRun, WatchRule } from './types.ts'

const SHOWN = 20

/** A run's result in a word: succeeded, failed, skipped. */
export const runStatus = (run: RuleRun, t: (key: MessageKey) => string): string => t(`runs.status.${run.status}` as MessageKey)

/**
 * A rule's run log in a side panel, newest first: what each run read, examined and raised, why one failed or
 * was skipped, and where a bound stopped one. Administrators queue a run from here.
 */
export function RuleRuns ({ rule, onClose, onRan }: { rule: WatchRule, onClose: () => void, onRan: () => void }): ReactNode {
  const { t } = useI18n()
  const admin = can(useMe(), 'admin')
  const [reload, setReload] = useState(0)
  const [notice, setNotice] = useState('')
  const [failure, setFailure] = useState<Error | undefined>(undefined)
  const [queueing, setQueueing] = useState(false)
  const value = useApi(rule.id, async signal => (await api<{ runs: RuleRun[] }>(`/v1/watch-rules/${encodeURIComponent(rule.id)}/runs?size=${SHOWN}`, { signal })).runs, reload)
  const refresh = (): void => { setNotice(''); setFailure(undefined); setReload(r => r + 1); onRan() }
  const runNow = async (): Promise<void> => {
    setNotice('')
    setFailure(undefined)
    setQueueing(true)
    try {
      await api(`/v1/watch-rules/${encodeURIComponent(rule.id)}/run`, { method: 'POST' })
      setNotice(t('runs.queued'))
    } catch (err) {
      setFailure(err as Error)
    } finally {
      setQueueing(false)
    }
  }
  return (
    <Flyout title={t('runs.of', { name: rule.name })} onClose={onClose}>
      <p>
        <button type="button" onClick={refresh}>{t('common.refresh')}</button>
        {admin && <>{' '}<button type="button" onClick={() => { void runNow() }} disabled={queueing} aria-busy={queueing}>{queueing ? t('runs.queueing') : t('runs.runNow')}</button></>}
      </p>
      <p role="status" className="notice">{notice}</p>
      {failure !== undefined && <ErrorBox error={failure} />}
      <Status value={value}>
        {runs => runs.length === 0 ? <p className="muted">{t('runs.none')}</p> : <RunsTable runs={runs} />}
      </Status>
    </Flyout>
  )
}

/** Where a bound stopped a run: after which group the next run goes on (masked readers are not told the group). */
function stopText (r: RuleRun, t: I18n['t']): string {
  if (r.resume == null) return t('runs.stoppedLost')
  return r.resume.after.length === 0 ? t('runs.stoppedHere') : t('runs.stopped', { after: r.resume.after.join(' · ') })
}

function RunsTable ({ runs }: { runs: RuleRun[] }): ReactNode {
  const { t, dateTime, number } = useI18n()
  return (
    <table className="data">
      <caption>{t('runs.caption', { count: runs.length })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('runs.started')}</th>
          <th scope="col">{t('runs.status')}</th>
          <th scope="col">{t('runs.read')}</th>
          <th scope="col">{t('runs.scanned')}</th>
          <th scope="col">{t('runs.groups')}</th>
          <th scope="col">{t('runs.found')}</th>
          <th scope="col">{t('runs.alerts')}</th>
        </tr>
      </thead>
      <tbody>
        {runs.map(r => (
          <tr key={r.id}>
            <th scope="row">{dateTime(r.started_at)}</th>
            <td>
              <span className={r.status === 'failed' ? 'warning' : undefined}>{runStatus(r, t)}</span>
              {r.attempt > 1 && <> #{r.attempt}</>}
              {r.will_retry && <> ({t('runs.willRetry')})</>}
              {r.reason !== null && <p className="muted">{r.reason}</p>}
              {r.truncated && <p className="muted">{stopText(r, t)}</p>}
            </td>
            <td>{r.since !== null && r.until !== null ? t('runs.readSpan', { since: dateTime(r.since), until: dateTime(r.until) }) : '—'}</td>
            <td>{number(r.scanned)}</td>
            <td>{number(r.groups)}</td>
            <td>{number(r.findings)}</td>
            <td>{t('runs.alertsFigures', { raised: r.raised, merged: r.merged, cooling: r.cooling_down })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
