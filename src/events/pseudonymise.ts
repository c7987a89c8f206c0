import { createHmac } from 'node:crypto'
import type { StoredEvent } from './schema.ts'

/** Fields that may be replaced by a keyed hash at ingest: identifiers and names, never addresses (geo and CIDR need them). */
export const PSEUDONYMISABLE = ['user.id', 'user.email', 'user.name', 'audit.actor.id', 'audit.actor.name', 'audit.device.id'] as const
export type PseudonymField = typeof PSEUDONYMISABLE[number]

/**
 * HMAC-SHA256 keyed by a secret, per field: the same value always gives the same pseudonym, so timelines,
 * groupings and signals still work, but the value cannot be read back or guessed without the key.
 */
export function pseudonym (key: Buffer, field: string, value: string): string {
  return `ps_${createHmac('sha256', key).update(`${field}\u0000${value}`).digest('base64url').slice(0, 27)}`
}

/** Replaces the chosen fields of a normalised event in place (before it is queued, so nothing stores the clear value). */
export function pseudonymiseEvent (e: StoredEvent, fields: readonly PseudonymField[], key: Buffer): void {
  const p = (field: PseudonymField, v: string | undefined): string | undefined => v === undefined ? undefined : pseudonym(key, field, v)
  for (const field of fields) {
    switch (field) {
      case 'user.id': {
        const clear = e.user.id
        e.user.id = p(field, clear) as string
        e.related.user = e.related.user.map(u => u === clear ? e.user.id : u)
        if (e.audit.actor.type === 'user' && e.audit.actor.id === clear) e.audit.actor.id = e.user.id
        break
      }
      case 'user.email': if (e.user.email !== undefined) e.user.email = p(field, e.user.email) as string; break
      case 'user.name': if (e.user.name !== undefined) e.user.name = p(field, e.user.name) as string; break
      case 'audit.actor.id': {
        const clear = e.audit.actor.id
        if (clear !== undefined && e.audit.actor.type !== 'user') {
          e.audit.actor.id = p(field, clear) as string
          e.related.user = e.related.user.map(u => u === clear ? e.audit.actor.id as string : u)
        }
        break
      }
      case 'audit.actor.name': if (e.audit.actor.name !== undefined) e.audit.actor.name = p(field, e.audit.actor.name) as string; break
      case 'audit.device.id': if (e.audit.device.id !== undefined) e.audit.device.id = p(field, e.audit.device.id) as string; break
    }
  }
}
