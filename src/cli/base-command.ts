import {Command, Errors, Flags, type Interfaces} from '@oclif/core'
import type {ChalkInstance} from 'chalk'

import {isR1Error, type ErrorCode} from '../core/errors.js'
import {EXIT, EXIT_CODES} from './exit-codes.js'
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
    if (!this.jsonEnabled()) process.stderr.write(`${this.err.yellow('Warning:')} ${message}\n`)
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
    return describeError(err, this.verbose).envelope
  }

  override async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (error instanceof Errors.ExitError) throw error
    const {envelope, stack} = describeError(error, this.verbose)
    process.exitCode = envelope.status
    if (this.jsonEnabled()) {
      this.logJson(envelope)
      return
    }

    const c = this.err
    const lines = [`${c.red('Error:')} ${envelope.error.message}`, c.dim(`Code: ${envelope.error.code}`)]
    if (envelope.error.suggestions.length > 0) {
      lines.push('Try this:', ...envelope.error.suggestions.map((s) => `  - ${s}`))
    }

    if (stack) lines.push(c.dim(stack))
    process.stderr.write(`${lines.join('\n')}\n`)
  }
}

export function describeError(err: unknown, verbose: boolean): {envelope: ErrorEnvelope; stack?: string} {
  if (isR1Error(err)) {
    const envelope: ErrorEnvelope = {
      status: EXIT_CODES[err.code],
      error: {code: err.code, message: err.message, suggestions: err.suggestions},
    }
    if (err.data !== undefined) envelope.result = err.data
    return {envelope, stack: verbose && err.cause instanceof Error ? err.cause.stack : undefined}
  }

  // oclif's parser errors (unknown flag, bad option, missing arg) are usage errors.
  const oclifExit = (err as {oclif?: {exit?: number}})?.oclif?.exit
  if (err instanceof Errors.CLIError && oclifExit !== undefined) {
    const code: ErrorCode = 'R1_INVALID_FLAGS'
    const message = stripAnsi(err.message).split('\n')[0]
    const suggestions = [...(err.suggestions ?? []), 'See --help for the flags this command takes.']
    return {envelope: {status: EXIT_CODES[code], error: {code, message, suggestions}}}
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
