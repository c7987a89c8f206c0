import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import t from 'tap'

// Every relative link and image of README.md and docs/ must lead somewhere: a file that exists and, for
// `#anchor`, a heading of that Markdown file as GitHub names it.

const ROOT = join(import.meta.dirname, '..', '..', '..')

/** GitHub's anchor for a heading (github-slugger): lower case, punctuation dropped, each space a hyphen. */
function slug (text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
}

/** The text of a heading as rendered: code, links, images, emphasis and HTML reduced to their words. */
function headingText (source: string): string {
  return source
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(`+)(.*?)\1/g, '$2')
    .replace(/<[^>]+>/g, '')
    .replace(/\*+|(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, '')
    .replace(/\\(.)/g, '$1')
    .trim()
}

/** The lines of a Markdown text with fenced code blanked and inline code masked, so neither yields links or headings. */
function prose (text: string): string[] {
  let fence: string | null = null
  return text.split('\n').map(line => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence !== null) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null
      return ''
    }
    if (marker !== undefined) { fence = marker; return '' }
    return line.replace(/(`+)(?:.*?[^`])?\1(?!`)/g, code => ' '.repeat(code.length))
  })
}

/** Anchors a Markdown text offers: its headings' slugs (repeats numbered as GitHub does) and HTML ids. */
function anchors (text: string): Set<string> {
  const found = new Set<string>()
  const add = (name: string): void => {
    let candidate = name
    for (let n = 1; found.has(candidate); n++) candidate = `${name}-${n}`
    found.add(candidate)
  }
  const lines = prose(text)
  const raw = text.split('\n')
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line)
    if (atx !== null) add(slug(headingText(raw[i]?.replace(/^ {0,3}#{1,6}[ \t]*/, '').replace(/[ \t]+#+[ \t]*$/, '') ?? '')))
    const previous = lines[i - 1]
    if (/^ {0,3}(=+|-+)[ \t]*$/.test(line) && previous !== undefined && /^ {0,3}[^\s|>*+#-]/.test(previous)) {
      add(slug(headingText(raw[i - 1] ?? '')))
    }
    for (const m of line.matchAll(/<[a-z]+\b[^>]*\b(?:id|name)\s*=\s*"([^"]+)"/gi)) found.add(m[1] as string)
  })
  return found
}

interface Link { file: string, line: number, target: string }

/** Link and image targets of a Markdown text: inline, reference definitions and HTML `href`/`src`. */
function links (file: string, text: string): Link[] {
  const body = prose(text).join('\n')
  const lineOf = (index: number): number => body.slice(0, index).split('\n').length
  const found: Link[] = []
  const patterns = [
    /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g,
    /^ {0,3}\[[^\]]+\]:[ \t]*(<[^>]*>|\S+)/gm,
    /<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*"([^"]*)"/gi
  ]
  for (const pattern of patterns) {
    for (const m of body.matchAll(pattern)) {
      found.push({ file, line: lineOf(m.index), target: (m[1] as string).replace(/^<(.*)>$/, '$1') })
    }
  }
  return found
}

function markdownFiles (root: string): string[] {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.md') ? [path] : []
  })
  const docs = join(root, 'docs')
  return [join(root, 'README.md'), ...(existsSync(docs) ? walk(docs) : [])].filter(f => existsSync(f))
}

/** Each broken relative link of README.md and docs/, as "file:line: target: why". */
function brokenLinks (root: string): string[] {
  const anchorsOf = new Map<string, Set<string>>()
  const anchorsIn = (file: string): Set<string> => {
    let set = anchorsOf.get(file)
    if (set === undefined) { set = anchors(readFileSync(file, 'utf8')); anchorsOf.set(file, set) }
    return set
  }
  const problems: string[] = []
  for (const file of markdownFiles(root)) {
    for (const { line, target } of links(file, readFileSync(file, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue // another site: not checked here
      const where = `${relative(root, file).split(sep).join('/')}:${line}: ${target}`
      const hash = target.indexOf('#')
      const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash))
      const fragment = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1))
      const dest = path === '' ? file : path.startsWith('/') ? join(root, path) : resolve(dirname(file), path)
      if (relative(root, dest).startsWith('..')) { problems.push(`${where}: leads outside the repository`); continue }
      if (!existsSync(dest)) { problems.push(`${where}: no such file`); continue }
      if (fragment === null) continue
      if (!dest.endsWith('.md')) { problems.push(`${where}: an anchor in a file that is not Markdown`); continue }
      if (!anchorsIn(dest).has(fragment)) problems.push(`${where}: no heading with the anchor #${fragment}`)
    }
  }
  return problems
}

t.test('headings get the anchors GitHub gives them', async t => {
  t.equal(slug(headingText('`POST /v1/events` (scope `ingest`)')), 'post-v1events-scope-ingest')
  t.equal(slug(headingText('Verification of 1 million events: full and incremental')), 'verification-of-1-million-events-full-and-incremental')
  t.equal(slug(headingText('Libraries, and why')), 'libraries-and-why')
  t.equal(slug(headingText('Pseudonymisation (optional)')), 'pseudonymisation-optional')
  t.equal(slug(headingText('**Événements** — été [lien](x.md)')), 'événements--été-lien')
  t.equal(slug(headingText('snake_case and __bold__')), 'snake_case-and-bold')
  t.same([...anchors('# Tests\n\n```sh\n# not a heading\n```\n\n## Tests\n\nSetext\n---\n<a id="here"></a>\n')],
    ['tests', 'tests-1', 'setext', 'here'])
})

t.test('the check finds every kind of broken link, and none in code', async t => {
  const root = mkdtempSync(join(tmpdir(), 'sillage-links-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  mkdirSync(join(root, 'docs', 'images'), { recursive: true })
  writeFileSync(join(root, 'docs', 'images', 'a.png'), '')
  writeFileSync(join(root, 'docs', 'guide.md'), '# Guide\n\n## A `code` heading\n\n[back](../README.md#top)\n')
  writeFileSync(join(root, 'README.md'), [
    '# Top', '', '[ok](docs/guide.md#a-code-heading) [ok](#top) ![ok](docs/images/a.png) [web](https://example.com/x.md)',
    '[missing](docs/nothing.md) ![missing image](docs/images/b.png) [bad anchor](docs/guide.md#nowhere)',
    '[a link across', 'two lines](#elsewhere) `[in code](gone.md)`', '', '```md', '[in a fence](gone.md)', '```',
    '[ref]: docs/gone.md', '<img src="docs/images/c.png">', '[out](../outside.md)'
  ].join('\n'))
  t.same(brokenLinks(root), [
    'README.md:4: docs/nothing.md: no such file',
    'README.md:4: docs/images/b.png: no such file',
    'README.md:4: docs/guide.md#nowhere: no heading with the anchor #nowhere',
    'README.md:5: #elsewhere: no heading with the anchor #elsewhere',
    'README.md:13: ../outside.md: leads outside the repository',
    'README.md:11: docs/gone.md: no such file',
    'README.md:12: docs/images/c.png: no such file'
  ])
})

t.test('every relative link and image of README.md and docs/ leads to a file and heading that exist', async t => {
  t.ok(markdownFiles(ROOT).length > 1, 'README.md and docs/ are read')
  t.same(brokenLinks(ROOT), [])
})
