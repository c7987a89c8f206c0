import type { Category } from './taxonomy.ts'
import type { ActorType, Level, Outcome } from './schema.ts'

/** A rule matches when every condition it names holds; the matching rule with the highest score wins. */
export interface ImportanceRule {
  id: string
  level: Level
  score: number
  why: string
  when: {
    categories?: Category[]
    actions?: string[]
    outcomes?: Outcome[]
    actorTypes?: ActorType[]
    /** Amount in the event's own currency; thresholds are currency-agnostic on purpose (see docs/event-model.md, Importance). */
    minAmount?: number
  }
}

/** The default table. Kept as data so it can be read, documented and replaced without code changes. */
export const DEFAULT_IMPORTANCE_RULES: ImportanceRule[] = [
  { id: 'operator-role-change', level: 'critical', score: 95, when: { actions: ['role_changed'], actorTypes: ['operator'] }, why: 'An operator granting or removing rights is the classic insider-abuse step.' },
  { id: 'large-withdrawal', level: 'critical', score: 90, when: { actions: ['withdrawal'], minAmount: 10000 }, why: 'Large payouts are where account takeover turns into loss.' },
  { id: 'manual-balance-adjustment', level: 'critical', score: 85, when: { actions: ['balance_adjusted'] }, why: 'Money created or removed by hand must always be reviewable.' },
  { id: 'withdrawal-over-threshold', level: 'high', score: 80, when: { actions: ['withdrawal'], minAmount: 1000 }, why: 'Payouts above the review threshold.' },
  { id: 'payout-destination-change', level: 'high', score: 78, when: { actions: ['payout_details_changed'] }, why: 'Changing where money goes often precedes a fraudulent withdrawal.' },
  { id: 'operator-account-status', level: 'high', score: 75, when: { actions: ['account_status_changed'], actorTypes: ['operator'] }, why: 'Blocking or unblocking an account by hand.' },
  { id: 'role-change', level: 'high', score: 72, when: { actions: ['role_changed'] }, why: 'Any change of rights.' },
  { id: 'credential-change', level: 'high', score: 70, when: { actions: ['email_changed', 'password_changed', 'mfa_disabled', 'password_reset_completed'] }, why: 'Credential changes are the core of account takeover.' },
  { id: 'large-deposit', level: 'high', score: 65, when: { actions: ['deposit'], minAmount: 10000 }, why: 'Large deposits matter for anti-money-laundering review.' },
  { id: 'withdrawal', level: 'medium', score: 55, when: { actions: ['withdrawal'] }, why: 'Every payout is a money movement out of the platform.' },
  { id: 'complaint', level: 'medium', score: 50, when: { actions: ['complaint_filed'] }, why: 'Formal complaints have regulatory deadlines.' },
  { id: 'operator-action', level: 'medium', score: 45, when: { actorTypes: ['operator'] }, why: 'Manual actions by staff on a user account.' },
  { id: 'money-movement', level: 'medium', score: 40, when: { categories: ['money'] }, why: 'Deposits, bonuses, promotions and cancellations.' },
  { id: 'large-bet', level: 'medium', score: 40, when: { actions: ['bet_placed', 'bet_won'], minAmount: 5000 }, why: 'High stakes and big wins are watched for bonus abuse and collusion.' },
  { id: 'failed-authentication', level: 'medium', score: 35, when: { categories: ['authentication'], outcomes: ['failure'] }, why: 'Failed sign-ins and refused second factors are the raw material of brute-force detection.' },
  { id: 'failed-login-action', level: 'medium', score: 35, when: { actions: ['login_failed'] }, why: 'Same as above, for clients that send a dedicated action.' },
  { id: 'profile-change', level: 'medium', score: 30, when: { categories: ['profile'] }, why: 'Other account data changes.' },
  { id: 'authentication', level: 'low', score: 20, when: { categories: ['authentication'] }, why: 'Ordinary sign-ins and sign-outs.' },
  { id: 'support', level: 'low', score: 20, when: { categories: ['support'] }, why: 'Support conversation.' },
  { id: 'gaming', level: 'low', score: 15, when: { categories: ['gaming'] }, why: 'Ordinary play.' },
  { id: 'ui', level: 'low', score: 5, when: { categories: ['ui'] }, why: 'Clicks and views are for behaviour analysis.' }
]

export const DEFAULT_IMPORTANCE = { level: 'low', rule: 'default', score: 10 } as const
