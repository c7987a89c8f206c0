/** A KQL phrase: the text in double quotes, its quotes and backslashes escaped, so that it matches that value exactly. */
export const kqlPhrase = (text: string): string => `"${text.replace(/[\\"]/g, c => `\\${c}`)}"`

/** A KQL clause matching any of the values of one field exactly: `event.id:("a" or "b")`. */
export const kqlOneOf = (field: string, values: readonly string[]): string => `${field}:(${values.map(kqlPhrase).join(' or ')})`
