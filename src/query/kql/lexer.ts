import type { RangeOp } from './ast.ts'
import { KqlError, quote } from './kql-error.ts'

interface Span { start: number, end: number }

export type Token = Span & (
  | { type: 'lparen' | 'rparen' | 'lbrace' | 'rbrace' | 'colon' | 'eof' }
  | { type: 'range', op: RangeOp }
  | { type: 'string', value: string }
  /** An unquoted run of characters; `keyword` is set for a bare `and`, `or` or `not`. */
  | { type: 'word', chunks: string[], keyword?: Keyword }
)

export type Keyword = 'and' | 'or' | 'not'

const PUNCTUATION: Record<string, 'lparen' | 'rparen' | 'lbrace' | 'rbrace' | 'colon'> = { '(': 'lparen', ')': 'rparen', '{': 'lbrace', '}': 'rbrace', ':': 'colon' }
// Characters that end an unquoted word (the backslash starts an escape instead).
const DELIMITERS = new Set(['(', ')', '{', '}', ':', '<', '>', '"'])
const ESCAPABLE = new Set(['\\', '(', ')', ':', '<', '>', '"', '*', '{', '}'])
const KEYWORDS: readonly Keyword[] = ['and', 'or', 'not']

const isSpace = (c: string): boolean => /\s/.test(c)

/** Tokens on demand, so that the first problem in reading order is the one reported. */
export class Lexer {
  private pos = 0
  private readonly ahead: Token[] = []

  constructor (private readonly input: string) {}

  peek (offset = 0): Token {
    while (this.ahead.length <= offset) this.ahead.push(this.read())
    return this.ahead[offset] as Token
  }

  next (): Token {
    const token = this.peek()
    this.ahead.shift()
    return token
  }

  /** How a token reads in an error message. */
  describe (token: Token): string {
    return token.type === 'eof' ? 'the end of the query' : quote(this.input.slice(token.start, token.end))
  }

  private read (): Token {
    const input = this.input
    while (this.pos < input.length && isSpace(input[this.pos] as string)) this.pos++
    const start = this.pos
    if (start >= input.length) return { type: 'eof', start, end: start }
    const c = input[start] as string
    const punctuation = PUNCTUATION[c]
    if (punctuation !== undefined) {
      this.pos++
      return { type: punctuation, start, end: this.pos }
    }
    if (c === '<' || c === '>') {
      const inclusive = input[start + 1] === '='
      this.pos += inclusive ? 2 : 1
      const op: RangeOp = c === '<' ? (inclusive ? 'lte' : 'lt') : (inclusive ? 'gte' : 'gt')
      return { type: 'range', op, start, end: this.pos }
    }
    return c === '"' ? this.quoted(start) : this.word(start)
  }

  private quoted (start: number): Token {
    const input = this.input
    let value = ''
    let i = start + 1
    for (;;) {
      if (i >= input.length) throw new KqlError('unterminated quoted string: a closing " is missing', start)
      const c = input[i] as string
      if (c === '"') break
      // As in Kibana: \" and \\, and \t \r \n and \uXXXX, are escapes inside quotes; any other backslash is literal (C:\xyz).
      const next = input[i + 1]
      const special = c === '\\' ? charEscape(input, i) : undefined
      if (c === '\\' && (next === '"' || next === '\\')) {
        value += next
        i += 2
      } else if (special !== undefined) {
        value += special.char
        i += special.length
      } else {
        value += c
        i++
      }
    }
    this.pos = i + 1
    return { type: 'string', value, start, end: this.pos }
  }

  private word (start: number): Token {
    const input = this.input
    const chunks = ['']
    let escaped = false
    let i = start
    const append = (text: string): void => { chunks[chunks.length - 1] += text }
    while (i < input.length) {
      const c = input[i] as string
      if (isSpace(c) || DELIMITERS.has(c)) break
      if (c === '*') {
        chunks.push('')
        i++
      } else if (c === '\\') {
        escaped = true
        i += this.escape(i, append)
      } else {
        append(c)
        i++
      }
    }
    this.pos = i
    const bare = chunks.length === 1 && !escaped ? (chunks[0] as string).toLowerCase() : ''
    const keyword = KEYWORDS.find(k => k === bare)
    return keyword === undefined ? { type: 'word', chunks, start, end: i } : { type: 'word', chunks, keyword, start, end: i }
  }

  /** Reads the escape at `at`, appends what it stands for and returns how many characters it took. */
  private escape (at: number, append: (text: string) => void): number {
    const next = this.input[at + 1]
    if (next === undefined) throw new KqlError('expected a character after "\\" (write "\\\\" for a backslash)', at)
    if (ESCAPABLE.has(next)) {
      append(next)
      return 2
    }
    // `\and`, `\or`, `\not`: the word itself, not the operator (before `\n`, which `\not` starts with).
    for (const keyword of KEYWORDS) {
      const text = this.input.slice(at + 1, at + 1 + keyword.length)
      if (text.toLowerCase() === keyword) {
        append(text)
        return 1 + keyword.length
      }
    }
    const special = charEscape(this.input, at)
    if (special !== undefined) {
      append(special.char)
      return special.length
    }
    throw new KqlError(`unknown escape ${quote(`\\${next}`)}: only \\ ( ) : < > " * { }, keywords, \\t \\r \\n and \\uXXXX can be escaped (write "\\\\" for a backslash)`, at)
  }
}

const WHITESPACE_ESCAPES: Record<string, string> = { t: '\t', r: '\r', n: '\n' }

/** `\t`, `\r`, `\n` or `\uXXXX` (four hex digits) at `at`, as Kibana reads them in and out of quotes. */
function charEscape (input: string, at: number): { char: string, length: number } | undefined {
  const next = input[at + 1]
  if (next === undefined) return undefined
  const space = WHITESPACE_ESCAPES[next]
  if (space !== undefined) return { char: space, length: 2 }
  const hex = next === 'u' ? /^[0-9a-fA-F]{4}/.exec(input.slice(at + 2, at + 6))?.[0] : undefined
  return hex === undefined ? undefined : { char: String.fromCharCode(parseInt(hex, 16)), length: 6 }
}
