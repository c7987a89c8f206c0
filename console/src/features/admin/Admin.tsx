import type { ReactNode } from 'react'
import { href, useLinkHandler } from '../../app/router.ts'
import { can, useMe } from '../../auth/me.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/catalogue.ts'
import { AccessLog } from './AccessLog.tsx'
import { ApiKeys } from './ApiKeys.tsx'
import { DeadLetters } from './DeadLetters.tsx'
import { Streams } from './Streams.tsx'
import { Webhooks } from './Webhooks.tsx'
import { Rules } from './Rules.tsx'

const TABS: Array<[string, MessageKey, () => ReactNode]> = [
  ['keys', 'admin.keys', () => <ApiKeys />],
  ['rules', 'admin.rules', () => <Rules />],
  ['notifications', 'admin.notifications', () => <><Webhooks /><Streams /></>],
  ['access-log', 'admin.accessLog', () => <AccessLog />],
  ['dead-letters', 'admin.deadLetters', () => <DeadLetters />]
]

/** Administration (admin keys): API keys, the importance rule table, notifications, the access log and dead letters, one per address. */
export function Admin ({ tab = 'keys' }: { tab?: string }): ReactNode {
  const { t } = useI18n()
  const me = useMe()
  const follow = useLinkHandler()
  if (!can(me, 'admin')) return <p role="alert" className="error">{t('admin.forbidden')}</p>
  return (
    <div className="admin-view">
      <h1>{t('nav.admin')}</h1>
      <nav aria-label={t('admin.sections')} className="tabs">
        <ul>
          {TABS.map(([id, label]) => (
            <li key={id}>
              <a href={href(`/admin/${id}`)} onClick={follow} className={tab === id ? 'active' : undefined} aria-current={tab === id ? 'page' : undefined}>{t(label)}</a>
            </li>
          ))}
        </ul>
      </nav>
      {(TABS.find(([id]) => id === tab) ?? TABS[0])?.[2]()}
    </div>
  )
}
