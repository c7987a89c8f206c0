import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useApi } from '../../api/useApi.ts'
import { usePages } from '../../api/usePages.ts'
import { href, navigate, useRoute } from '../../app/router.ts'
import { Link } from '../../components/Link.tsx'
import { Paged } from '../../components/Paged.tsx'
import { useMe } from '../../auth/me.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { AccessEntry } from './types.ts'

const PAGE = 200

let actionsRead: Promise<string[]> | undefined

/**
 * The actions changes are recorded with, as the API documents them (`x-audit-action` of its operations): the whole
 * document is read once per page load, not at each visit of the log.
 */
async function auditActions (): Promise<string[]> {
  actionsRead ??= api<{ paths: Record<string, Record<string, { 'x-audit-action'?: string }>> }>('/openapi.json').then(doc => {
    const actions = Object.values(doc.paths).flatMap(ops => Object.values(ops).map(op => op['x-audit-action']))
    return [...new Set(actions.filter((a): a is string => a !== undefined))].sort()
  }, (err: unknown) => { actionsRead = undefined; throw err })
  return await actionsRead
}

/**
 * Who read the audit trail and who changed what: key, change, route, status, results and time, newest first, page
 * after page; filtered in the address by key id, and to the changes or one kind of change.
 */
export function AccessLog (): ReactNode {
  const { t, dateTime, number } = useI18n()
  // A tenant's administrator sees its own tenant only: naming it on every row says nothing.
  const everyTenant = useMe().tenant === null
  const { params } = useRoute()
  const key = params.get('key') ?? ''
  const action = params.get('action') ?? ''
  const changes = action === '' && params.get('changes') === '1'
  /** `shown`: '' every request, `changes`, or one action. */
  const at = (next: { key?: string, shown?: string }): string => {
    const shown = next.shown ?? (changes ? 'changes' : action)
    return href('/admin/access-log', { key: next.key ?? key, changes: shown === 'changes' ? '1' : undefined, action: shown === 'changes' ? undefined : shown })
  }
  const actions = useApi('audit-actions', auditActions)
  const [text, setText] = useState(key)
  useEffect(() => { setText(key) }, [key])
  const [generation, setGeneration] = useState(0)
  const log = usePages(`${key}|${String(changes)}|${action}|${generation}`, async (after, signal) => {
    const q = new URLSearchParams({ size: String(PAGE) })
    if (key !== '') q.set('key', key)
    if (changes) q.set('changes', 'true')
    if (action !== '') q.set('action', action)
    if (after !== undefined) q.set('cursor', after)
    const page = await api<{ entries: AccessEntry[], next: string | null }>(`/v1/access-log?${q.toString()}`, { signal })
    return { items: page.entries, next: page.next }
  })
  const filter = (e: FormEvent): void => { e.preventDefault(); navigate(at({ key: text.trim() })) }
  const count = log.items.length
  const caption = action !== ''
    ? t(key === '' ? 'access.captionAction' : 'access.captionKeyAction', { count, key, action })
    : key === '' ? t(changes ? 'access.captionChanges' : 'access.caption', { count }) : t(changes ? 'access.captionKeyChanges' : 'access.captionKey', { count, key })
  return (
    <>
      <form className="form-row" role="search" onSubmit={filter}>
        <label htmlFor="access-key">{t('access.key')}</label>
        <input id="access-key" value={text} onChange={e => setText(e.target.value)} maxLength={64} spellCheck={false} />
        <button type="submit">{t('access.filter')}</button>
        {key !== '' && <button type="button" onClick={() => { setText(''); navigate(at({ key: '' })) }}>{t('access.clear')}</button>}
        <label htmlFor="access-shown">{t('access.shown')}</label>
        <select id="access-shown" value={changes ? 'changes' : action} onChange={e => navigate(at({ shown: e.target.value }))}>
          <option value="">{t('access.everyRequest')}</option>
          <option value="changes">{t('access.changesOnly')}</option>
          {/* The action in the address is offered even before the document is read, or if it names none of its. */}
          {[...new Set([...(actions.state === 'done' ? actions.data : []), ...(action === '' ? [] : [action])])].map(a => <option key={a} value={a}>{a}</option>)}
        </select>
        <button type="button" onClick={() => setGeneration(g => g + 1)}>{t('common.refresh')}</button>
      </form>
      <Paged pages={log} none={t(changes || action !== '' ? 'access.noneChanges' : 'access.none')} more={t('access.more')}>
        {entries => (
          <table className="data wide access">
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('access.time')}</th><th scope="col">{t('access.key')}</th><th scope="col">{t('access.change')}</th><th scope="col">{t('access.route')}</th>
                <th scope="col" className="num">{t('access.status')}</th><th scope="col" className="num">{t('access.results')}</th>
                <th scope="col" className="num">{t('access.took')}</th><th scope="col">{t('access.request')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e, i) => (
                <tr key={e.id ?? `${e['@timestamp']}-${i}`}>
                  <th scope="row">{dateTime(e['@timestamp'])}</th>
                  <td><Link to={at({ key: e.key_id })} label={t('access.onlyKey', { key: e.key_id })}><code className="id">{e.key_id}</code></Link>{everyTenant ? e.tenant !== null && <span className="muted block">{e.tenant}</span> : e.tenant === null && <span className="muted block">{t('access.platformKey')}</span>}</td>
                  <td>
                    {e.action === undefined ? <span className="muted">{t('access.read')}</span> : <code className="id">{e.action}</code>}
                    {everyTenant && e.target_tenants !== undefined && <span className="muted block">{t('access.onTenants', { tenants: e.target_tenants.join(', ') })}</span>}
                  </td>
                  <td><code>{e.method} {e.route}</code></td>
                  <td className={e.status >= 400 ? 'num error' : 'num'}>{e.status}</td>
                  <td className="num">{e.results === undefined ? '—' : number(e.results)}</td>
                  <td className="num">{number(Math.round(e.took_ms))}</td>
                  <td><Request text={e.request ?? e.url} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Paged>
    </>
  )
}

/** A request body as recorded (up to 8 KB): short ones in full, long ones folded behind their beginning. */
function Request ({ text }: { text: string }): ReactNode {
  if (text.length <= 120) return <code className="request">{text}</code>
  return (
    <details className="request">
      <summary><code>{text.slice(0, 100)}…</code></summary>
      <code>{text}</code>
    </details>
  )
}
