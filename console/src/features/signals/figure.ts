import { useFormats } from '../../components/formats.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { Kind } from './state.ts'
import type { Signal } from './types.ts'

export interface FigureText {
  /** What the signal's key is (a user, an address, a device). */
  keyKind: 'user' | 'ip' | 'device'
  main: string
  threshold: string
  extra: Array<[string, string]>
}

const num = (v: unknown): number => typeof v === 'number' ? v : 0

/** The figure that crossed the threshold, the threshold, and the other facts of a signal, in words. */
export function useFigure (kind: Kind, by: string | undefined): (s: Signal) => FigureText {
  const { t, dateTime, number } = useI18n()
  const { duration, decimal } = useFormats()
  return s => {
    const f = s.figure
    switch (kind) {
      case 'failed-logins': return {
        keyKind: by === 'ip' ? 'ip' : 'user',
        main: t('signals.fl.main', { failures: num(f.failures), span: duration(Date.parse(String(f.to)) - Date.parse(String(f.from))) }),
        threshold: t('signals.fl.threshold', { threshold: num(f.threshold), window: duration(num(f.windowMs)) }),
        extra: [
          [t('signals.fl.from'), dateTime(String(f.from))], [t('signals.fl.to'), dateTime(String(f.to))],
          [t('signals.fl.users'), number(num(f.distinctUsers))], [t('signals.fl.total'), number(num(f.totalFailures))]
        ]
      }
      case 'impossible-travel': return {
        keyKind: 'user',
        main: f.speedKmh === null ? t('signals.it.instant') : t('signals.it.main', { speed: decimal(num(f.speedKmh), 0) }),
        threshold: t('signals.it.threshold', { max: decimal(num(f.maxSpeedKmh), 0), min: decimal(num(f.minDistanceKm), 0) }),
        extra: [[t('signals.it.distance'), `${decimal(num(f.distanceKm), 1)} km`], [t('signals.it.time'), duration(Math.round(num(f.hours) * 3_600_000))]]
      }
      case 'shared-device': return {
        keyKind: by === 'ip' ? 'ip' : 'device',
        main: t(f.complete === false ? 'signals.sd.mainEstimate' : 'signals.sd.main', { users: num(f.users) }),
        threshold: t('signals.sd.threshold', { min: num(f.minUsers) }),
        extra: [[t('signals.sd.events'), number(num(f.events))]]
      }
      case 'change-then-withdraw': {
        const amounts = Array.isArray(f.amounts) ? f.amounts as Array<{ currency: string, amount: number }> : []
        return {
          keyKind: 'user',
          main: t('signals.cw.main', { change: String(f.change), elapsed: duration(num(f.elapsedMs)) }),
          threshold: t('signals.cw.threshold', { window: duration(num(f.windowMs)) }),
          extra: [[t('signals.cw.withdrawals'), number(num(f.withdrawals))], [t('signals.cw.amounts'), amounts.map(a => `${decimal(a.amount)} ${a.currency}`).join(', ') || '—']]
        }
      }
    }
  }
}
