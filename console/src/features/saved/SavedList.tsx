import { useState, type ReactNode } from 'react'
import { useApi } from '../../api/useApi.ts'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { savedApi } from './api.ts'
import { KibanaTransfer } from './KibanaTransfer.tsx'
import { SavedRow } from './SavedRow.tsx'

/** The saved searches the key sees (its own and the tenant's shared ones): open, rename, delete, Kibana import and export. */
export function SavedList (): ReactNode {
  const { t } = useI18n()
  const [generation, setGeneration] = useState(0)
  const [notice, setNotice] = useState('')
  const list = useApi('saved', signal => savedApi.list(signal), generation)
  const reload = (): void => setGeneration(g => g + 1)
  const done = (message: string): void => { setNotice(message); reload() }
  return (
    <div className="saved-view">
      <h1>{t('nav.saved')}</h1>
      <p role="status" className="notice">{notice}</p>
      <Status value={list}>
        {items => items.length === 0
          ? <p className="muted">{t('saved.empty')}</p>
          : (
            <table className="data wide">
              <caption>{t('saved.caption', { count: items.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th>
                  <th scope="col">{t('saved.query')}</th>
                  <th scope="col">{t('time.label')}</th>
                  <th scope="col">{t('saved.sharing')}</th>
                  <th scope="col">{t('saved.owner')}</th>
                  <th scope="col">{t('saved.updated')}</th>
                  <th scope="col">{t('saved.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {[...items].sort((a, b) => a.name.localeCompare(b.name)).map(s => <SavedRow key={`${s.id}@${s.version}`} search={s} onStart={() => setNotice('')} onDone={done} onReload={reload} />)}
              </tbody>
            </table>
            )}
      </Status>
      <KibanaTransfer onImported={done} />
    </div>
  )
}
