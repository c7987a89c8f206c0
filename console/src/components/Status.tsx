import type { ReactNode } from 'react'
import type { Loadable } from '../api/useApi.ts'
import { ApiError } from '../api/client.ts'
import { useI18n } from '../i18n/i18n.tsx'

/** The API's own message, with each field error (path and position) under it. */
export function ErrorBox ({ error }: { error: Error }): ReactNode {
  const { t } = useI18n()
  const details = error instanceof ApiError ? error.errors : []
  return (
    <div role="alert" className="error">
      <p>{t('common.error', { message: error.message })}</p>
      {details.length > 0 && (
        <ul>{details.map((d, i) => <li key={i}><code>{d.path}</code> {d.message}{d.position !== undefined && ` (${t('query.errorAt', { position: d.position + 1 })})`}</li>)}</ul>
      )}
    </div>
  )
}

/** Shows a loading line (or, while the same data is read again, the last answer) or the error, else renders the data. */
export function Status<T> ({ value, children }: { value: Loadable<T>, children: (data: T) => ReactNode }): ReactNode {
  const { t } = useI18n()
  if (value.state === 'loading') return value.previous === undefined ? <p className="muted" role="status">{t('common.loading')}</p> : children(value.previous)
  if (value.state === 'error') return <ErrorBox error={value.error} />
  return children(value.data)
}
