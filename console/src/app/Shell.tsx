import type { ReactNode } from 'react'
import { can, useMe } from '../auth/me.tsx'
import { Link } from '../components/Link.tsx'
import { useI18n, type Locale } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/catalogue.ts'
import { href, useRoute } from './router.ts'

const ZONES = ['UTC', 'Europe/Paris', 'Europe/London', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Malta', 'America/New_York', 'Asia/Singapore', 'Australia/Melbourne']

interface Props { children: ReactNode, onSignOut: () => void, signOutError: Error | null }

/**
 * Header with the navigation the key's scopes allow, who is signed in, language, zone and sign-out (and why
 * signing out failed: the session is still open).
 */
export function Shell ({ children, onSignOut, signOutError }: Props): ReactNode {
  const { t, locale, setLocale, timeZone, setTimeZone } = useI18n()
  const me = useMe()
  const { path } = useRoute()
  const items: Array<[string, MessageKey]> = [
    ['/discover', 'nav.discover'], ['/groups', 'nav.groups'], ['/behaviour', 'nav.behaviour'], ['/signals', 'nav.signals'], ['/alerts', 'nav.alerts'],
    ['/saved', 'nav.saved'], ['/integrity', 'nav.integrity'], ...(can(me, 'admin') ? [['/admin', 'nav.admin'] as [string, MessageKey]] : [])
  ]
  const zones = ZONES.includes(timeZone) ? ZONES : [timeZone, ...ZONES]
  return (
    <>
      <a className="skip" href="#main">{t('app.skip')}</a>
      <header className="shell">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {items.map(([to, label]) => (
              <li key={to}><Link to={href(to)} className={path.startsWith(to) ? 'active' : undefined}>{t(label)}</Link></li>
            ))}
          </ul>
        </nav>
        <div className="who">
          {me.person !== undefined && <span className="person">{me.person.name}</span>}
          <span>{me.tenant === null ? t('me.platform') : t('me.tenant', { tenant: me.tenant })}</span>
          {me.masked && <span className="badge masked">{t('me.masked')}</span>}
          <label htmlFor="locale" className="sr-only">{t('nav.language')}</label>
          <select id="locale" value={locale} onChange={e => setLocale(e.target.value as Locale)}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
          <label htmlFor="zone" className="sr-only">{t('nav.timeZone')}</label>
          <select id="zone" value={timeZone} onChange={e => setTimeZone(e.target.value)}>
            {zones.map(z => <option key={z} value={z}>{z}</option>)}
          </select>
          <button type="button" onClick={onSignOut}>{t('nav.signOut')}</button>
        </div>
      </header>
      {signOutError !== null && <p role="alert" className="error sign-out-failed">{t('nav.signOutFailed', { message: signOutError.message })}</p>}
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  )
}
