/**
 * A CSV's columns from the table's: a multi-field (`user.name.text`, another index of `user.name`) is not a key
 * of the stored event, so it is exported as the field it indexes, once. `fieldNames`: GET /v1/fields.
 */
export function csvColumns (columns: readonly string[], fieldNames: ReadonlySet<string>): string[] {
  const parent = (c: string): string => c.slice(0, Math.max(0, c.lastIndexOf('.')))
  return [...new Set(columns.map(c => fieldNames.has(parent(c)) ? parent(c) : c))]
}
