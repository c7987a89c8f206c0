import type { ReactNode } from 'react'
import type { Hit } from '../../api/types.ts'
import { ImportanceBadge, OperatorBadge } from '../../components/Badges.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { display, valueAt } from '../../api/values.ts'

/** Events as a compact list: time, action, outcome, importance, operator, place and message. */
export function EventList ({ hits, label }: { hits: Hit[], label: string }): ReactNode {
  const { dateTime } = useI18n()
  return (
    <ol className="events" aria-label={label}>
      {hits.map(h => {
        const actor = valueAt(h.event, 'audit.actor') as { type?: string, id?: string } | undefined
        return (
          <li key={h.id}>
            <time dateTime={String(valueAt(h.event, '@timestamp'))}>{dateTime(String(valueAt(h.event, '@timestamp')))}</time>
            <strong>{display(valueAt(h.event, 'event.action'))}</strong>
            <span className={`outcome ${display(valueAt(h.event, 'event.outcome'))}`}>{display(valueAt(h.event, 'event.outcome'))}</span>
            <ImportanceBadge level={valueAt(h.event, 'audit.importance.level')} />
            {actor?.type === 'operator' && actor.id !== undefined && <OperatorBadge id={actor.id} />}
            <span className="muted">{display(valueAt(h.event, 'source.geo.country_iso_code'))} {display(valueAt(h.event, 'source.ip'))}</span>
            <span>{display(valueAt(h.event, 'message'))}</span>
          </li>
        )
      })}
    </ol>
  )
}
