import type { ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useSearch } from '../../api/useSearch.ts'
import { useRoute } from '../../app/router.ts'
import { userHref } from './links.ts'
import { ImportanceBadge } from '../../components/Badges.tsx'
import { Link } from '../../components/Link.tsx'
import { PagedList } from '../../components/PagedList.tsx'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { EventList } from './EventList.tsx'
import { counts, Facts, Listed, MoneyTable } from '../../components/Facts.tsx'
import type { SessionSummary } from './types.ts'

// Events of the session read at once; the rest page by page, on request.
const PAGE = 100

const duration = (ms: number): string => {
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m ${String(s % 60).padStart(2, '0')}s`
}

/** One session: its summary (duration, categories, money, places, devices, failures, highest importance), operator actions and events. */
export function SessionView ({ id }: { id: string }): ReactNode {
  const { t } = useI18n()
  const path = encodeURIComponent(id)
  // The session of one tenant where the link named it (ids are unique within a tenant only).
  const tenant = useRoute().params.get('tenant') ?? undefined
  const summary = useApi(`${id}|${tenant ?? ''}`, signal => api<SessionSummary>(`/v1/sessions/${path}/summary${tenant === undefined ? '' : `?tenant=${encodeURIComponent(tenant)}`}`, { signal }))
  // GET /v1/sessions/:id/events as a search (in order), so that its cursor pages the same way as Discover's.
  const events = useSearch({ filters: { sessionId: [id], ...(tenant === undefined ? {} : { tenant: [tenant] }) }, sort: [{ field: 'time', order: 'asc' }], size: PAGE })
  return (
    <div className="session-view">
      <h1>{t('session.title', { id })}</h1>
      <Status value={summary}>
        {s => (
          <section aria-label={t('session.title', { id })}>
            <Facts items={[
              [t('session.duration'), duration(s.durationMs)],
              [t('session.users'), <>{s.users.map(u => <Link key={u} to={userHref(u, tenant)}>{u}</Link>)}</>],
              [t('session.categories'), counts(s.byCategory)],
              [t('session.failures'), String(s.byOutcome.failure ?? 0)],
              [t('session.countries'), <Listed values={s.countries.values} count={s.countries.count} />],
              [t('session.ips'), <Listed values={s.ips.values} count={s.ips.count} />],
              [t('session.devices'), counts(s.devices.types)],
              [t('session.highest'), s.highestImportance === null ? '—' : <><ImportanceBadge level={s.highestImportance.level} /> {s.highestImportance.rule}</>]
            ]} />
            <MoneyTable rows={s.money} />
            <h2>{t('user.operatorActions')}</h2>
            {s.operatorActions.events.length === 0 ? <p className="muted">{t('common.none')}</p> : <EventList hits={s.operatorActions.events} label={t('user.operatorActions')} />}
            {s.operatorActions.total > s.operatorActions.events.length && <p className="muted">{t('results.shown', { shown: s.operatorActions.events.length, total: s.operatorActions.total })}</p>}
          </section>
        )}
      </Status>
      <h2>{t('session.events')}</h2>
      <PagedList results={events}>{rows => <EventList hits={rows} label={t('session.events')} />}</PagedList>
    </div>
  )
}
