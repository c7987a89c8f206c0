/**
 * What a masked reader (`read:masked`) may not search on: the personal fields, and free text, which may quote
 * emails and addresses. Copies of src/events/personal-fields.ts and src/query/fields.ts (the API refuses such
 * searches from these keys); test/unit/console/enums.test.ts keeps them equal.
 */
export const MASKED_FIELDS = new Set(['user.email', 'user.name', 'source.ip', 'related.ip', 'audit.actor.name', 'audit.change.before', 'audit.change.after'])
export const FREE_TEXT_FIELDS = ['message', 'event.reason'] as const

// A field and what lies below it (`audit.change.before.email`, multi-fields such as `user.name.text`).
const within = (field: string, roots: Iterable<string>): boolean => [...roots].some(r => field === r || field.startsWith(`${r}.`))

// The client's details, masked as free text (src/query/masked-access.ts).
const DETAILS = ['audit.details']

/** Whether this reader may filter on the field's value: a masked one sees it masked and is refused the search. */
export function filterable (field: string, masked: boolean): boolean {
  return !masked || !(within(field, MASKED_FIELDS) || within(field, FREE_TEXT_FIELDS) || within(field, DETAILS))
}
