export type Vars = Record<string, string | number>

interface Formats { plural: Intl.PluralRules, number: Intl.NumberFormat }

/**
 * A message with its values. `{name}` takes the value (a number formatted for the locale); `{name, plural, one {…}
 * other {…}}` takes the text for the value's plural category in the locale (`=0 {…}` for an exact value first),
 * in which `#` stands for the number. A placeholder without a value is left as it is.
 */
export function format (message: string, vars: Vars | undefined, f: Formats): string {
  let out = ''
  let i = 0
  while (i < message.length) {
    const open = message.indexOf('{', i)
    if (open < 0) break
    const close = closing(message, open)
    out += message.slice(i, open)
    i = close + 1
    const inner = message.slice(open + 1, close)
    const comma = inner.indexOf(',')
    const name = (comma < 0 ? inner : inner.slice(0, comma)).trim()
    const value = vars?.[name]
    if (comma < 0) {
      out += value === undefined ? `{${inner}}` : typeof value === 'number' ? f.number.format(value) : value
      continue
    }
    const choice = chosen(options(inner.slice(inner.indexOf(',', comma + 1) + 1)), Number(value), f.plural)
    out += value === undefined || choice === undefined ? `{${inner}}` : format(choice.replaceAll('#', f.number.format(Number(value))), vars, f)
  }
  return out + message.slice(i)
}

/** The placeholders a message uses, plural ones included, sorted: the same in every language. */
export function placeholders (message: string): string[] {
  const names = new Set<string>()
  for (let open = message.indexOf('{'); open >= 0; open = message.indexOf('{', open + 1)) {
    const inner = message.slice(open + 1, closing(message, open))
    const comma = inner.indexOf(',')
    const name = (comma < 0 ? inner : inner.slice(0, comma)).trim()
    if (/^[A-Za-z]\w*$/.test(name)) names.add(name)
  }
  return [...names].sort()
}

/** The index of the brace closing the one at `open`. */
function closing (s: string, open: number): number {
  let depth = 0
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++
    else if (s[i] === '}' && --depth === 0) return i
  }
  throw new Error(`unbalanced braces in message: ${s}`)
}

/** `one {…} other {…}` as selector → text. */
function options (s: string): Map<string, string> {
  const out = new Map<string, string>()
  let i = 0
  while (i < s.length) {
    const open = s.indexOf('{', i)
    if (open < 0) break
    const close = closing(s, open)
    out.set(s.slice(i, open).trim(), s.slice(open + 1, close))
    i = close + 1
  }
  return out
}

function chosen (texts: Map<string, string>, n: number, rules: Intl.PluralRules): string | undefined {
  return texts.get(`=${n}`) ?? texts.get(rules.select(n)) ?? texts.get('other')
}
