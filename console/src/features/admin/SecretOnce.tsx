import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import type { CreatedKey } from './types.ts'

/**
 * A new key's secret, shown this once: the API keeps only its hash. It stays in this component's memory only
 * (never in the address or storage, unless the console now signs in with it, which `note` then says) and is
 * forgotten when dismissed.
 */
export function SecretOnce ({ created, title, note, onDone }: { created: CreatedKey, title: string, note?: string | undefined, onDone: () => void }): ReactNode {
  const { t } = useI18n()
  const [copied, setCopied] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => { heading.current?.focus() }, [created])
  const copy = async (): Promise<void> => {
    await navigator.clipboard.writeText(created.key)
    setCopied(true)
  }
  return (
    <section className="panel secret" aria-labelledby="secret-title">
      <h2 id="secret-title" ref={heading} tabIndex={-1}>{title}</h2>
      <p className="secret-warning"><strong>{t('keys.onceWarning')}</strong></p>
      {note !== undefined && <p>{note}</p>}
      <div className="form-row">
        <label htmlFor="new-secret">{t('keys.secret', { name: created.info.name })}</label>
        <input id="new-secret" className="secret-value" readOnly value={created.key} autoComplete="off" spellCheck={false} onFocus={e => e.currentTarget.select()} />
        <button type="button" onClick={() => { void copy() }}>{t('keys.copy')}</button>
        <span role="status">{copied ? t('keys.copied') : ''}</span>
      </div>
      <button type="button" onClick={onDone}>{t('keys.copiedDone')}</button>
    </section>
  )
}
