import t, { type Test } from 'tap'
import { kqlToQuery, KqlError, parseKql, type CompileOptions } from '../../../src/query/kql/index.ts'

const q = (input: string, options: CompileOptions = {}) => kqlToQuery(input, options)
const FREE = ['message', 'event.reason']
const free = (query: string) => ({ multi_match: { query, fields: FREE, type: 'cross_fields', operator: 'and' } })
const term = (field: string, value: string | number) => ({ term: { [field]: value } })

/** The query must fail with a KqlError at `position` whose message matches `message`. */
function fails (t: Test, input: string, position: number, message: RegExp) {
  const label = input.length > 40 ? `${input.slice(0, 40)}…` : input
  try {
    q(input)
    t.fail(`${label} should not compile`)
  } catch (err) {
    t.ok(err instanceof KqlError, `${label}: a KqlError`)
    t.match(err, { position, message }, `${label}: at ${position}`)
  }
}

t.test('empty queries match everything', async t => {
  t.same(q(''), { match_all: {} })
  t.same(q('   \t '), { match_all: {} })
  t.same(q('*'), { match_all: {} })
})

t.test('keyword, text, number, ip and date fields', async t => {
  t.same(q('event.action:login'), term('event.action', 'login'))
  t.same(q('event.action : login'), term('event.action', 'login'))
  t.same(q('event.action:"log in*"'), term('event.action', 'log in*'), 'a * in quotes is literal')
  t.same(q('audit.details.reason:fraud'), term('audit.details.reason', 'fraud'))
  t.same(q('message:quick brown  fox '), { match: { message: { query: 'quick brown  fox', operator: 'and' } } })
  t.same(q('message:"quick brown"'), { match_phrase: { message: 'quick brown' } })
  t.same(q('user.name.text:jean'), { match: { 'user.name.text': { query: 'jean', operator: 'and' } } })
  t.same(q('source.port:443'), term('source.port', 443))
  t.same(q('audit.money.amount:-12.5'), term('audit.money.amount', -12.5))
  t.same(q('source.ip:10.1.2.3'), term('source.ip', '10.1.2.3'))
  t.same(q('related.ip:10.0.0.0/8'), term('related.ip', '10.0.0.0/8'))
  t.same(q('source.ip:"2001:db8::/32"'), term('source.ip', '2001:db8::/32'))
  t.same(q('source.ip:2001\\:db8\\:\\:1'), term('source.ip', '2001:db8::1'))
  t.same(q('@timestamp:2026-11-01'), { range: { '@timestamp': { gte: '2026-11-01', lte: '2026-11-01' } } })
  t.same(q('@timestamp:2026-11-01', { timeZone: 'Europe/Paris' }),
    { range: { '@timestamp': { gte: '2026-11-01', lte: '2026-11-01', time_zone: 'Europe/Paris' } } })
  t.same(q('audit.importance.level:high'), term('audit.importance.level', 'high'))
})

t.test('existence and wildcards', async t => {
  t.same(q('user.email:*'), { exists: { field: 'user.email' } })
  t.same(q('source.geo.location:*'), { exists: { field: 'source.geo.location' } }, 'a geo_point can be tested for existence')
  t.same(q('user.name:jo*'), { wildcard: { 'user.name': { value: 'jo*', case_insensitive: false } } })
  t.same(q('event.action:*_failed'), { wildcard: { 'event.action': { value: '*_failed', case_insensitive: false } } })
  t.same(q('user.name:a?b\\\\c\\*d*'), { wildcard: { 'user.name': { value: 'a\\?b\\\\c\\*d*', case_insensitive: false } } },
    '? and \\ and escaped * are literal')
  t.same(q('user.name:jean dup*'), { wildcard: { 'user.name': { value: 'jean dup*', case_insensitive: false } } })
})

t.test('ranges', async t => {
  t.same(q('source.port >= 1024'), { range: { 'source.port': { gte: 1024 } } })
  t.same(q('audit.money.amount<10'), { range: { 'audit.money.amount': { lt: 10 } } })
  t.same(q('@timestamp > now-1d/d', { timeZone: '+02:00', now: Date.parse('2026-12-04T17:40:00Z') }), { range: { '@timestamp': { gt: '2026-12-04T17:40:00.000Z||-1d/d', time_zone: '+02:00' } } }, 'now as the instant given')
  t.same(q('@timestamp <= "2026-11-01T08:30:00Z"'), { range: { '@timestamp': { lte: '2026-11-01T08:30:00Z' } } })
  t.same(q('source.ip > 10.0.0.1'), { range: { 'source.ip': { gt: '10.0.0.1' } } })
  t.same(q('user.name >= m'), { range: { 'user.name': { gte: 'm' } } })
  t.same(q('audit.importance.level >= high'), { terms: { 'audit.importance.level': ['high', 'critical'] } })
  t.same(q('audit.importance.level > low'), { terms: { 'audit.importance.level': ['medium', 'high', 'critical'] } })
  t.same(q('audit.importance.level < medium'), { terms: { 'audit.importance.level': ['low'] } })
  t.same(q('audit.importance.level <= medium'), { terms: { 'audit.importance.level': ['low', 'medium'] } })
})

t.test('free text', async t => {
  t.same(q('quick brown'), free('quick brown'))
  t.same(q('"exact phrase"'), { multi_match: { query: 'exact phrase', fields: FREE, type: 'phrase' } })
  t.same(q('cats \\and dogs'), free('cats and dogs'), 'an escaped keyword is a word')
  t.same(q('\\(draft\\)'), free('(draft)'))
})

t.test('escapes as Kibana reads them: \\t \\r \\n and \\uXXXX in and out of quotes, other backslashes literal in quotes', async t => {
  t.same(q('message:"a\\tb\\nc\\rd"'), { match_phrase: { message: 'a\tb\nc\rd' } })
  t.same(q('user.name:"J\\u00e9r\\u00F4me"'), { term: { 'user.name': 'Jérôme' } })
  t.same(q('user.name:J\\u00e9r\\u00f4me'), { term: { 'user.name': 'Jérôme' } }, 'unquoted too')
  t.same(q('user.name:a\\tb'), { term: { 'user.name': 'a\tb' } })
  t.same(q('user.name:\\not'), { term: { 'user.name': 'not' } }, 'an escaped keyword stays a word, though it starts with n')
  t.same(q('user.name:\\nobody'), { term: { 'user.name': '\nobody' } })
  t.same(q('user.name:"C:\\xyz \\u12"'), { term: { 'user.name': 'C:\\xyz \\u12' } }, 'a backslash before anything else, or \\u without four hex digits, stays in quotes')
  t.same(q('user.name:"a\\\\tb"'), { term: { 'user.name': 'a\\tb' } }, 'an escaped backslash before t is a backslash and a t')
  fails(t, 'user.name:a\\u12', 11, /unknown escape "\\u"/)
})

t.test('boolean operators, precedence and flattening', async t => {
  const a = term('event.action', 'a')
  const b = term('event.outcome', 'b')
  const c = term('user.id', 'c')
  t.same(q('event.action:a and event.outcome:b'), { bool: { filter: [a, b] } })
  t.same(q('event.action:a AND event.outcome:b and user.id:c'), { bool: { filter: [a, b, c] } })
  t.same(q('event.action:a or event.outcome:b'), { bool: { should: [a, b], minimum_should_match: 1 } })
  t.same(q('not event.action:a'), { bool: { must_not: [a] } })
  t.same(q('NOT not event.action:a'), { bool: { must_not: [{ bool: { must_not: [a] } }] } })
  t.same(q('event.action:a or event.outcome:b and user.id:c'),
    { bool: { should: [a, { bool: { filter: [b, c] } }], minimum_should_match: 1 } }, 'and binds tighter than or')
  t.same(q('(event.action:a or event.outcome:b) and user.id:c'),
    { bool: { filter: [{ bool: { should: [a, b], minimum_should_match: 1 } }, c] } })
  t.same(q('not event.action:a and event.outcome:b'), { bool: { filter: [{ bool: { must_not: [a] } }, b] } }, 'not binds tightest')
  t.same(q('event.action:a and (event.outcome:b and user.id:c)'), { bool: { filter: [a, b, c] } }, 'same-kind groups flatten')
  t.same(q('((event.action:a))'), a)
  t.same(q('error and event.action:a'), { bool: { must: [free('error')], filter: [a] } }, 'full text scores in must')
  t.same(q('message:x or event.action:a'),
    { bool: { should: [{ match: { message: { query: 'x', operator: 'and' } } }, a], minimum_should_match: 1 } })
})

t.test('value lists', async t => {
  t.same(q('event.action:(login or logout)'), { terms: { 'event.action': ['login', 'logout'] } })
  t.same(q('audit.importance.level:(high or critical)'), { terms: { 'audit.importance.level': ['high', 'critical'] } })
  t.same(q('source.port:(80 or 443)'), { terms: { 'source.port': [80, 443] } })
  t.same(q('audit.tags:(vip and "new account")'), { bool: { filter: [term('audit.tags', 'vip'), term('audit.tags', 'new account')] } })
  t.same(q('event.action:(not login)'), { bool: { must_not: [term('event.action', 'login')] } })
  t.same(q('event.action:(login or (logout or pass*))'), {
    bool: { should: [term('event.action', 'login'), term('event.action', 'logout'), { wildcard: { 'event.action': { value: 'pass*', case_insensitive: false } } }], minimum_should_match: 1 }
  })
  t.same(q('audit.tags:(a and (b or c))'),
    { bool: { filter: [term('audit.tags', 'a'), { terms: { 'audit.tags': ['b', 'c'] } }] } })
  t.same(q('message:(error or "timed out")'), {
    bool: { should: [{ match: { message: { query: 'error', operator: 'and' } } }, { match_phrase: { message: 'timed out' } }], minimum_should_match: 1 }
  })
  t.same(q('@timestamp:(2026-11-01 or 2026-11-02)'), {
    bool: { should: [{ range: { '@timestamp': { gte: '2026-11-01', lte: '2026-11-01' } } }, { range: { '@timestamp': { gte: '2026-11-02', lte: '2026-11-02' } } }], minimum_should_match: 1 }
  })
})

t.test('the parser keeps positions for the caller', async t => {
  t.match(parseKql('  user.id : "x y"'), { kind: 'field', field: 'user.id', fieldPosition: 2, value: { kind: 'literal', chunks: ['x y'], quoted: true, position: 12 } })
  t.match(parseKql('a*b\\*c'), { kind: 'free_text', value: { chunks: ['a', 'b*c'], quoted: false, position: 0 } })
})

t.test('syntax errors say what was expected and where', async t => {
  fails(t, 'event.action:', 13, /expected a value after ":", found the end of the query/)
  fails(t, 'event.action: and x', 14, /expected a value after ":", found "and"/)
  fails(t, '(event.action:a', 0, /unbalanced parenthesis/)
  fails(t, 'event.action:a)', 14, /unexpected "\)"/)
  fails(t, '()', 1, /after "\(", found "\)"/)
  fails(t, 'event.action:a and', 18, /after "and", found the end of the query/)
  fails(t, 'or x', 0, /expected a field, a value or "\(", found "or"/)
  fails(t, 'not', 3, /after "not"/)
  fails(t, 'event.action:(a or)', 18, /expected a value after "or", found "\)"/)
  fails(t, 'event.action:(a', 13, /unbalanced parenthesis/)
  fails(t, 'message:"quick brown', 8, /unterminated quoted string/)
  fails(t, '"x" y', 4, /expected "and", "or" or the end of the query, found "y"/)
  fails(t, 'error user.id:x', 6, /expected "and" or "or" before "user.id"/)
  fails(t, 'event.action:a:b', 14, /unexpected ":" in a value/)
  fails(t, 'source.ip:2001:db8::1', 14, /unexpected ":" in a value/)
  fails(t, 'source.port > 1 > 2', 16, /unexpected ">" in a value/)
  fails(t, 'user.id >', 9, /expected a value after ">"/)
  fails(t, 'event.action:login not x', 19, /expected "and", "or" or the end of the query, found "not"/)
  fails(t, 'a\\q', 1, /unknown escape "\\q"/)
  fails(t, 'abc\\', 3, /expected a character after "\\"/)
  fails(t, '{', 0, /expected a field, a value or "\(", found "{"/)
  fails(t, 'x }', 2, /found "}"/)
  fails(t, 'audit.details:{ reason:x }', 14, /nested field queries are not supported/)
  fails(t, 'user.*:x', 0, /field names cannot contain wildcards/)
})

t.test('fields and values are checked against the mapping', async t => {
  fails(t, 'event.action:a and colour:red', 19, /unknown field "colour"$/)
  fails(t, 'country_iso_code:FR', 0, /unknown field "country_iso_code"; did you mean "source\.geo\.country_iso_code"\?/)
  fails(t, 'user.name:*son', 10, /leading wildcards are not allowed on user\.name/)
  fails(t, 'user.name:a*b*c*d*', 10, /too many wildcards/)
  fails(t, 'message:err*', 8, /wildcards work on keyword fields; message is a text field/)
  fails(t, 'event.reason:time*', 13, /use event\.reason\.keyword/)
  fails(t, 'user.name.text:jo*', 15, /use user\.name$/)
  fails(t, 'source.ip:10.0.*', 10, /wildcards do not work on IP fields/)
  fails(t, 'source.ip:10.0.0.0/33', 10, /expected an IP address or a CIDR block/)
  fails(t, 'source.ip:localhost', 10, /found "localhost"/)
  fails(t, 'source.ip >= 10.0.0.0/8', 13, /expected an IP address for source\.ip/)
  fails(t, 'source.port:http', 12, /expected a number for source\.port, found "http"/)
  fails(t, 'source.port > 1e3', 14, /expected a number/)
  fails(t, '@timestamp:yesterday', 11, /expected a date/)
  fails(t, '@timestamp > 2026-13-45', 13, /expected a date/)
  fails(t, 'audit.importance.level >= urgent', 26, /unknown importance level "urgent"/)
  fails(t, 'audit.importance.level:HIGH', 23, /unknown importance level/)
  fails(t, 'message > m', 0, /ranges work on keyword, number, date and IP fields/)
  fails(t, 'user.id > a*', 10, /a range bound cannot contain wildcards/)
  fails(t, 'audit.details:x', 0, /audit\.details cannot be searched as a whole/)
  fails(t, 'source.geo.location:48.8', 0, /geo_point field/)
  fails(t, 'jo*', 0, /wildcards need a field/)
  t.throws(() => q('x', { timeZone: 'Mars/Olympus' }), KqlError)
})

t.test('limits', async t => {
  fails(t, 'x'.repeat(2001), 2000, /too long/)
  t.same(q('x'.repeat(256)), free('x'.repeat(256)))
  fails(t, `user.id:${'x'.repeat(257)}`, 8, /the value is too long/)
  t.match(q(`${'a or '.repeat(199)}a`), { bool: { should: { length: 200 } } })
  fails(t, `${'a or '.repeat(200)}b`, 1000, /too many clauses/)
  fails(t, `event.action:(${'a or '.repeat(200)}b)`, 1014, /too many clauses/)
  t.same(q(`${'('.repeat(20)}user.id:a${')'.repeat(20)}`), term('user.id', 'a'))
  fails(t, `${'('.repeat(21)}user.id:a${')'.repeat(21)}`, 20, /nested too deeply/)
  fails(t, `${'not '.repeat(21)}a`, 80, /nested too deeply/)
  fails(t, `user.id:${'('.repeat(21)}a${')'.repeat(21)}`, 28, /nested too deeply/)
})

t.test('values Elasticsearch refuses are refused here, with the field and the position', async t => {
  // Found by sending generated queries to the engine (test/integration/query-engine.test.ts).
  fails(t, 'source.port > 99999999999999999999', 14, /expected a number from -2147483648 to 2147483647 for source\.port/)
  fails(t, 'audit.importance.score:40000', 23, /from -32768 to 32767/)
  t.same(q('source.port <= 2147483647'), { range: { 'source.port': { lte: 2147483647 } } })
  t.same(q('audit.details.reason:fra*'), { prefix: { 'audit.details.reason': { value: 'fra' } } }, 'a prefix on a key of the details')
  t.same(q('audit.details.reason:*'), { exists: { field: 'audit.details.reason' } })
  for (const value of ['*aud', 'fr*ud', 'f*r*']) fails(t, `audit.details.reason:${value}`, 21, /only at the end of the value/)
  fails(t, 'source.ip:"::ffff:1.2.3.4/120"', 10, /expected an IP address or a CIDR block/)
  t.same(q('source.ip:"::ffff:1.2.3.4"'), term('source.ip', '::ffff:1.2.3.4'), 'a mapped address without a prefix is fine')
  t.same(q('source.ip:"2001:db8::/32"'), term('source.ip', '2001:db8::/32'))
})

t.test('fuzz: any input compiles or fails with a KqlError', async t => {
  const ALPHABET = ['(', ')', '{', '}', ':', '<', '>', '>=', '<=', '"', '\\', '*', ' ', ' ', 'and', 'or', 'not', 'OR', '\\and',
    '\\*', '\\"', 'message', 'event.action', 'source.ip', 'source.port', '@timestamp', 'audit.importance.level', 'audit.details',
    'source.geo.location', 'user.name', 'login', 'high', '10.0.0.1', '/8', '2026-11-01', 'now-1d', '42', 'x', '.', '-', '?']
  let seed = 0x5eed
  const random = () => { // mulberry32: deterministic, so a failure reproduces
    seed = (seed + 0x6d2b79f5) | 0
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
  const surprises: string[] = []
  let compiled = 0
  let rejected = 0
  for (let i = 0; i < 2000; i++) {
    let input = ''
    const length = 1 + Math.floor(random() * 24)
    for (let j = 0; j < length; j++) input += ALPHABET[Math.floor(random() * ALPHABET.length)]
    try {
      JSON.stringify(q(input))
      compiled++
    } catch (err) {
      if (!(err instanceof KqlError) || err.position < 0 || err.position > input.length) surprises.push(`${JSON.stringify(input)}: ${String(err)}`)
      else rejected++
    }
  }
  t.same(surprises, [], 'nothing but KqlError, always inside the input')
  t.ok(compiled > 50 && rejected > 50, `both outcomes occur (${compiled} compiled, ${rejected} rejected)`)
})
