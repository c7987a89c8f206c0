import { IPS, UA } from './events.ts'

/** One seeded event with the facts a test needs to compute expected answers on its own. */
export interface Seeded {
  body: Record<string, unknown>
  id: string
  time: number
  action: string
  category: string
  outcome: string
  user: string
  session: string
  ip: string
  country: string | undefined
  device: string
  browser: string
  os: string
  amount: number | undefined
  currency: string | undefined
  operator: string | undefined
  level: string
  message: string
}

const PLACES: Array<{ ip: string, country: string | undefined }> = [
  { ip: IPS.london, country: 'GB' }, { ip: IPS.france, country: 'FR' }, { ip: IPS.germany, country: 'DE' },
  { ip: IPS.us, country: 'US' }, { ip: '10.20.30.40', country: undefined }, { ip: '212.27.48.10', country: 'FR' },
  { ip: '2a01:e0a:2::5', country: 'FR' }
]
const DEVICES = [
  { ua: UA.chromeWindows, device: 'desktop', browser: 'Chrome', os: 'Windows' },
  { ua: UA.safariIphone, device: 'mobile', browser: 'Mobile Safari', os: 'iOS' },
  { ua: UA.firefoxLinux, device: 'desktop', browser: 'Firefox', os: 'Ubuntu' },
  { ua: UA.chromeTablet, device: 'tablet', browser: 'Chrome', os: 'Android' }
]
const WORDS = ['jackpot', 'refund', 'verification', 'limit', 'bonus', 'dispute']

/** The action of the i-th event and the importance level the documented rule table gives it. */
function actionOf (i: number): { action: string, category: string, outcome: string, amount?: number, operator?: string, level: string } {
  switch (i % 10) {
    case 0: return { action: 'login', category: 'authentication', outcome: 'success', level: 'low' }
    case 1: return { action: 'login', category: 'authentication', outcome: 'failure', level: 'medium' }
    case 2: { const amount = (i * 37) % 3000; return { action: 'deposit', category: 'money', outcome: 'success', amount, level: 'medium' } }
    case 3: { const amount = (i * 53) % 2000; return { action: 'withdrawal', category: 'money', outcome: 'success', amount, level: amount >= 1000 ? 'high' : 'medium' } }
    case 4: return { action: 'bet_placed', category: 'gaming', outcome: 'success', amount: (i % 90) + 1, level: 'low' }
    case 5: return { action: 'bet_won', category: 'gaming', outcome: 'success', amount: (i % 50) * 3, level: 'low' }
    case 6: return { action: 'email_changed', category: 'profile', outcome: 'success', level: 'high' }
    case 7: return { action: 'button_clicked', category: 'ui', outcome: 'unknown', level: 'low' }
    case 8: return { action: 'role_changed', category: 'profile', outcome: 'success', operator: `op-${i % 3}`, level: 'critical' }
    default: return { action: 'vip_tier_reviewed', category: 'custom', outcome: 'success', level: 'low' }
  }
}

const MINUTE = 60_000

/** `n` events, one every 47 minutes back from `base`, with their expected facts. */
export function seedEvents (run: string, n: number, base: number): Seeded[] {
  return Array.from({ length: n }, (_, i) => {
    const a = actionOf(i)
    const place = PLACES[i % PLACES.length] as typeof PLACES[number]
    const dev = DEVICES[i % DEVICES.length] as typeof DEVICES[number]
    const time = base - i * 47 * MINUTE
    const currency = a.amount === undefined ? undefined : (i % 4 === 0 ? 'USD' : 'EUR')
    const message = `${a.action} ${WORDS[i % WORDS.length]} case ${i}`
    const s: Seeded = {
      id: `${run}-${i}`, time, action: a.action, category: a.category, outcome: a.outcome, user: `u-${i % 13}`, session: `s-${i % 29}`,
      ip: place.ip, country: place.country, device: dev.device, browser: dev.browser, os: dev.os,
      amount: a.amount, currency, operator: a.operator, level: a.level, message,
      body: {}
    }
    s.body = {
      '@timestamp': new Date(time).toISOString(),
      event: { id: s.id, action: s.action, outcome: s.outcome },
      message,
      user: { id: s.user },
      source: { ip: s.ip },
      user_agent: { original: dev.ua },
      audit: {
        session: { id: s.session },
        ...(a.amount === undefined ? {} : { money: { amount: a.amount, currency } }),
        ...(a.operator === undefined ? {} : { actor: { type: 'operator', id: a.operator, name: 'Operator' } }),
        details: { channel: i % 2 === 0 ? 'web' : 'app' }
      }
    }
    return s
  })
}
