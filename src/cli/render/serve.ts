/**
 * What `r1 serve` shows people. stderr: the plan line, preflight lines, the engine's output with a prefix,
 * one progress line for the phases. stdout: the dry-run commands, or the endpoint and a curl example once ready.
 */
import type {ChalkInstance} from 'chalk'

import {shellLine, shellQuote} from '../../core/engines/index.js'
import {layoutText} from '../../core/planner/layout-text.js'
import type {PlanConfig} from '../../core/planner/plan.schema.js'
import type {KvComparison} from '../../core/serve/log.js'
import type {PreflightCheck} from '../../core/serve/preflight.js'
import type {ServeResult, StopResult} from '../../core/serve/serve.schema.js'
import {safeLine} from '../../core/text/sanitize.js'
import {atOnce, kvTokens} from './plan.js'

const num = (n: number): string => n.toLocaleString('en-US')

/**
 * The plan in the words `r1 plan` uses: the one layout notation (layout-text), the engine by its name,
 * whole requests at once (the engine's own fractional figure stays on its own log line and in JSON).
 */
export function planLine(plan: PlanConfig, source: 'file' | 'flags'): string {
  const where = plan.nodes > 1 ? `${plan.nodes} nodes × ${plan.gpusPerNode} × ${plan.gpu.name}` : `${plan.gpusPerNode} × ${plan.gpu.name}`
  const engine = plan.engine === 'sglang' ? 'SGLang' : 'vLLM'
  const requests = Math.floor(Math.max(0, plan.maxConcurrency))
  const once = plan.fits ? `: ${atOnce(plan.maxConcurrency)} request${requests === 1 ? '' : 's'} of ${num(plan.contextLength)} at once` : `, context ${num(plan.contextLength)}`
  return `${source === 'file' ? 'Plan (from file)' : 'Plan'}: ${plan.modelName} ${plan.quantization.toUpperCase()} (${plan.checkpoint}) on ${engine} ${plan.engineVersion}, ${layoutText({...plan, nodes: 1})} on ${where}${once}; ${kvTokens(plan)} KV tokens`
}

export function checkLine(c: ChalkInstance, check: PreflightCheck): string {
  const mark = check.ok ? c.green('ok  ') : c.red('FAIL')
  return `  ${mark} ${check.id.padEnd(10)} ${check.detail}`
}

/** The command as people can run it: env first, secrets by name only. */
export function commandLines(result: ServeResult): string[] {
  const lines: string[] = []
  const several = result.commands.length > 1
  for (const node of result.commands) {
    if (several) lines.push(node.label ? `# ${node.label}` : `# node ${node.rank} (${node.role})`)
    for (const before of node.before) lines.push(shellQuote(before))
    lines.push(shellLine({argv: node.argv, env: node.env, passEnv: result.passEnv}))
    if (several) lines.push('')
  }

  if (result.passEnv.length > 0) lines.push(`# from the caller's environment, by name: ${result.passEnv.join(', ')}`)
  return lines
}

export function dryRunText(result: ServeResult): string {
  return commandLines(result).join('\n').trimEnd()
}

export function launchLine(c: ChalkInstance, shown: {argv: string[]; env: Record<string, string>}, passEnv: string[]): string {
  return c.dim(`$ ${shellLine({argv: shown.argv, env: shown.env, passEnv})}`)
}

export function engineLine(c: ChalkInstance, engine: string, line: string): string {
  return `${c.dim(`[${engine}]`)} ${safeLine(line)}`
}

export function kvLine(kv: KvComparison): string {
  const sign = kv.differencePct > 0 ? '+' : ''
  return `KV cache: the engine has ${num(kv.observedTokens)} tokens; the plan predicted ${num(kv.predictedTokens)} (${sign}${kv.differencePct}%)`
}

export function kvWarning(kv: KvComparison): string {
  return `the engine's KV capacity differs from the plan's by ${Math.abs(kv.differencePct)}% (more than 10%): the plan's concurrency figures are off by as much`
}

export function readyText(c: ChalkInstance, result: ServeResult): string {
  return [
    `${c.green('Ready')}: ${result.endpoint} (model ${result.servedModelName})`,
    '',
    'Try it (DeepSeek\'s settings for R1: temperature 0.6, top-p 0.95, no system prompt; the directive for math):',
    result.curl,
    '',
  ].join('\n')
}

export function failureText(c: ChalkInstance, result: ServeResult): string {
  const lines: string[] = []
  if (result.logTail.length > 0) {
    lines.push(c.bold(`Last ${result.logTail.length} lines of the engine log:`), ...result.logTail.map((l) => `  ${safeLine(l)}`))
  }

  if (result.diagnosis) lines.push(`${c.yellow('Diagnosis')}: ${result.diagnosis.summary}`, c.dim(`  from: ${result.diagnosis.line}`))
  return lines.join('\n')
}

/**
 * The one progress line on a terminal: engine lines scroll above it; the phase stays at the bottom.
 * Off a terminal, each change of phase is one plain line.
 */
export interface StatusLine {
  /** Print a line above the status line. */
  print(text: string): void
  /** Let `write` print (to the same stream) with the status line out of the way. */
  around(write: () => void): void
  set(text: string): void
  clear(): void
}

export function createStatusLine(stream: NodeJS.WriteStream, tty: boolean): StatusLine {
  let status = ''
  const draw = () => {
    if (status) stream.write(`\r\u001B[2K${status.slice(0, Math.max(20, (stream.columns || 120) - 1))}`)
  }

  const erase = () => {
    if (status) stream.write('\r\u001B[2K')
  }

  if (!tty) {
    return {
      around: (write) => write(),
      clear() {},
      print: (text) => stream.write(`${text}\n`),
      set(text) {
        if (text !== status) stream.write(`r1: ${text}\n`)
        status = text
      },
    }
  }

  return {
    around(write) {
      erase()
      write()
      draw()
    },
    clear() {
      erase()
      status = ''
    },
    print(text) {
      erase()
      stream.write(`${text}\n`)
      draw()
    },
    set(text) {
      erase()
      status = `r1: ${text}`
      draw()
    },
  }
}

/** `r1 serve --stop`: one line per engine, or that there was none. */
export function stopText(result: StopResult): string {
  if (result.stopped.length === 0) return 'No engine started by r1 serve is running.'
  return result.stopped
    .map((e) => `${e.stopped ? 'Stopped' : 'Could not stop all of'} ${e.engine} (pid ${e.pid}) on ${e.host}:${e.port}${e.orphan ? ', left running by an r1 that was killed' : ''}.`)
    .join('\n')
}
