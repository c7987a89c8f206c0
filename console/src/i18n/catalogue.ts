import { admin } from './messages/admin.ts'
import { alerts } from './messages/alerts.ts'
import { behaviour } from './messages/behaviour.ts'
import { core } from './messages/core.ts'
import { deadLetters } from './messages/dead-letters.ts'
import { exports } from './messages/exports.ts'
import { groups } from './messages/groups.ts'
import { integrity } from './messages/integrity.ts'
import { notifications } from './messages/notifications.ts'
import { ruleRuns } from './messages/rule-runs.ts'
import { saved } from './messages/saved.ts'
import { signals } from './messages/signals.ts'
import { watch } from './messages/watch.ts'

/** Every string of the console, by locale: each feature's catalogue under i18n/messages/ is merged here. */
const parts = [core, exports, groups, behaviour, signals, alerts, watch, ruleRuns, saved, integrity, admin, deadLetters, notifications] as const

type Union = typeof parts[number]['en']
type Merge<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
export type Messages = Merge<Union>
export type MessageKey = keyof Messages

const merge = (locale: 'en' | 'fr'): Messages => Object.assign({}, ...parts.map(p => p[locale])) as Messages
export const CATALOGUES = { en: merge('en'), fr: merge('fr') }
