import { ValidationError } from '../errors.ts'

export type SortValues = Array<string | number | null>

/** The sort values of a page's last hit, as a cursor the next request hands back (opaque to callers, not signed). */
export const encodeSortCursor = (sort: SortValues): string => Buffer.from(JSON.stringify(sort)).toString('base64url')

/** The sort values a cursor holds, if it has the shape `length` sort values of this list have; otherwise a 400 naming the parameter. */
export function decodeSortCursor (cursor: string, length: { min: number, max: number }, path = '/querystring/cursor'): SortValues {
  try {
    const sort = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(sort) && sort.length >= length.min && sort.length <= length.max && sort.every(v => v === null || typeof v === 'string' || typeof v === 'number')) return sort
  } catch { /* reported below */ }
  throw new ValidationError([{ index: 0, path, message: 'is not a cursor this service issued' }], 'the request is invalid')
}
