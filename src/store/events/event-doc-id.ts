/**
 * The document `_id` of an event: its tenant and its event id joined by "/", a character neither may hold
 * (tenants are `[a-z0-9_-]`, event ids `[A-Za-z0-9._:@-]`), so two tenants may use the same event id and the
 * key reads back unambiguously. Events stored by earlier versions have `_id` = event id (never with a "/"),
 * so no new key can equal an old one.
 */
export function eventDocId (tenant: string, eventId: string): string {
  return `${tenant}/${eventId}`
}

/** The event id inside a document `_id`, of either form. */
export function eventIdOfDoc (docId: string): string {
  const at = docId.indexOf('/')
  return at < 0 ? docId : docId.slice(at + 1)
}
