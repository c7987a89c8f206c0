import { useEffect, useState, type ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import { signatureValid } from './proof.ts'
import type { Checkpoint } from './types.ts'

/** A signed checkpoint: tenant, size, time, root, key and signature; with a public key, its signature checked here. */
export function CheckpointFacts ({ checkpoint: c, publicKey }: { checkpoint: Checkpoint, publicKey?: string }): ReactNode {
  const { t, dateTime, number } = useI18n()
  const [valid, setValid] = useState<boolean | null | undefined>(undefined)
  useEffect(() => {
    if (publicKey === undefined) return
    let live = true
    signatureValid(c, publicKey).then(v => { if (live) setValid(v) }, () => { if (live) setValid(null) })
    return () => { live = false }
  }, [c, publicKey])
  return (
    <dl className="facts">
      <div><dt>{t('integrity.tenant')}</dt><dd>{c.tenant}</dd></div>
      <div><dt>{t('integrity.size')}</dt><dd>{number(c.size)}</dd></div>
      <div><dt>{t('integrity.signedAt')}</dt><dd>{dateTime(c.time)}</dd></div>
      <div><dt>{t('integrity.keyId')}</dt><dd><code>{c.keyId}</code></dd></div>
      <div className="wide"><dt>{t('integrity.root')}</dt><dd><code>{c.root}</code></dd></div>
      <div className="wide"><dt>{t('integrity.signature')}</dt><dd><code>{c.signature}</code></dd></div>
      {valid !== undefined && (
        <div className="wide">
          <dt>{t('integrity.signatureHere')}</dt>
          <dd className={valid === false ? 'error' : undefined}>{valid === null ? t('integrity.cannotCheck') : valid ? t('integrity.signatureOk') : t('integrity.signatureBad')}</dd>
        </div>
      )}
    </dl>
  )
}
