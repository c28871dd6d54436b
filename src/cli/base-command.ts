import {Command, Errors, Flags, type Interfaces} from '@oclif/core'
import type {ChalkInstance} from 'chalk'

import {isR1Error, type ErrorCode} from '../core/errors.js'
import {EXIT, EXIT_CODES} from './exit-codes.js'
import {closestNames} from './flags.js'
import {wrapHanging} from './render/text-wrap.js'
import {colourEnabled, painter, stripAnsi} from './style.js'

export type R1Flags<T extends typeof Command> = Interfaces.InferredFlags<(typeof R1Command)['baseFlags'] & T['flags']>

export interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]}
  result?: unknown
}

export interface SuccessEnvelope<T> {
  status: 0
  result: T
  warnings: string[]
}

/**
 * Every r1 command extends this: --json with the envelope of STYLE.md §3, --verbose,
 * error code → exit code through one table, colour only where it belongs.
 */
export abstract class R1Command extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    verbose: Flags.boolean({description: 'Log every command r1 runs and show stack traces of bugs.', helpGroup: 'GLOBAL'}),
  }

  protected readonly warnings: string[] = []

  /** Colours for stdout (results) and stderr (progress, warnings). */
  protected get out(): ChalkInstance {
    return painter(colourEnabled(process.stdout, this.jsonEnabled()))
  }

  protected get err(): ChalkInstance {
    return painter(colourEnabled(process.stderr, this.jsonEnabled()))
  }

  protected get verbose(): boolean {
    return this.argv.includes('--verbose')
  }

  /** True when stdout is a terminal for people (tables with headers, prompts allowed). */
  protected get interactive(): boolean {
    return Boolean(process.stdout.isTTY) && process.env.CI === undefined && !this.jsonEnabled()
  }

  /** A warning that matters: printed to stderr for people, kept in the JSON envelope for scripts. */
  protected addWarning(message: string): void {
    this.warnings.push(message)
    if (!this.jsonEnabled()) process.stderr.write(`${wrapHanging(message, stderrWidth(), `${this.err.yellow('Warning:')} `, '  ').join('\n')}\n`)
  }

  protected addWarnings(messages: readonly string[]): void {
    for (const m of messages) this.addWarning(m)
  }

  /** Progress and logs: stderr, never stdout. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${message}\n`)
  }

  /** Under --verbose only. */
  protected debugLine(message: string): void {
    if (this.verbose) process.stderr.write(`${this.err.dim(message)}\n`)
  }

  protected override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  protected override toSuccessJson(result: unknown): SuccessEnvelope<unknown> {
    return {status: 0, result, warnings: this.warnings}
  }

  protected override toErrorJson(err: unknown): ErrorEnvelope {
    return describeError(err, this.verbose, this.flagNames()).envelope
  }

  /** Every name a flag of this command answers to (for "did you mean"). */
  private flagNames(): string[] {
    const flags = (this.constructor as typeof Command).flags ?? {}
    const base = (this.constructor as typeof R1Command).baseFlags ?? {}
    const names: string[] = ['json']
    for (const [name, f] of Object.entries({...base, ...flags})) {
      if ((f as {hidden?: boolean}).hidden) continue
      names.push(name, ...((f as {aliases?: string[]}).aliases ?? []))
    }

    return names
  }

  override async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (error instanceof Errors.ExitError) throw error
    const {envelope, stack} = describeError(error, this.verbose, this.flagNames())
    process.exitCode = envelope.status
    if (this.jsonEnabled()) {
      this.logJson(envelope)
      return
    }

    // Ctrl-C is the user's answer, not an error: end quietly with 130.
    if (envelope.error.code === 'R1_INTERRUPTED' && envelope.error.message === 'stopped at the prompt') return
    const c = this.err
    // On a terminal the message and suggestions wrap between words; piped, each stays one line.
    const width = stderrWidth()
    const lines = [...wrapHanging(envelope.error.message, width, `${c.red('Error:')} `, '  '), c.dim(`Code: ${envelope.error.code}`)]
    if (envelope.error.suggestions.length > 0) {
      lines.push('Try this:', ...envelope.error.suggestions.flatMap((s) => wrapHanging(s, width, '  - ', '    ')))
    }

    if (stack) lines.push(c.dim(stack))
    process.stderr.write(`${lines.join('\n')}\n`)
  }
}

/** The width stderr text wraps to: the terminal's, or no wrapping when stderr is not one. */
function stderrWidth(): number {
  return process.stderr.isTTY && process.stderr.columns > 0 ? process.stderr.columns : Infinity
}

/** oclif wraps what a flag's parse function throws: "Parsing --count \n\t<message>\nSee more help with --help". */
const WRAPPED = /^Parsing --(\S+) \n\t([\s\S]*?)(?:\nSee more help with --help)?$/

export function describeError(err: unknown, verbose: boolean, flagNames: readonly string[] = []): {envelope: ErrorEnvelope; stack?: string} {
  if (isR1Error(err)) {
    const message = WRAPPED.exec(err.message)?.[2] ?? err.message
    const suggestions = err.code === 'R1_INVALID_FLAGS' && WRAPPED.test(err.message) ? [...err.suggestions, 'See --help for the flags this command takes.'] : err.suggestions
    const envelope: ErrorEnvelope = {
      status: EXIT_CODES[err.code],
      error: {code: err.code, message, suggestions},
    }
    if (err.data !== undefined) envelope.result = err.data
    return {envelope, stack: verbose && err.cause instanceof Error ? err.cause.stack : undefined}
  }

  // oclif's parser errors (unknown flag, bad option, missing arg) are usage errors.
  const oclifExit = (err as {oclif?: {exit?: number}})?.oclif?.exit
  if (err instanceof Error && oclifExit !== undefined && oclifExit !== 0) {
    const code: ErrorCode = 'R1_INVALID_FLAGS'
    const {message, suggestions} = parserMessage(err, flagNames)
    return {envelope: {status: EXIT_CODES[code], error: {code, message, suggestions: [...suggestions, 'See --help for the flags this command takes.']}}}
  }

  const message = err instanceof Error ? err.message : String(err)
  return {
    envelope: {
      status: EXIT.bug,
      error: {
        code: 'R1_BUG',
        message: `this is a bug in r1: ${message}`,
        suggestions: ['Rerun with --verbose for the stack trace, and report it with that output.'],
      },
    },
    stack: verbose && err instanceof Error ? err.stack : undefined,
  }
}

/** oclif's parser messages, said plainly: which flag or argument, what was wrong, what to type instead. */
export function parserMessage(err: Error & {flags?: string[]; args?: {name: string; description?: string}[]; suggestions?: string[]}, flagNames: readonly string[]): {message: string; suggestions: string[]} {
  const text = stripAnsi(err.message)
  const wrapped = WRAPPED.exec(text)
  if (wrapped) return {message: wrapped[2].replace(/^Expected an integer/, `--${wrapped[1]} expects a whole number`), suggestions: []}
  if (text.startsWith('Nonexistent flag')) {
    const unknown = err.flags ?? text.replace(/^Nonexistent flags?: /, '').split(/\n/)[0].split(', ')
    const suggestions: string[] = []
    for (const f of unknown) {
      const name = f.replace(/^-+/, '').split('=')[0]
      const close = closestNames(name, flagNames)
      if (close.length > 0) suggestions.push(`Did you mean ${close.map((c) => `--${c}`).join(' or ')}?`)
    }

    return {message: `unknown flag${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}`, suggestions}
  }

  const option = /^Expected --(\S+?)=([\s\S]*) to be one of: (.*)$/m.exec(text)
  if (option) return {message: `--${option[1]} must be one of ${option[3]}; got ${JSON.stringify(option[2])}`, suggestions: []}
  if (text.startsWith('Missing') && text.includes('required arg')) {
    const args = err.args ?? []
    const names = args.map((a) => `${a.name.toUpperCase()}${a.description ? ` (${a.description.replace(/\.$/, '')})` : ''}`)
    return {message: `missing argument ${names.join(', ') || text.split('\n')[0]}`, suggestions: []}
  }

  if (text.startsWith('Unexpected argument')) {
    const extra = text.split('\n')[0].replace(/^Unexpected arguments?: /, '')
    return {message: `unexpected argument ${extra}: this command takes no more arguments`, suggestions: ['Quote a value that contains spaces; flags start with --.']}
  }

  return {message: text.split('\n')[0], suggestions: [...(err.suggestions ?? [])]}
}
