/**
 * What the watch benchmark watches: 50 rules of a fraud team (30 thresholds grouped by user, address, device and
 * others, 10 fraud signals, 10 new values), and the devices its events carry.
 */

type Json = Record<string, unknown>
const FNV_PRIME = 16_777_619
/** Home addresses the bundled GeoLite data places in 8 countries. */
const HOMES = ['81.2.69.142', '203.2.218.214', '212.27.48.10', '88.198.1.1', '8.8.8.8', '41.203.64.1', '77.88.55.242', '2a01:e0a:1::1']

/**
 * Makes the data set's users behave like users: most of their events from their home address (the rest, as
 * generated, from anywhere: travel, VPNs, an attacker), on their own device, a second device on a tenth of them,
 * and 40 shared "farm" devices on 0.5 % of all events.
 */
export function likeUsers (event: Json, i: number): Json {
  const user = String((event.user as { id: string }).id)
  const h = Math.imul(i + 1, FNV_PRIME) >>> 0
  const r = (h % 1000) / 1000
  const device = r < 0.005 ? `dev-farm-${(h >>> 10) % 40}` : r < 0.105 ? `dev-${user}-2` : `dev-${user}`
  const ip = String((event.source as { ip: string }).ip)
  const home = ip.startsWith('10.') || (h >>> 20) % 10 === 0 ? ip : HOMES[Number(user.slice(2)) % HOMES.length] as string
  return { ...event, source: { ip: home }, audit: { ...(event.audit as Json), device: { id: device } } }
}

type Filters = Json
const threshold = (name: string, groupBy: string | undefined, window: string, value: number, filters: Filters = {}, metric: 'count' | 'amount' | 'users' = 'count'): Json =>
  ({ name, condition: { kind: 'threshold', filters, window, ...(groupBy === undefined ? {} : { groupBy }), metric, bound: { value } } })
const signal = (name: string, kind: string, params: Json = {}, filters: Filters = {}): Json =>
  ({ name, condition: { kind: 'signal', signal: kind, params, filters } })
const newValue = (name: string, field: string, filters: Filters, days = 30): Json =>
  ({ name, condition: { kind: 'new-value', field, days, filters } })

const W = { action: ['withdrawal'] }
const LOGIN_OK = { action: ['login'], outcome: ['success'] }
const FAILED = { action: ['login_failed'] }

export const RULES: Json[] = [
  threshold('More than 3 withdrawals in 1 h', 'user.id', '1h', 3, W),
  threshold('Over 5,000 withdrawn in 24 h', 'user.id', '24h', 5000, W, 'amount'),
  threshold('Over 2,000 deposited in 1 h', 'user.id', '1h', 2000, { action: ['deposit'] }, 'amount'),
  threshold('More than 5 failed sign-ins in 10 min', 'user.id', '10m', 5, FAILED),
  threshold('More than 3 email or password changes in 24 h', 'user.id', '24h', 3, { action: ['email_changed', 'password_changed'] }),
  threshold('More than 50 bets in 10 min', 'user.id', '10m', 50, { action: ['bet_placed'] }),
  threshold('More than 3 bonuses in 7 d', 'user.id', '7d', 3, { action: ['bonus_granted'] }),
  threshold('More than 5 tickets in 1 d', 'user.id', '1d', 5, { action: ['ticket_created'] }),
  threshold('Over 10,000 won in 24 h', 'user.id', '24h', 10_000, { action: ['bet_won'] }, 'amount'),
  threshold('More than 20 sign-ins in 1 h', 'user.id', '1h', 20, { action: ['login'] }),
  threshold('More than 3 failed withdrawals in 1 h', 'user.id', '1h', 3, { ...W, outcome: ['failure'] }),
  threshold('More than 100 events in 10 min', 'user.id', '10m', 100),
  threshold('More than 5 high-importance events in 1 h', 'user.id', '1h', 5, { importance: { min: 'high' } }),
  threshold('More than 20 failed sign-ins from one address in 10 min', 'source.ip', '10m', 20, FAILED),
  threshold('More than 10 accounts signing in from one address in 1 h', 'source.ip', '1h', 10, LOGIN_OK, 'users'),
  threshold('More than 30 accounts on one address in 24 h', 'source.ip', '24h', 30, {}, 'users'),
  threshold('More than 5 accounts withdrawing from one address in 24 h', 'source.ip', '24h', 5, W, 'users'),
  threshold('More than 500 events from one address in 10 min', 'source.ip', '10m', 500),
  threshold('Over 10,000 withdrawn from one address in 1 h', 'source.ip', '1h', 10_000, W, 'amount'),
  threshold('More than 5 password changes from one address in 1 h', 'source.ip', '1h', 5, { action: ['password_changed'] }),
  threshold('More than 5 accounts on one device in 24 h', 'audit.device.id', '24h', 5, {}, 'users'),
  threshold('More than 3 accounts withdrawing from one device in 7 d', 'audit.device.id', '7d', 3, W, 'users'),
  threshold('More than 10 failed sign-ins on one device in 1 h', 'audit.device.id', '1h', 10, FAILED),
  threshold('More than 3 accounts taking bonuses on one device in 7 d', 'audit.device.id', '7d', 3, { action: ['bonus_granted'] }, 'users'),
  threshold('Over 2,000 withdrawn from one device in 1 h', 'audit.device.id', '1h', 2000, W, 'amount'),
  threshold('More than 200 withdrawals from one country in 10 min', 'country', '10m', 200, W),
  threshold('More than 50 operator actions in 1 h', 'operator', '1h', 50, { actorType: ['operator'] }),
  threshold('More than 1,000 failures in 10 min', undefined, '10m', 1000, { outcome: ['failure'] }),
  threshold('More than 20 bets in one session in 10 min', 'audit.session.id', '10m', 20, { action: ['bet_placed'] }),
  threshold('More than 2,000 withdrawals in 1 h', undefined, '1h', 2000, W),
  signal('Failed sign-in burst per user', 'failed-logins', { by: 'user', threshold: 5, window: '10m' }),
  signal('Failed sign-in burst per address', 'failed-logins', { by: 'ip', threshold: 20, window: '10m' }),
  signal('Slow password guessing per user', 'failed-logins', { by: 'user', threshold: 10, window: '1d' }),
  signal('Impossible travel', 'impossible-travel'),
  signal('Impossible travel, successful sign-ins, 500 km/h', 'impossible-travel', { maxSpeedKmh: 500, minDistanceKm: 300 }, LOGIN_OK),
  signal('Device shared by 3 accounts', 'shared-device', { by: 'device', minUsers: 3 }),
  signal('Address shared by 20 accounts in 7 d', 'shared-device', { by: 'ip', minUsers: 20, window: '7d' }),
  signal('Device shared by 5 accounts in 90 d', 'shared-device', { by: 'device', minUsers: 5, window: '90d' }),
  signal('Change then withdraw, 24 h', 'change-then-withdraw', { window: '24h' }),
  signal('Change then withdraw, 1 h', 'change-then-withdraw', { window: '1h' }),
  newValue('Sign-in from a new country', 'country', LOGIN_OK),
  newValue('Sign-in on a new device', 'audit.device.id', LOGIN_OK),
  newValue('Withdrawal from a new address', 'source.ip', W),
  newValue('Withdrawal from a new country', 'country', W, 90),
  newValue('Withdrawal on a new device', 'audit.device.id', W),
  newValue('Password changed from a new country', 'country', { action: ['password_changed'] }),
  newValue('Email changed from a new address', 'source.ip', { action: ['email_changed'] }),
  newValue('Password changed on a new device', 'audit.device.id', { action: ['password_changed'] }),
  newValue('Any event from a new country in 90 d', 'country', {}, 90),
  newValue('Sign-in on a new kind of device', 'device', LOGIN_OK)
]

/** The rules as a tenant's admin would post them, with the schedule of the run. */
export const rulesWith = (interval: string, lookBack: string): Json[] => RULES.map(r => ({ ...r, interval, lookBack }))
