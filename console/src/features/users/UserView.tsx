import type { ReactNode } from 'react'
import { api } from '../../api/client.ts'
import type { Hit } from '../../api/types.ts'
import { useApi } from '../../api/useApi.ts'
import { useSearch } from '../../api/useSearch.ts'
import { href, useRoute } from '../../app/router.ts'
import { kqlPhrase } from '../../api/kql.ts'
import { sessionHref } from './links.ts'
import { Link } from '../../components/Link.tsx'
import { PagedList } from '../../components/PagedList.tsx'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { valueAt } from '../../api/values.ts'
import { EventList } from './EventList.tsx'
import { Facts, Listed, MoneyTable } from '../../components/Facts.tsx'
import type { UserSummary } from './types.ts'

// Events of a list read at once; the rest page by page, on request.
const PAGE = 100

/** Groups a newest-first timeline by day (in the person's zone), then by session within the day. */
function byDayAndSession (hits: Hit[], day: (iso: string) => string): Array<{ day: string, sessions: Array<{ id: string | null, hits: Hit[] }> }> {
  const days: Array<{ day: string, sessions: Array<{ id: string | null, hits: Hit[] }> }> = []
  for (const h of hits) {
    const d = day(String(valueAt(h.event, '@timestamp')))
    let entry = days[days.length - 1]
    if (entry?.day !== d) days.push(entry = { day: d, sessions: [] })
    const sid = valueAt(h.event, 'audit.session.id')
    const id = typeof sid === 'string' ? sid : null
    let s = entry.sessions.find(x => x.id === id)
    if (s === undefined) entry.sessions.push(s = { id, hits: [] })
    s.hits.push(h)
  }
  return days
}

/** One user: summary of the last 30 days, the manual actions operators did on the account, the timeline. */
export function UserView ({ id }: { id: string }): ReactNode {
  const { t, timeZone, dateTime, locale } = useI18n()
  const path = encodeURIComponent(id)
  // The user of one tenant where the link named it (ids are unique within a tenant only).
  const tenant = useRoute().params.get('tenant') ?? undefined
  const within = tenant === undefined ? {} : { tenant: [tenant] }
  const summary = useApi(`${id}|${timeZone}|${tenant ?? ''}`, signal => api<UserSummary>(`/v1/users/${path}/summary?from=now-30d&to=now&tz=${encodeURIComponent(timeZone)}${tenant === undefined ? '' : `&tenant=${encodeURIComponent(tenant)}`}`, { signal }))
  // GET /v1/users/:id/timeline as a search (newest first), so that its cursor pages the same way as Discover's.
  const timeline = useSearch({ filters: { userId: [id], ...within, period: { from: 'now-90d', to: 'now' } }, size: PAGE })
  const operators = useSearch({ filters: { userId: [id], ...within, actorType: ['operator'], period: { from: 'now-1y', to: 'now' } }, size: PAGE })
  const dayOf = (iso: string): string => new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { timeZone, dateStyle: 'full' }).format(new Date(iso))
  return (
    <div className="user-view">
      <h1>{t('user.title', { id })}</h1>
      {tenant !== undefined && <p className="muted">{t('me.tenant', { tenant })}</p>}
      <p><Link to={href('/discover', { user: id, from: 'now-90d', to: 'now', q: tenant === undefined ? undefined : `audit.tenant:${kqlPhrase(tenant)}` })}>{t('nav.discover')}</Link></p>
      <section aria-labelledby="user-summary">
        <h2 id="user-summary">{t('user.summary')}</h2>
        <Status value={summary}>
          {s => (
            <>
              <Facts items={[
                [t('user.firstSeen'), s.firstSeen === null ? '—' : dateTime(s.firstSeen)],
                [t('user.lastSeen'), s.lastSeen === null ? '—' : dateTime(s.lastSeen)],
                [t('common.events', { count: s.total }), s.byCategory.map(c => `${c.key} ${c.current}`).join(', ')],
                [t('session.countries'), <Listed values={s.countries.values} count={s.countries.count} />],
                [t('session.ips'), <Listed values={s.ips.values} count={s.ips.count} shown={10} />],
                [t('session.devices'), Object.entries(s.devices.types).map(([k, v]) => `${k} ${v}`).join(', ')]
              ]} />
              <MoneyTable rows={s.money} />
            </>
          )}
        </Status>
      </section>
      <section aria-labelledby="user-operators">
        <h2 id="user-operators">{t('user.operatorActions')}</h2>
        <PagedList results={operators}>{rows => <EventList hits={rows} label={t('user.operatorActions')} />}</PagedList>
      </section>
      <section aria-labelledby="user-timeline">
        <h2 id="user-timeline">{t('user.timeline')}</h2>
        <PagedList results={timeline}>
          {rows => byDayAndSession(rows, dayOf).map(d => (
            <section key={d.day} className="day" aria-label={d.day}>
              <h3>{d.day}</h3>
              {d.sessions.map(s => (
                <div key={s.id ?? '-'} className="session-group">
                  <h4>{s.id === null ? t('user.noSession') : <Link to={sessionHref(s.id, tenant)}>{t('user.sessionGroup', { id: s.id })}</Link>}</h4>
                  <EventList hits={s.hits} label={s.id ?? t('user.noSession')} />
                </div>
              ))}
            </section>
          ))}
        </PagedList>
      </section>
    </div>
  )
}
