import type { RetentionClass } from './retention-classes.ts'

export const CATEGORIES = ['authentication', 'profile', 'money', 'gaming', 'support', 'ui', 'custom'] as const
export type Category = typeof CATEGORIES[number]

/** Direction of a money movement seen from the user's balance. */
export type MoneyDirection = 'in' | 'out'

interface ActionInfo {
  category: Exclude<Category, 'custom'>
  description: string
  direction?: MoneyDirection
}

/** Every known action, its category and, for money, its direction. Unknown actions become `custom`. */
export const ACTIONS = {
  registration: { category: 'authentication', description: 'account created' },
  login: { category: 'authentication', description: 'sign-in (outcome says success or failure)' },
  login_failed: { category: 'authentication', description: 'failed sign-in' },
  logout: { category: 'authentication', description: 'sign-out' },
  mfa_challenge: { category: 'authentication', description: 'second factor requested' },
  mfa_verified: { category: 'authentication', description: 'second factor accepted or refused (outcome)' },
  mfa_enabled: { category: 'authentication', description: 'second factor turned on' },
  mfa_disabled: { category: 'authentication', description: 'second factor turned off' },
  password_reset_requested: { category: 'authentication', description: 'password reset link asked for' },
  password_reset_completed: { category: 'authentication', description: 'password reset through a link' },

  email_changed: { category: 'profile', description: 'email address changed' },
  password_changed: { category: 'profile', description: 'password changed (the value is never recorded)' },
  settings_changed: { category: 'profile', description: 'account settings changed' },
  language_changed: { category: 'profile', description: 'interface language changed' },
  tags_changed: { category: 'profile', description: 'tags on the account changed' },
  role_changed: { category: 'profile', description: 'role or permission level changed' },
  payout_details_changed: { category: 'profile', description: 'withdrawal destination changed' },
  personal_data_changed: { category: 'profile', description: 'name, address, phone or birth date changed' },
  account_status_changed: { category: 'profile', description: 'account blocked, unblocked, closed or limited' },

  deposit: { category: 'money', description: 'money paid in', direction: 'in' },
  deposit_cancelled: { category: 'money', description: 'deposit reversed', direction: 'out' },
  withdrawal: { category: 'money', description: 'money paid out', direction: 'out' },
  withdrawal_cancelled: { category: 'money', description: 'withdrawal cancelled, money returned', direction: 'in' },
  bonus_granted: { category: 'money', description: 'bonus credited', direction: 'in' },
  bonus_cancelled: { category: 'money', description: 'bonus removed', direction: 'out' },
  promo_code_redeemed: { category: 'money', description: 'promotion code used' },
  balance_adjusted: { category: 'money', description: 'manual balance correction' },

  game_launched: { category: 'gaming', description: 'game opened' },
  bet_placed: { category: 'gaming', description: 'stake placed', direction: 'out' },
  bet_won: { category: 'gaming', description: 'winnings credited', direction: 'in' },
  bet_cancelled: { category: 'gaming', description: 'bet voided, stake returned', direction: 'in' },

  ticket_created: { category: 'support', description: 'support ticket opened' },
  ticket_updated: { category: 'support', description: 'support ticket answered or changed' },
  complaint_filed: { category: 'support', description: 'formal complaint' },

  confirmation: { category: 'ui', description: 'a confirmation dialog answered' },
  button_clicked: { category: 'ui', description: 'a tracked button pressed' },
  form_submitted: { category: 'ui', description: 'a tracked form sent' },
  page_viewed: { category: 'ui', description: 'a tracked page shown' }
} as const satisfies Record<string, ActionInfo>

export type KnownAction = keyof typeof ACTIONS

export const RETENTION_OF: Record<Category, RetentionClass> = {
  authentication: 'security',
  profile: 'security',
  money: 'financial',
  gaming: 'financial',
  support: 'activity',
  ui: 'interaction',
  custom: 'interaction'
}

export function classify (action: string): { category: Category, direction?: MoneyDirection } {
  // Own keys only: an action named like an Object.prototype member (`constructor`) is a custom one.
  const info: ActionInfo | undefined = Object.hasOwn(ACTIONS, action) ? (ACTIONS as Record<string, ActionInfo>)[action] : undefined
  if (info === undefined) return { category: 'custom' }
  return info.direction === undefined ? { category: info.category } : { category: info.category, direction: info.direction }
}
