import { useEffect, useRef, type ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'

/** A side panel in a modal dialog: focus moves into it, Escape closes it, focus returns to where it was. */
export function Flyout ({ title, onClose, children }: { title: string, onClose: () => void, children: ReactNode }): ReactNode {
  const { t } = useI18n()
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const el = dialog.current
    const before = document.activeElement as HTMLElement | null
    el?.showModal()
    // Back where it was, or to the page's main region when that element is gone (a row that left its list).
    return () => { el?.close(); if (before?.isConnected === true) before.focus(); else document.getElementById('main')?.focus() }
  }, [])
  return (
    <dialog ref={dialog} className="flyout" aria-labelledby="flyout-title" onCancel={e => { e.preventDefault(); onClose() }}>
      <header>
        <h2 id="flyout-title">{title}</h2>
        <button type="button" onClick={onClose}>{t('common.close')}</button>
      </header>
      <div className="flyout-body">{children}</div>
    </dialog>
  )
}
