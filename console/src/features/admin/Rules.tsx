import { useState, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { useMe } from '../../auth/me.tsx'
import { ImportanceBadge } from '../../components/Badges.tsx'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { RulesEditor } from './RulesEditor.tsx'
import type { Rule, RulesTable } from './types.ts'

/** The importance rule table new events are rated with; a platform admin edits it as JSON. */
export function Rules (): ReactNode {
  const { t, dateTime, number } = useI18n()
  const me = useMe()
  const [generation, setGeneration] = useState(0)
  const [editing, setEditing] = useState(false)
  const [notice, setNotice] = useState('')
  const table = useApi('rules', signal => api<RulesTable>('/v1/importance-rules', { signal }), generation)
  const when = (w: Rule['when']): string => [
    w.categories === undefined ? '' : t('rules.categories', { list: w.categories.join(', ') }),
    w.actions === undefined ? '' : t('rules.actions', { list: w.actions.join(', ') }),
    w.outcomes === undefined ? '' : t('rules.outcomes', { list: w.outcomes.join(', ') }),
    w.actorTypes === undefined ? '' : t('rules.actorTypes', { list: w.actorTypes.join(', ') }),
    w.minAmount === undefined ? '' : t('rules.minAmount', { amount: w.minAmount })
  ].filter(s => s !== '').join('; ') || t('rules.always')
  return (
    <Status value={table}>
      {r => (
        <>
          <p role="status" className="notice">{notice}</p>
          {editing
            ? <RulesEditor table={r} onSaved={saved => { setEditing(false); setNotice(t('rules.saved', { version: saved.version })); setGeneration(g => g + 1) }} onCancel={() => setEditing(false)} onReload={() => setGeneration(g => g + 1)} />
            : me.tenant === null
              ? <button type="button" onClick={() => { setEditing(true); setNotice('') }}>{t('rules.edit')}</button>
              : <p className="muted">{t('rules.platformOnly')}</p>}
          <table className="data wide rules-table">
            <caption>
              {t('rules.caption', { version: r.version })}{' '}
              <span className="muted">{r.updatedAt === null ? t('rules.builtIn') : t('rules.changed', { time: dateTime(r.updatedAt), id: r.updatedBy ?? '—' })}</span>
            </caption>
            <thead>
              <tr><th scope="col">{t('rules.id')}</th><th scope="col">{t('filters.importance')}</th><th scope="col" className="num">{t('rules.score')}</th><th scope="col">{t('rules.when')}</th><th scope="col">{t('rules.why')}</th></tr>
            </thead>
            <tbody>
              {r.rules.map(rule => (
                <tr key={rule.id}>
                  <th scope="row"><code>{rule.id}</code></th>
                  <td><ImportanceBadge level={rule.level} /></td>
                  <td className="num">{number(rule.score)}</td>
                  <td>{when(rule.when)}</td>
                  <td>{rule.why}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Status>
  )
}
