/**
 * The scopes a key or an SSO role can be given: part of what the configuration reads (bootstrap keys, role
 * mappings), so it lives here; `auth/scopes.ts` says what each grants.
 */
export const SCOPES = ['ingest', 'read', 'read:masked', 'export', 'admin'] as const
export type Scope = typeof SCOPES[number]
