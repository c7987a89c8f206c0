import { useEffect, useState, type ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import { checkSignature, type SignatureCheck } from './proof.ts'
import type { Checkpoint, TrustedKeys } from './types.ts'

/**
 * A signed checkpoint: tenant, size, time, root, key and signature; once the trusted keys are known, its signature
 * checked here (`null`: they could not be read, so it cannot be).
 */
export function CheckpointFacts ({ checkpoint: c, trusted }: { checkpoint: Checkpoint, trusted?: TrustedKeys | null }): ReactNode {
  const { t, dateTime, number } = useI18n()
  const [check, setCheck] = useState<SignatureCheck | undefined>(undefined)
  useEffect(() => {
    if (trusted === undefined) return
    if (trusted === null) { setCheck('unknown'); return }
    let live = true
    checkSignature(c, trusted).then(v => { if (live) setCheck(v) }, () => { if (live) setCheck('unknown') })
    return () => { live = false }
  }, [c, trusted])
  return (
    <dl className="facts">
      <div><dt>{t('integrity.tenant')}</dt><dd>{c.tenant}</dd></div>
      <div><dt>{t('integrity.size')}</dt><dd>{number(c.size)}</dd></div>
      <div><dt>{t('integrity.signedAt')}</dt><dd>{dateTime(c.time)}</dd></div>
      <div><dt>{t('integrity.keyId')}</dt><dd><code>{c.keyId}</code></dd></div>
      <div className="wide"><dt>{t('integrity.root')}</dt><dd><code>{c.root}</code></dd></div>
      <div className="wide"><dt>{t('integrity.signature')}</dt><dd><code>{c.signature}</code></dd></div>
      {check !== undefined && (
        <div className="wide">
          <dt>{t('integrity.signatureHere')}</dt>
          <dd className={check === 'invalid' || check === 'untrusted' ? 'error' : undefined}>
            {check === 'unknown' ? t('integrity.cannotCheck') : check === 'valid' ? t('integrity.signatureOk') : check === 'invalid' ? t('integrity.signatureBad') : t('integrity.signatureUntrusted', { keyId: c.keyId })}
          </dd>
        </div>
      )}
    </dl>
  )
}
