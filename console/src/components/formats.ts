import { useMemo } from 'react'
import { useI18n } from '../i18n/i18n.tsx'

export interface Formats {
  /** A ratio (0.25) as a percentage (25 %), one decimal at most. */
  percent: (ratio: number | null) => string
  /** A number with its sign (+12, −3, 0). */
  signed: (n: number) => string
  /** A change already in percent (7.9) with its sign; a dash when there is none. */
  signedPercent: (pct: number | null) => string
  /** A duration in milliseconds, in its two largest units (2 d 4 h, 3 min 5 s). */
  duration: (ms: number | null) => string
  /** A number with at most `digits` decimals. */
  decimal: (n: number, digits?: number) => string
}

// French writes a day `j` (jour); the other units are the same in both languages.
const UNITS: Array<[{ en: string, fr: string }, number]> = [[{ en: 'd', fr: 'j' }, 86_400_000], [{ en: 'h', fr: 'h' }, 3_600_000], [{ en: 'min', fr: 'min' }, 60_000], [{ en: 's', fr: 's' }, 1000]]

/** Number and duration formats of the chosen locale, for the analytics views. */
export function useFormats (): Formats {
  const { locale } = useI18n()
  return useMemo(() => {
    const tag = locale === 'fr' ? 'fr-FR' : 'en-GB'
    const pct = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 })
    const sign = new Intl.NumberFormat(tag, { signDisplay: 'exceptZero', maximumFractionDigits: 2 })
    const signPct = new Intl.NumberFormat(tag, { signDisplay: 'exceptZero', maximumFractionDigits: 1, minimumFractionDigits: 1 })
    const dec = (digits: number): Intl.NumberFormat => new Intl.NumberFormat(tag, { maximumFractionDigits: digits })
    return {
      percent: r => r === null ? '—' : pct.format(r),
      signed: n => sign.format(n),
      signedPercent: p => p === null ? '—' : pct.format(0).replace(/[\d]+/, signPct.format(p)),
      duration: ms => {
        if (ms === null) return '—'
        if (ms < 1000) return `${dec(0).format(ms)} ms`
        const parts: string[] = []
        let rest = ms
        for (const [unit, size] of UNITS) {
          const n = Math.floor(rest / size)
          if (n > 0 || parts.length > 0) parts.push(`${dec(0).format(n)} ${unit[locale]}`)
          rest -= n * size
          if (parts.length === 2) break
        }
        return parts.filter(p => !p.startsWith('0 ')).join(' ')
      },
      decimal: (n, digits = 2) => dec(digits).format(n)
    }
  }, [locale])
}
