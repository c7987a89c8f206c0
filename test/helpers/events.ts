/** Realistic events for tests and benchmarks. */
export const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  chromeTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36'
}

/** Public addresses whose location the bundled GeoLite data knows. */
export const IPS = { london: '81.2.69.142', france: '2a01:e0a:1::1', germany: '88.198.1.1', us: '8.8.8.8', russia: '77.88.55.242' }

const ACTIONS = ['login', 'logout', 'login_failed', 'deposit', 'withdrawal', 'bet_placed', 'bet_won', 'game_launched', 'email_changed', 'button_clicked', 'ticket_created']
const UAS = Object.values(UA)
const ADDRS = Object.values(IPS)

/** The i-th event of a deterministic stream; ids are unique per (run, i). */
export function makeEvent (run: string, i: number, at: Date = new Date()): Record<string, unknown> {
  const action = ACTIONS[i % ACTIONS.length] as string
  const money = ['deposit', 'withdrawal', 'bet_placed', 'bet_won'].includes(action)
  return {
    '@timestamp': at.toISOString(),
    event: { id: `${run}-${i}`, action, outcome: action === 'login_failed' ? 'failure' : 'success' },
    message: `${action} by user ${i % 997}`,
    user: { id: `u-${i % 997}`, email: `user${i % 997}@example.com` },
    source: { ip: ADDRS[i % ADDRS.length] },
    user_agent: { original: UAS[i % UAS.length] },
    audit: {
      session: { id: `s-${Math.floor(i / 20)}` },
      ...(money ? { money: { amount: (i % 500) * 10 + 5, currency: 'EUR' } } : {})
    }
  }
}

export function makeBatch (run: string, from: number, size: number): { events: Array<Record<string, unknown>> } {
  return { events: Array.from({ length: size }, (_, k) => makeEvent(run, from + k)) }
}
