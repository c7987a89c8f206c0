import { href } from '../../app/router.ts'

/**
 * The views of one user or session. Ids are unique within a tenant only, so the tenant goes with them where it is
 * known: a key that sees every tenant then reads that tenant's user, not every user with that id.
 */
export const userHref = (id: string, tenant?: unknown): string => href(`/users/${encodeURIComponent(id)}`, { tenant: typeof tenant === 'string' ? tenant : undefined })
export const sessionHref = (id: string, tenant?: unknown): string => href(`/sessions/${encodeURIComponent(id)}`, { tenant: typeof tenant === 'string' ? tenant : undefined })
