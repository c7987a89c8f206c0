import { useState, type FormEvent, type ReactNode } from 'react'
import { api } from '../../api/client.ts'
import { useChange } from '../../api/useChange.ts'
import { useMe } from '../../auth/me.tsx'
import { ErrorBox } from '../../components/Status.tsx'
import { useI18n } from '../../i18n/i18n.tsx'
import type { Stream } from './types.ts'
import { BusyButton } from '../../components/BusyButton.tsx'

type Kind = 'http' | 'syslog'

/** The destination the API takes: secrets (token, CA) only when given, so that none is sent empty. */
function destinationOf (d: { kind: Kind, url: string, token: string, host: string, port: string, tls: boolean, ca: string }): object {
  if (d.kind === 'http') return { type: 'http', url: d.url.trim(), ...(d.token === '' ? {} : { token: d.token }) }
  return { type: 'syslog', host: d.host.trim(), port: Number(d.port), tls: d.tls, ...(d.ca.trim() === '' ? {} : { ca: d.ca.trim() }) }
}

/**
 * The form of a new log stream: a name, the tenant (a platform key names it), an HTTPS receiver of NDJSON (with its
 * bearer token) or a syslog receiver over TLS (with its private CA), an optional KQL selection, and where delivery
 * starts. The API checks the destination and the KQL, and says which field is wrong.
 */
export function NewStream ({ onCreated }: { onCreated: (s: Stream) => void }): ReactNode {
  const { t } = useI18n()
  const everyTenant = useMe().tenant === null
  const [name, setName] = useState('')
  const [tenant, setTenant] = useState('')
  const [kind, setKind] = useState<Kind>('http')
  const [url, setUrl] = useState('')
  const [token, setToken] = useState('')
  const [host, setHost] = useState('')
  const [port, setPort] = useState('6514')
  const [tls, setTls] = useState(true)
  const [ca, setCa] = useState('')
  const [query, setQuery] = useState('')
  const [from, setFrom] = useState<'now' | 'beginning'>('now')
  const { busy, failure, run } = useChange()
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    const body = {
      name: name.trim(), ...(everyTenant ? { tenant: tenant.trim() } : {}), destination: destinationOf({ kind, url, token, host, port, tls, ca }),
      ...(query.trim() === '' ? {} : { query: query.trim() }), from
    }
    await run(async () => {
      onCreated(await api<Stream>('/v1/streams', { body }))
      setName('')
      setUrl('')
      setToken('')
      setCa('')
      setQuery('')
    })
  }
  return (
    <form className="panel" aria-labelledby="new-stream-title" onSubmit={e => { void submit(e) }}>
      <h3 id="new-stream-title">{t('streams.new')}</h3>
      <div className="form-row">
        <label htmlFor="stream-name">{t('common.name')}</label>
        <input id="stream-name" value={name} onChange={e => setName(e.target.value)} maxLength={100} required />
        {everyTenant && <>
          <label htmlFor="stream-tenant">{t('dead.tenant')}</label>
          <input id="stream-tenant" value={tenant} onChange={e => setTenant(e.target.value)} maxLength={40} required pattern="[a-z0-9][a-z0-9_\-]*" title={t('dead.tenantHint')} spellCheck={false} />
        </>}
        <label htmlFor="stream-kind">{t('streams.kind')}</label>
        <select id="stream-kind" value={kind} onChange={e => setKind(e.target.value as Kind)}>
          <option value="http">{t('streams.kind.http')}</option>
          <option value="syslog">{t('streams.kind.syslog')}</option>
        </select>
      </div>
      {kind === 'http'
        ? (
          <div className="form-row">
            <label htmlFor="stream-url">{t('hooks.url')}</label>
            <input id="stream-url" type="url" value={url} onChange={e => setUrl(e.target.value)} maxLength={2000} required placeholder="https://siem.example.com/ingest" spellCheck={false} />
            <label htmlFor="stream-token">{t('streams.token')}</label>
            <input id="stream-token" type="password" value={token} onChange={e => setToken(e.target.value)} minLength={8} maxLength={4096} autoComplete="off" aria-describedby="stream-token-hint" />
            <span id="stream-token-hint" className="muted">{t('streams.tokenHint')}</span>
          </div>
          )
        : (
          <>
            <div className="form-row">
              <label htmlFor="stream-host">{t('streams.host')}</label>
              <input id="stream-host" value={host} onChange={e => setHost(e.target.value)} maxLength={253} required pattern="[A-Za-z0-9.:\-]+" spellCheck={false} placeholder="siem.example.com" />
              <label htmlFor="stream-port">{t('streams.port')}</label>
              <input id="stream-port" type="number" value={port} onChange={e => setPort(e.target.value)} min={1} max={65535} required />
              <label className="check"><input type="checkbox" checked={tls} onChange={e => setTls(e.target.checked)} /> {t('streams.tls')}</label>
            </div>
            <div className="form-row">
              <label htmlFor="stream-ca">{t('streams.ca')}</label>
              <textarea id="stream-ca" value={ca} onChange={e => setCa(e.target.value)} maxLength={20_000} rows={3} cols={64} spellCheck={false} placeholder="-----BEGIN CERTIFICATE-----" />
            </div>
          </>
          )}
      <div className="form-row">
        <label htmlFor="stream-query">{t('streams.query')}</label>
        <input id="stream-query" value={query} onChange={e => setQuery(e.target.value)} maxLength={2000} spellCheck={false} placeholder="event.category:security" size={40} />
        <label htmlFor="stream-from">{t('streams.from')}</label>
        <select id="stream-from" value={from} onChange={e => setFrom(e.target.value as 'now' | 'beginning')}>
          <option value="now">{t('streams.from.now')}</option>
          <option value="beginning">{t('streams.from.beginning')}</option>
        </select>
        <BusyButton type="submit" className="primary" busy={busy}>{t('streams.create')}</BusyButton>
      </div>
      {failure !== undefined && <ErrorBox error={failure} />}
    </form>
  )
}
