import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useChange } from '../../api/useChange.ts'
import { useMe } from '../../auth/me.tsx'
import { BusyButton } from '../../components/BusyButton.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import { inputOf } from './stream-input.ts'
import type { Stream } from './types.ts'

type Kind = 'http' | 'syslog'
interface Fields { kind: Kind, url: string, token: string, host: string, port: string, tls: boolean, ca: string }

/**
 * The destination the API takes: secrets (token, CA) only when given, so that none is sent empty and a change
 * leaves the stored ones as they are; a syslog receiver's facility and host name, set through the API, are kept.
 */
function destinationOf (d: Fields, stream: Stream | undefined): object {
  if (d.kind === 'http') return { type: 'http', url: d.url.trim(), ...(d.token === '' ? {} : { token: d.token }) }
  const kept = stream?.destination.type === 'syslog' ? { facility: stream.destination.facility, hostname: stream.destination.hostname } : {}
  return { type: 'syslog', host: d.host.trim(), port: Number(d.port), tls: d.tls, ...kept, ...(d.ca.trim() === '' ? {} : { ca: d.ca.trim() }) }
}

/**
 * A log stream's form. New: a name, the tenant (a platform key names it), an HTTPS receiver of NDJSON (with its
 * bearer token) or a syslog receiver over TLS (with its private CA), an optional KQL selection, and where delivery
 * starts. A change (`stream`, sent with the version read): the same fields but the tenant and the start, over the
 * stream as it stands (`inputOf`), a secret left empty kept as stored. The API checks the destination and the KQL,
 * and says which field is wrong.
 */
export function StreamForm ({ stream, onSaved }: { stream?: Stream, onSaved: (s: Stream) => void }): ReactNode {
  const { t } = useI18n()
  const id = useId()
  const everyTenant = useMe().tenant === null
  const d = stream?.destination
  const [name, setName] = useState(stream?.name ?? '')
  const [tenant, setTenant] = useState('')
  const [kind, setKind] = useState<Kind>(d?.type ?? 'http')
  const [url, setUrl] = useState(d?.type === 'http' ? d.url : '')
  const [token, setToken] = useState('')
  const [host, setHost] = useState(d?.type === 'syslog' ? d.host : '')
  const [port, setPort] = useState(d?.type === 'syslog' ? String(d.port) : '6514')
  const [tls, setTls] = useState(d?.type === 'syslog' ? d.tls : true)
  const [ca, setCa] = useState('')
  const [query, setQuery] = useState(stream?.query ?? '')
  const [from, setFrom] = useState<'now' | 'beginning'>('now')
  const { busy, failure, run } = useChange()
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    // An empty KQL is left out (JSON drops undefined): a change that empties it removes the selection.
    const shown = { name: name.trim(), destination: destinationOf({ kind, url, token, host, port, tls, ca }, stream), query: query.trim() === '' ? undefined : query.trim() }
    await run(async () => {
      if (stream === undefined) {
        onSaved(await api<Stream>('/v1/streams', { body: { ...shown, ...(everyTenant ? { tenant: tenant.trim() } : {}), from } }))
        setName('')
        setUrl('')
        setQuery('')
      } else {
        onSaved(await api<Stream>(`/v1/streams/${encodeURIComponent(stream.id)}`, { method: 'PUT', body: { ...inputOf(stream), ...shown }, headers: { 'if-match': `"${stream.version}"` } }))
      }
      setToken('')
      setCa('')
    })
  }
  const secretHint = stream === undefined ? t('streams.tokenHint') : t('streams.secretKept')
  const field = (suffix: string): string => `${id}-${suffix}`
  return (
    // A change is made in a panel titled with the stream's name: the form is named by it, with no second heading.
    <form className="panel" onSubmit={e => { void submit(e) }} {...(stream === undefined ? { 'aria-labelledby': field('title') } : { 'aria-label': t('streams.changeTitle', { name: stream.name }) })}>
      {stream === undefined && <h3 id={field('title')}>{t('streams.new')}</h3>}
      <div className="form-row">
        <label htmlFor={field('name')}>{t('common.name')}</label>
        <input id={field('name')} value={name} onChange={e => setName(e.target.value)} maxLength={100} required />
        {everyTenant && stream === undefined && <>
          <label htmlFor={field('tenant')}>{t('dead.tenant')}</label>
          <input id={field('tenant')} value={tenant} onChange={e => setTenant(e.target.value)} maxLength={40} required pattern="[a-z0-9][a-z0-9_\-]*" title={t('dead.tenantHint')} spellCheck={false} />
        </>}
        <label htmlFor={field('kind')}>{t('streams.kind')}</label>
        <select id={field('kind')} value={kind} onChange={e => setKind(e.target.value as Kind)}>
          <option value="http">{t('streams.kind.http')}</option>
          <option value="syslog">{t('streams.kind.syslog')}</option>
        </select>
      </div>
      {kind === 'http'
        ? (
          <div className="form-row">
            <label htmlFor={field('url')}>{t('hooks.url')}</label>
            <input id={field('url')} type="url" value={url} onChange={e => setUrl(e.target.value)} maxLength={2000} required placeholder="https://siem.example.com/ingest" spellCheck={false} />
            <label htmlFor={field('token')}>{t('streams.token')}</label>
            <input id={field('token')} type="password" value={token} onChange={e => setToken(e.target.value)} minLength={8} maxLength={4096} autoComplete="off" aria-describedby={field('token-hint')} />
            <span id={field('token-hint')} className="muted">{secretHint}</span>
          </div>
          )
        : (
          <>
            <div className="form-row">
              <label htmlFor={field('host')}>{t('streams.host')}</label>
              <input id={field('host')} value={host} onChange={e => setHost(e.target.value)} maxLength={253} required pattern="[A-Za-z0-9.:\-]+" spellCheck={false} placeholder="siem.example.com" />
              <label htmlFor={field('port')}>{t('streams.port')}</label>
              <input id={field('port')} type="number" value={port} onChange={e => setPort(e.target.value)} min={1} max={65535} required />
              <label className="check"><input type="checkbox" checked={tls} onChange={e => setTls(e.target.checked)} /> {t('streams.tls')}</label>
            </div>
            <div className="form-row">
              <label htmlFor={field('ca')}>{t('streams.ca')}</label>
              <textarea id={field('ca')} value={ca} onChange={e => setCa(e.target.value)} maxLength={20_000} rows={3} cols={64} spellCheck={false} placeholder="-----BEGIN CERTIFICATE-----" aria-describedby={stream === undefined ? undefined : field('ca-hint')} />
              {stream !== undefined && <span id={field('ca-hint')} className="muted">{secretHint}</span>}
            </div>
          </>
          )}
      <div className="form-row">
        <label htmlFor={field('query')}>{t('streams.query')}</label>
        <input id={field('query')} value={query} onChange={e => setQuery(e.target.value)} maxLength={2000} spellCheck={false} placeholder="event.category:security" size={40} />
        {stream === undefined && <>
          <label htmlFor={field('from')}>{t('streams.from')}</label>
          <select id={field('from')} value={from} onChange={e => setFrom(e.target.value as 'now' | 'beginning')}>
            <option value="now">{t('streams.from.now')}</option>
            <option value="beginning">{t('streams.from.beginning')}</option>
          </select>
        </>}
        <BusyButton type="submit" className="primary" busy={busy}>{stream === undefined ? t('streams.create') : t('streams.save')}</BusyButton>
      </div>
      {failure !== undefined && <ErrorBox error={failure} />}
    </form>
  )
}
