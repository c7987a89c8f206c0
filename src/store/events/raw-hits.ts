/**
 * Reads a search response as bytes, without parsing the documents: each hit's `_source` is cut out of the
 * response as the bytes Elasticsearch returned (the stored document, as it was indexed), and only the small
 * parts the walk needs (the point in time id, the last hit's sort values) are parsed. An NDJSON export then
 * costs no JSON parse and no re-serialisation per event, and its pages never become large strings: buffers
 * are freed by the young-generation collector, so memory stays flat without waiting for a full collection.
 *
 * Hits are read in the order Elasticsearch writes their fields (`_index`, `_id`, `_score`, `_source`, `sort`);
 * every value is skipped by structure (strings with their escapes, nested objects and arrays), so nothing in a
 * document can be mistaken for a key of the hit. UTF-8 never uses the bytes of `"` or `\` inside a character.
 */
export interface RawHits {
  /** Each document, a view into the response (no copy). */
  sources: Buffer[]
  lastSort?: Array<string | number | boolean | null>
  pitId?: string
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const DELIMITERS = new Set([0x2c, 0x7d, 0x5d, 0x20, 0x0a, 0x0d, 0x09])

/** Index just past the string that starts at `i` (a quote). */
function skipString (bytes: Buffer, i: number): number {
  let at = i + 1
  for (;;) {
    const q = bytes.indexOf(QUOTE, at)
    if (q < 0) throw new SyntaxError('unterminated string in a search response')
    let slashes = 0
    while (bytes[q - 1 - slashes] === BACKSLASH) slashes++
    if (slashes % 2 === 0) return q + 1
    at = q + 1
  }
}

/** Index just past the JSON value that starts at `i`. */
export function skipValue (bytes: Buffer, i: number): number {
  const first = bytes[i]
  if (first === QUOTE) return skipString(bytes, i)
  if (first !== 0x7b && first !== 0x5b) {
    // A number, true, false or null: up to the next delimiter.
    let at = i
    while (at < bytes.length && !DELIMITERS.has(bytes[at] as number)) at++
    return at
  }
  let depth = 0
  let at = i
  while (at < bytes.length) {
    const c = bytes[at]
    if (c === QUOTE) { at = skipString(bytes, at); continue }
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      depth--
      if (depth === 0) return at + 1
    }
    at++
  }
  throw new SyntaxError('unterminated object or array in a search response')
}

const SOURCE = Buffer.from('"_source":')
const SORT = Buffer.from(',"sort":')
const PIT = Buffer.from('"pit_id":')
const HITS = Buffer.from('"hits":[')

const startsWith = (bytes: Buffer, prefix: Buffer, at: number): boolean => at + prefix.length <= bytes.length && bytes.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0
const parsed = <T>(bytes: Buffer, start: number, end: number): T => JSON.parse(bytes.toString('utf8', start, end)) as T

export function splitHits (bytes: Buffer): RawHits {
  const out: RawHits = { sources: [] }
  // Elasticsearch writes the point in time id first; past the last hit only its own fields remain.
  if (startsWith(bytes, PIT, 1)) out.pitId = parsed<string>(bytes, 1 + PIT.length, skipString(bytes, 1 + PIT.length))
  let at = bytes.indexOf(HITS)
  if (at < 0) throw new SyntaxError('a search response without hits')
  let lastSort: [number, number] | undefined
  for (;;) {
    const key = bytes.indexOf(SOURCE, at)
    if (key < 0) break
    const start = key + SOURCE.length
    const end = skipValue(bytes, start)
    out.sources.push(bytes.subarray(start, end))
    at = end
    if (startsWith(bytes, SORT, end)) {
      const sortStart = end + SORT.length
      at = skipValue(bytes, sortStart)
      lastSort = [sortStart, at]
    }
  }
  if (lastSort !== undefined) out.lastSort = parsed(bytes, lastSort[0], lastSort[1])
  if (out.pitId === undefined) {
    const pit = bytes.indexOf(PIT, at)
    if (pit >= 0) out.pitId = parsed<string>(bytes, pit + PIT.length, skipString(bytes, pit + PIT.length))
  }
  return out
}
