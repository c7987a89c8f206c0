import type { ReactNode } from 'react'
import type { Loadable } from '../../api/useApi.ts'
import { Status } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { PublicKey } from './types.ts'

/** The Ed25519 key that signs checkpoints, and every key whose checkpoints verify here. */
export function PublicKeyPanel ({ value: key }: { value: Loadable<PublicKey> }): ReactNode {
  const { t } = useI18n()
  return (
    <section aria-labelledby="integrity-key">
      <h2 id="integrity-key">{t('integrity.key')}</h2>
      <Status value={key}>
        {k => (
          <>
            <dl className="facts">
              <div><dt>{t('integrity.algorithm')}</dt><dd>{k.algorithm}</dd></div>
              <div><dt>{t('integrity.keyId')}</dt><dd><code>{k.keyId}</code></dd></div>
              <div className="wide"><dt>{t('integrity.publicKey')}</dt><dd><code>{k.publicKey}</code></dd></div>
            </dl>
            <details>
              <summary>{t('integrity.pem')}</summary>
              <pre className="pem">{k.pem}</pre>
            </details>
            {k.trusted.length > 1 && (
              <table className="data">
                <caption>{t('integrity.trusted')}</caption>
                <thead><tr><th scope="col">{t('integrity.keyId')}</th><th scope="col">{t('integrity.publicKey')}</th></tr></thead>
                <tbody>{k.trusted.map(x => <tr key={x.keyId}><th scope="row"><code>{x.keyId}</code></th><td><code>{x.publicKey}</code></td></tr>)}</tbody>
              </table>
            )}
          </>
        )}
      </Status>
    </section>
  )
}
