import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { href, navigate } from '../../app/router.ts'
import { can, useMe } from '../../auth/me.tsx'
import { ImportanceBadge } from '../../components/Badges.tsx'
import { Link } from '../../components/Link.tsx'
import { Status } from '../../components/Status.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { RuleEditor } from './RuleEditor.tsx'
import { RuleRuns, runStatus } from './RuleRuns.tsx'
import type { RuleStart } from './rule-draft.ts'
import { alertsParams } from './state.ts'
import type { RuleRun, WatchRule, WatchRuleList } from './types.ts'

/**
 * The tenant's watch rules as they run, each with its latest run (opening its run log) and a link to its
 * alerts. Administrators make, change and delete them here (`start`: the search a new rule starts from, as
 * Discover's "Watch this search" gives it).
 */
export function WatchRules ({ start }: { start?: RuleStart }): ReactNode {
  const { t, dateTime } = useI18n()
  const admin = can(useMe(), 'admin')
  const [reload, setReload] = useState(0)
  const [notice, setNotice] = useState('')
  // The rule being made (null) or changed; a search given by Discover opens the form for a new rule.
  const [editing, setEditing] = useState<WatchRule | null | undefined>(admin && start !== undefined ? null : undefined)
  const [runsOf, setRunsOf] = useState<WatchRule | undefined>(undefined)
  const value = useApi('watch-rules', async signal => await api<WatchRuleList>('/v1/watch-rules', { signal }), reload)
  // Closed, the form leaves the search it started from out of the address, so a reload does not open it again.
  const close = (): void => { setEditing(undefined); if (start !== undefined) navigate(href('/alerts/rules'), true) }
  const done = (message: string): void => { close(); setNotice(message); setReload(r => r + 1) }
  return (
    <>
      {admin && <p><button type="button" onClick={() => { setNotice(''); setEditing(null) }}>{t('watch.new')}</button></p>}
      <p role="status" className="notice">{notice}</p>
      {editing !== undefined && (
        <RuleEditor {...(editing === null ? (start === undefined ? {} : { start }) : { rule: editing })} onClose={close} onDone={done} />
      )}
      {runsOf !== undefined && <RuleRuns rule={runsOf} onClose={() => setRunsOf(undefined)} onRan={() => setReload(r => r + 1)} />}
      <Status value={value}>
        {({ rules, last_runs: lastRuns }) => rules.length === 0
          ? <p className="muted">{t('watch.none')}</p>
          : (
            <table className="data wide">
              <caption>{t('watch.caption', { count: rules.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th>
                  <th scope="col">{t('alerts.kind')}</th>
                  <th scope="col">{t('alerts.severity')}</th>
                  <th scope="col">{t('watch.interval')}</th>
                  <th scope="col">{t('watch.state')}</th>
                  <th scope="col">{t('runs.last')}</th>
                  <th scope="col">{t('saved.updated')}</th>
                  <th scope="col">{t('watch.alerts')}</th>
                  {admin && <th scope="col"><span className="sr-only">{t('watch.change')}</span></th>}
                </tr>
              </thead>
              <tbody>
                {[...rules].sort((a, b) => a.name.localeCompare(b.name)).map(r => (
                  <tr key={r.id}>
                    <th scope="row">{r.name}{r.description !== undefined && <p className="muted">{r.description}</p>}</th>
                    <td>{t(`watch.kind.${r.condition.kind}` as MessageKey)}</td>
                    <td><ImportanceBadge level={r.severity ?? 'medium'} /></td>
                    <td>{r.interval ?? '5m'}</td>
                    <td>{r.enabled === false ? t('watch.disabled') : t('watch.enabled')}</td>
                    <td><LastRun rule={r} run={lastRuns[r.id]} onOpen={() => setRunsOf(r)} /></td>
                    <td>{dateTime(r.updated_at)}</td>
                    <td><Link to={href('/alerts', alertsParams({ shows: 'all', severity: 'any', rule: r.id }))} label={t('watch.alertsOf', { name: r.name })}>{t('watch.alerts')}</Link></td>
                    {admin && <td><button type="button" onClick={() => { setNotice(''); setEditing(r) }} aria-label={t('watch.editOf', { name: r.name })}>{t('watch.change')}</button></td>}
                  </tr>
                ))}
              </tbody>
            </table>
            )}
      </Status>
    </>
  )
}

/** A rule's latest run in a few words, as a button opening its run log. */
function LastRun ({ rule, run, onOpen }: { rule: WatchRule, run: RuleRun | undefined, onOpen: () => void }): ReactNode {
  const { t, dateTime } = useI18n()
  const status = run === undefined ? t('runs.never') : `${runStatus(run, t)}, ${dateTime(run.started_at)}`
  return (
    <button type="button" className={run?.status === 'failed' ? 'warning' : undefined} onClick={onOpen} aria-label={t('runs.openOf', { name: rule.name, status })}>
      {status}
    </button>
  )
}
