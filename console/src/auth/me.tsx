import { createContext, useContext } from 'react'
import type { Me, Scope } from '../api/types.ts'

export const MeContext = createContext<Me | null>(null)

/** The signed-in key's identity; views below the shell always have one. */
export function useMe (): Me {
  const me = useContext(MeContext)
  if (me === null) throw new Error('useMe outside a signed-in shell')
  return me
}

/** Whether the key holds a scope (admin holds every one). */
export function can (me: Me, scope: Exclude<Scope, 'read:masked'>): boolean {
  if (me.scopes.includes('admin')) return true
  if (scope === 'read') return me.scopes.includes('read') || me.scopes.includes('read:masked')
  return me.scopes.includes(scope)
}
