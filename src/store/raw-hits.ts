/**
 * Reads a search response as text, without parsing the documents: each hit's `_source` is cut out as the
 * bytes Elasticsearch returned (the stored document, as it was indexed), and only the small parts the walk
 * needs (the point in time id, the last hit's sort values) are parsed. An NDJSON export of a million events
 * then costs no JSON parse and no re-serialisation per event.
 *
 * Hits are read in the order Elasticsearch writes their fields (`_index`, `_id`, `_score`, `_source`, `sort`);
 * every value is skipped by structure (strings with their escapes, nested objects and arrays), so nothing in a
 * document can be mistaken for a key of the hit.
 */
export interface RawHits {
  sources: string[]
  lastSort?: Array<string | number | boolean | null>
  pitId?: string
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Index just past the string that starts at `i` (a quote). */
function skipString (text: string, i: number): number {
  let at = i + 1
  for (;;) {
    const q = text.indexOf('"', at)
    if (q < 0) throw new SyntaxError('unterminated string in a search response')
    let slashes = 0
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++
    if (slashes % 2 === 0) return q + 1
    at = q + 1
  }
}

/** Index just past the JSON value that starts at `i`. */
export function skipValue (text: string, i: number): number {
  const first = text.charCodeAt(i)
  if (first === QUOTE) return skipString(text, i)
  if (first !== 0x7b && first !== 0x5b) {
    // A number, true, false or null: up to the next delimiter.
    let at = i
    while (at < text.length && !',}] \n\r\t'.includes(text[at] as string)) at++
    return at
  }
  let depth = 0
  let at = i
  while (at < text.length) {
    const c = text.charCodeAt(at)
    if (c === QUOTE) { at = skipString(text, at); continue }
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      depth--
      if (depth === 0) return at + 1
    }
    at++
  }
  throw new SyntaxError('unterminated object or array in a search response')
}

const SOURCE = '"_source":'
const SORT = ',"sort":'
const PIT = '{"pit_id":'

export function splitHits (text: string): RawHits {
  const out: RawHits = { sources: [] }
  if (text.startsWith(PIT)) out.pitId = JSON.parse(text.slice(PIT.length, skipString(text, PIT.length))) as string
  let at = text.indexOf('"hits":[')
  if (at < 0) throw new SyntaxError('a search response without hits')
  let lastSort: [number, number] | undefined
  for (;;) {
    const key = text.indexOf(SOURCE, at)
    if (key < 0) break
    const start = key + SOURCE.length
    const end = skipValue(text, start)
    out.sources.push(text.slice(start, end))
    at = end
    if (text.startsWith(SORT, end)) {
      const sortStart = end + SORT.length
      at = skipValue(text, sortStart)
      lastSort = [sortStart, at]
    }
  }
  if (lastSort !== undefined) out.lastSort = JSON.parse(text.slice(lastSort[0], lastSort[1])) as RawHits['lastSort']
  if (out.pitId === undefined) {
    // Past the last hit only Elasticsearch's own fields remain.
    const pit = text.indexOf('"pit_id":', at)
    if (pit >= 0) out.pitId = JSON.parse(text.slice(pit + 9, skipString(text, pit + 9))) as string
  }
  return out
}
