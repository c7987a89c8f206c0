import { createContext, useContext, useMemo, useState, type ReactNode } from 'react'
import { CATALOGUES, type MessageKey } from './catalogue.ts'
import { format } from './format.ts'

export type Locale = 'en' | 'fr'
const LOCALE_PREF = 'sillage.locale'
const ZONE_PREF = 'sillage.timeZone'

export interface I18n {
  locale: Locale
  timeZone: string
  setLocale: (l: Locale) => void
  setTimeZone: (z: string) => void
  t: (key: MessageKey, vars?: Record<string, string | number>) => string
  /** A date in the chosen locale and zone. */
  dateTime: (iso: string | number) => string
  number: (n: number) => string
}

const Ctx = createContext<I18n | null>(null)

function initialLocale (): Locale {
  const saved = localStorage.getItem(LOCALE_PREF)
  if (saved === 'en' || saved === 'fr') return saved
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

export function I18nProvider ({ children }: { children: ReactNode }): ReactNode {
  // Preferences only (no secret) are kept across visits.
  const [locale, setLocaleState] = useState<Locale>(initialLocale)
  const [timeZone, setZoneState] = useState<string>(() => localStorage.getItem(ZONE_PREF) ?? Intl.DateTimeFormat().resolvedOptions().timeZone)
  const value = useMemo<I18n>(() => {
    const messages = CATALOGUES[locale]
    const dtf = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'medium' })
    const nf = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB')
    const formats = { plural: new Intl.PluralRules(locale === 'fr' ? 'fr-FR' : 'en-GB'), number: nf }
    return {
      locale,
      timeZone,
      setLocale: l => { localStorage.setItem(LOCALE_PREF, l); document.documentElement.lang = l; setLocaleState(l) },
      setTimeZone: z => { localStorage.setItem(ZONE_PREF, z); setZoneState(z) },
      t: (key, vars) => format((messages as Record<string, string>)[key] ?? key, vars, formats),
      dateTime: iso => { const d = new Date(iso); return Number.isNaN(d.getTime()) ? String(iso) : dtf.format(d) },
      number: n => nf.format(n)
    }
  }, [locale, timeZone])
  document.documentElement.lang = locale
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}

export function useI18n (): I18n {
  const v = useContext(Ctx)
  if (v === null) throw new Error('useI18n outside I18nProvider')
  return v
}
