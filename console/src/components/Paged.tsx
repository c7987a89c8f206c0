import type { ReactNode } from 'react'
import type { Pages } from '../api/usePages.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { ErrorBox } from './Status.tsx'

/**
 * A list read page after page (`usePages`): the error with Try again, the loading line, `none` when it is empty,
 * the items as `children` draws them, then `more` while the cursor has more.
 */
export function Paged<T> ({ pages, none, more, children }: { pages: Pages<T>, none: string, more: string, children: (items: T[]) => ReactNode }): ReactNode {
  const { t } = useI18n()
  return (
    <>
      {pages.error !== null && <><ErrorBox error={pages.error} /><p><button type="button" onClick={pages.retry}>{t('app.retry')}</button></p></>}
      {pages.loading && pages.items.length === 0 && <p className="muted" role="status">{t('common.loading')}</p>}
      {!pages.loading && pages.error === null && pages.items.length === 0 && <p className="muted">{none}</p>}
      {pages.items.length > 0 && children(pages.items)}
      {pages.more !== undefined && <p><button type="button" onClick={pages.more} disabled={pages.loading} aria-busy={pages.loading}>{more}</button></p>}
    </>
  )
}
