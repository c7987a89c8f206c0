import { createContext, useContext } from 'react'
import type { Me, Scope } from '../api/types.ts'

export const MeContext = createContext<Me | null>(null)

/**
 * Signs the console in with another key and reads its identity again: rotating the key in use revokes it at
 * once, so the console must carry on with the new one. Given by the app.
 */
export const SwitchKeyContext = createContext<(key: string) => Promise<void>>(async () => { throw new Error('no signed-in app') })

/** The signed-in key's identity; views below the shell always have one. */
export function useMe (): Me {
  const me = useContext(MeContext)
  if (me === null) throw new Error('useMe outside a signed-in shell')
  return me
}

/** Switches the console to another key (see SwitchKeyContext). */
export const useSwitchKey = (): ((key: string) => Promise<void>) => useContext(SwitchKeyContext)

/** Whether the key holds a scope (admin holds every one). */
export function can (me: Me, scope: Exclude<Scope, 'read:masked'>): boolean {
  if (me.scopes.includes('admin')) return true
  if (scope === 'read') return me.scopes.includes('read') || me.scopes.includes('read:masked')
  return me.scopes.includes(scope)
}
