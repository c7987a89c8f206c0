import { useEffect, useRef, type ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'

interface Props {
  title: string
  message: ReactNode
  /** The label of the button that does it (such as "Delete"). */
  action: string
  busy?: boolean
  onConfirm: () => void
  onCancel: () => void
}

/**
 * Asks before something that cannot be undone, in a modal dialog: focus starts on Cancel, Escape cancels,
 * focus returns to where it was.
 */
export function Confirm ({ title, message, action, busy = false, onConfirm, onCancel }: Props): ReactNode {
  const { t } = useI18n()
  const dialog = useRef<HTMLDialogElement>(null)
  const cancel = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    const el = dialog.current
    const before = document.activeElement as HTMLElement | null
    el?.showModal()
    cancel.current?.focus()
    return () => { el?.close(); if (before?.isConnected === true) before.focus() }
  }, [])
  return (
    <dialog ref={dialog} className="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-message" onCancel={e => { e.preventDefault(); onCancel() }}>
      <h2 id="confirm-title">{title}</h2>
      <div id="confirm-message">{message}</div>
      <div className="form-row end">
        <button ref={cancel} type="button" onClick={onCancel}>{t('common.cancel')}</button>
        <button type="button" className="danger" onClick={onConfirm} disabled={busy}>{action}</button>
      </div>
    </dialog>
  )
}
