import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'

/** What the panel says: its title, the warning, the field's label, the copy and dismiss buttons. */
export interface SecretTexts {
  title: string
  /** Why it is shown once, and what to do if it is lost. */
  warning: string
  label: string
  copy: string
  done: string
  note?: string | undefined
}

/**
 * A new secret (a key's, a webhook's signing secret), shown this once: the API does not show it again. It stays
 * in this component's memory only (never in the address or storage, unless the console now signs in with it,
 * which `note` then says) and is forgotten when dismissed.
 */
export function SecretOnce ({ secret, texts, onDone }: { secret: string, texts: SecretTexts, onDone: () => void }): ReactNode {
  const { t } = useI18n()
  const [copied, setCopied] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => { heading.current?.focus() }, [secret])
  const copy = async (): Promise<void> => {
    await navigator.clipboard.writeText(secret)
    setCopied(true)
  }
  return (
    <section className="panel secret" aria-labelledby="secret-title">
      <h2 id="secret-title" ref={heading} tabIndex={-1}>{texts.title}</h2>
      <p className="secret-warning"><strong>{texts.warning}</strong></p>
      {texts.note !== undefined && <p>{texts.note}</p>}
      <div className="form-row">
        <label htmlFor="new-secret">{texts.label}</label>
        <input id="new-secret" className="secret-value" readOnly value={secret} autoComplete="off" spellCheck={false} onFocus={e => e.currentTarget.select()} />
        <button type="button" onClick={() => { void copy() }}>{texts.copy}</button>
        <span role="status">{copied ? t('keys.copied') : ''}</span>
      </div>
      <button type="button" onClick={onDone}>{texts.done}</button>
    </section>
  )
}
