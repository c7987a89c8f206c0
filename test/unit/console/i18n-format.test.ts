import t from 'tap'
import { format, placeholders } from '../../../console/src/i18n/format.ts'
import { CATALOGUES } from '../../../console/src/i18n/catalogue.ts'

const formats = (locale: string) => ({ plural: new Intl.PluralRules(locale), number: new Intl.NumberFormat(locale) })
const en = formats('en-GB')
const fr = formats('fr-FR')

t.test('values and plural forms by the locale\'s rules', async t => {
  const m = '{count, plural, one {# event} other {# events}} in {period}'
  t.equal(format(m, { count: 1, period: 'May' }, en), '1 event in May')
  t.equal(format(m, { count: 0, period: 'May' }, en), '0 events in May')
  t.equal(format(m, { count: 12500, period: 'May' }, en), '12,500 events in May', 'the number formatted')
  const f = '{count, plural, one {# événement} other {# événements}}'
  t.equal(format(f, { count: 0 }, fr), '0 événement', 'French counts zero as one')
  t.equal(format(f, { count: 2 }, fr), '2 événements')
  t.equal(format('{n, plural, =0 {none} one {one: {name}} other {#: {name}}}', { n: 0, name: 'x' }, en), 'none', 'an exact value first')
  t.equal(format('{n, plural, =0 {none} one {one: {name}} other {#: {name}}}', { n: 3, name: 'x' }, en), '3: x', 'values inside a form')
  t.equal(format('{missing} stays', {}, en), '{missing} stays')
  t.equal(format('no values', undefined, en), 'no values')
  t.throws(() => format('{open', {}, en), /unbalanced/)
})

t.test('every message of the console formats, with the same values in English and French', async t => {
  const keys = Object.keys(CATALOGUES.en) as Array<keyof typeof CATALOGUES.en>
  t.same(Object.keys(CATALOGUES.fr).sort(), [...keys].sort(), 'the same keys')
  const bad: string[] = []
  for (const key of keys) {
    const [e, f] = [CATALOGUES.en[key] as string, CATALOGUES.fr[key] as string]
    if (placeholders(e).join() !== placeholders(f).join()) bad.push(`${key}: ${placeholders(e).join()} / ${placeholders(f).join()}`)
    const vars = Object.fromEntries(placeholders(e).map(n => [n, 1]))
    for (const [message, fm] of [[e, en], [f, fr]] as const) {
      try {
        if (/\{\w+(, plural,)?/.test(format(message, vars, fm))) bad.push(`${key}: a placeholder left`)
      } catch (err) { bad.push(`${key}: ${(err as Error).message}`) }
    }
  }
  t.same(bad, [])
})
