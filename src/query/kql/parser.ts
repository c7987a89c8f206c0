import type { Clause, Expr, KqlNode, Literal, RangeOp } from './ast.ts'
import { KqlError, quote } from './kql-error.ts'
import { Lexer, type Keyword, type Token } from './lexer.ts'

export const MAX_LENGTH = 2000
export const MAX_DEPTH = 20
export const MAX_CLAUSES = 200

type Word = Extract<Token, { type: 'word' }>
type Leaf<L> = (after: string | undefined) => L

const OP_TEXT: Record<RangeOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' }
const isKeyword = (token: Token, keyword: Keyword): boolean => token.type === 'word' && token.keyword === keyword
const isValueWord = (token: Token): token is Word => token.type === 'word' && token.keyword === undefined
const afterText = (after: string | undefined): string => after === undefined ? '' : ` after ${after}`

/** Parses Kibana Query Language into a syntax tree; throws KqlError with the position of the first problem. */
export function parseKql (input: string): KqlNode {
  if (input.length > MAX_LENGTH) throw new KqlError(`the query is too long (${input.length} characters; at most ${MAX_LENGTH})`, MAX_LENGTH)
  return new Parser(input).query()
}

class Parser {
  private readonly lexer: Lexer
  private depth = 0
  private clauses = 0

  constructor (private readonly input: string) {
    this.lexer = new Lexer(input)
  }

  query (): KqlNode {
    if (this.lexer.peek().type === 'eof') return { kind: 'match_all' }
    const node = this.or(after => this.clause(after), undefined)
    const rest = this.lexer.peek()
    if (rest.type === 'rparen') throw new KqlError('unexpected ")": there is no "(" to close', rest.start)
    if (rest.type !== 'eof') throw this.expected('"and", "or" or the end of the query', rest)
    return node
  }

  // Precedence, loosest first: or, and, not; the same layers serve queries and value lists.
  private or<L extends { kind: string }> (leaf: Leaf<L>, after: string | undefined): Expr<L> {
    const children = [this.and(leaf, after)]
    while (isKeyword(this.lexer.peek(), 'or')) {
      this.lexer.next()
      children.push(this.and(leaf, '"or"'))
    }
    return join('or', children)
  }

  private and<L extends { kind: string }> (leaf: Leaf<L>, after: string | undefined): Expr<L> {
    const children = [this.not(leaf, after)]
    while (isKeyword(this.lexer.peek(), 'and')) {
      this.lexer.next()
      children.push(this.not(leaf, '"and"'))
    }
    return join('and', children)
  }

  private not<L extends { kind: string }> (leaf: Leaf<L>, after: string | undefined): Expr<L> {
    let count = 0
    while (isKeyword(this.lexer.peek(), 'not')) {
      this.enter(this.lexer.next())
      count++
      after = '"not"'
    }
    let node = this.group(leaf, after)
    for (let i = 0; i < count; i++) node = { kind: 'not', child: node }
    this.depth -= count
    return node
  }

  private group<L extends { kind: string }> (leaf: Leaf<L>, after: string | undefined): Expr<L> {
    const open = this.lexer.peek()
    if (open.type !== 'lparen') return leaf(after)
    this.enter(this.lexer.next())
    const node = this.or(leaf, '"("')
    const close = this.lexer.next()
    if (close.type === 'eof') throw new KqlError('unbalanced parenthesis: this "(" is never closed', open.start)
    if (close.type !== 'rparen') throw this.expected('"and", "or" or ")"', close)
    this.depth--
    return node
  }

  /** `field:value`, `field:(list)`, `field >= value`, or free text. */
  private clause (after: string | undefined): Clause {
    const first = this.lexer.peek()
    if (first.type === 'string') {
      this.lexer.next()
      const next = this.lexer.peek()
      if (next.type === 'colon' || next.type === 'range') return this.fieldClause(first.value, first.start)
      return { kind: 'free_text', value: this.count({ kind: 'literal', chunks: [first.value], quoted: true, position: first.start, end: first.end }) }
    }
    if (!isValueWord(first)) throw this.expected(`a field, a value or "("${afterText(after)}`, first)
    const words = this.words()
    const next = this.lexer.peek()
    if (words.length === 1 && (next.type === 'colon' || next.type === 'range')) {
      if (first.chunks.length > 1) throw new KqlError('field names cannot contain wildcards', first.start)
      return this.fieldClause(first.chunks[0] as string, first.start)
    }
    this.checkEnd(words)
    return { kind: 'free_text', value: this.count(this.literalOf(words)) }
  }

  private fieldClause (field: string, fieldPosition: number): Clause {
    const separator = this.lexer.next()
    if (separator.type === 'range') {
      const value = this.value(`"${OP_TEXT[separator.op]}"`)
      return { kind: 'range', field, fieldPosition, op: separator.op, value }
    }
    const brace = this.lexer.peek()
    if (brace.type === 'lbrace') throw new KqlError('nested field queries are not supported', brace.start)
    return { kind: 'field', field, fieldPosition, value: this.group(after => this.value(after), '":"') }
  }

  /** One value: a quoted string or unquoted words (`quick brown fox` is one value). */
  private value (after: string | undefined): Literal {
    const token = this.lexer.peek()
    if (token.type === 'string') {
      this.lexer.next()
      return this.count({ kind: 'literal', chunks: [token.value], quoted: true, position: token.start, end: token.end })
    }
    if (token.type !== 'word') throw this.expected(`a value${afterText(after)}`, token)
    if (token.keyword !== undefined) throw this.expected(`a value${afterText(after)}`, token, ` (quote it to search for the word: "${token.keyword}")`)
    const words = this.words()
    this.checkEnd(words)
    return this.count(this.literalOf(words))
  }

  private words (): Word[] {
    const words: Word[] = []
    for (let token = this.lexer.peek(); isValueWord(token); token = this.lexer.peek()) words.push(this.lexer.next() as Word)
    return words
  }

  /** Unquoted words must not run into a `:` or a range operator: a value cannot hold one unescaped. */
  private checkEnd (words: Word[]): void {
    const next = this.lexer.peek()
    if (next.type !== 'colon' && next.type !== 'range') return
    const last = words[words.length - 1] as Word
    if (words.length > 1) throw new KqlError(`expected "and" or "or" before ${quote(this.input.slice(last.start, last.end))}`, last.start)
    const text = this.lexer.describe(next)
    throw new KqlError(`unexpected ${text} in a value: put a value that contains ${text} in quotes, or escape it with "\\"`, next.start)
  }

  /** Joins words with the whitespace typed between them. */
  private literalOf (words: Word[]): Literal {
    const chunks: string[] = []
    let end = -1
    for (const word of words) {
      if (end === -1) chunks.push(...word.chunks)
      else {
        const [head, ...tail] = word.chunks
        chunks[chunks.length - 1] += this.input.slice(end, word.start) + (head as string)
        chunks.push(...tail)
      }
      end = word.end
    }
    return { kind: 'literal', chunks, quoted: false, position: (words[0] as Word).start, end: (words[words.length - 1] as Word).end }
  }

  private count (literal: Literal): Literal {
    if (++this.clauses > MAX_CLAUSES) throw new KqlError(`too many clauses (at most ${MAX_CLAUSES})`, literal.position)
    return literal
  }

  private enter (token: Token): void {
    if (++this.depth > MAX_DEPTH) throw new KqlError(`the query is nested too deeply (at most ${MAX_DEPTH} levels of "(" and "not")`, token.start)
  }

  private expected (what: string, found: Token, hint = ''): KqlError {
    return new KqlError(`expected ${what}, found ${this.lexer.describe(found)}${hint}`, found.start)
  }
}

/** One child stays itself; nested operators of the same kind flatten (a and (b and c) is a and b and c). */
function join<L extends { kind: string }> (kind: 'and' | 'or', children: Expr<L>[]): Expr<L> {
  if (children.length === 1) return children[0] as Expr<L>
  const flat = children.flatMap(child => child.kind === kind ? (child as { children: Expr<L>[] }).children : [child])
  return kind === 'and' ? { kind, children: flat } : { kind, children: flat }
}
