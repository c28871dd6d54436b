/**
 * POSIX shell rendering of argv, for people to copy. r1 itself always runs argv arrays.
 */
import type {CommandSpec} from '../planner/plan.schema.js'

const SAFE = /^[\w@%+=:,./-]+$/

/** Quote one word for a POSIX shell: bare when it is plainly safe, else single-quoted ('' → '\''). */
export function shellWord(word: string): string {
  if (word === '') return "''"
  if (SAFE.test(word)) return word
  return `'${word.replaceAll("'", `'\\''`)}'`
}

/** Quote an argv for a POSIX shell. Every word comes back as exactly that word, whatever it holds. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((word) => shellWord(word)).join(' ')
}

/** `${NAME}` inside an argv word: a value the launcher takes from the environment (see substituteEnvRefs). */
export function envRef(name: string): string {
  return `\${${name}}`
}

const REF = /\$\{([A-Z_][A-Z0-9_]*)\}/g

/**
 * Quote a word in which some `${NAME}` references must stay live for the shell (only the names given).
 * Literal parts are single-quoted; each reference becomes "${NAME}".
 */
export function shellWordWithRefs(word: string, names: ReadonlySet<string>): string {
  const parts: string[] = []
  let last = 0
  for (const match of word.matchAll(REF)) {
    if (!names.has(match[1])) continue
    if (match.index > last) parts.push(shellWord(word.slice(last, match.index)))
    parts.push(`"\${${match[1]}}"`)
    last = match.index + match[0].length
  }

  if (parts.length === 0) return shellWord(word)
  if (last < word.length) parts.push(shellWord(word.slice(last)))
  return parts.join('')
}

/** Replace `${NAME}` references (for the names given) with values, at launch time. Unknown names stay as they are. */
export function substituteEnvRefs(argv: readonly string[], names: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const allowed = new Set(names)
  return argv.map((word) =>
    word.replaceAll(REF, (whole, name: string) => (allowed.has(name) && env[name] !== undefined ? env[name] : whole)),
  )
}

/**
 * One line to copy: `ENV=value … cmd args`. Non-secret env values are quoted; secrets (passEnv) never appear as
 * values: arguments that reference one are written as "${NAME}", and the variable must be set in the caller's shell.
 */
export function shellLine(spec: Pick<CommandSpec, 'argv' | 'env' | 'passEnv'>, argv: readonly string[] = spec.argv): string {
  return shellWords(spec, argv).join(' ')
}

/** The words of `shellLine`, each already quoted (for breaking a long command over lines between words). */
export function shellWords(spec: Pick<CommandSpec, 'argv' | 'env' | 'passEnv'>, argv: readonly string[] = spec.argv): string[] {
  const names = new Set(spec.passEnv)
  const env = Object.entries(spec.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${shellWord(value)}`)
  return [...env, ...argv.map((word) => shellWordWithRefs(word, names))]
}
