/**
 * `r1 plan` fits the terminal it prints to (issue 13 item 5): through a real terminal (a tmux pane
 * 80 and 120 columns wide) no line r1 writes is wider than the pane; piped, nothing is cut and the
 * header row stays; the README's first command prints the answer in at most 20 screen lines at 120.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {shellLine} from '../../src/core/engines/shell.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {tmuxMissing, TmuxTerminal} from '../helpers/tmux.js'

const missing = tmuxMissing()
if (missing) console.warn(`tty-width tests skipped: ${missing}`)

const PLAN = ['plan', '--gpu', 'H200', '--count', '8']

/** The README's first command (the first line of its first sh block), as r1's arguments. */
function readmeFirstCommand(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const block = /```sh\n([^\n]+)\n/.exec(readme)
  if (!block) throw new Error('README.md has no sh block')
  const command = block[1].split('&&').at(-1)!.trim()
  const words = command.split(/\s+/)
  const bin = words.findIndex((w) => /(^|\/)(run\.js|r1)$/.test(w))
  if (bin < 0) throw new Error(`README's first command does not run r1: ${command}`)
  return words.slice(bin + 1)
}

describe.skipIf(missing !== undefined)('r1 plan in a terminal 80 and 120 columns wide (tmux)', () => {
  const term = new TmuxTerminal()
  afterAll(() => term.kill())

  it.each([80, 120])('%i columns: no line wider than the pane; the table has its header and the pick', async (width) => {
    const pane = term.start(PLAN, {height: 60, width})
    expect(await term.exited(pane)).toBe(0)
    const written = term.written(pane)
    const wide = written.filter((l) => l.length > width)
    expect(wide, `lines wider than ${width}:\n${wide.join('\n')}`).toEqual([])
    expect(written[0]).toMatch(/^Hardware: 8 × NVIDIA H200/)
    expect(written.some((l) => /^Recommended: DeepSeek-R1 671B FP8 on SGLang/.test(l))).toBe(true)
    expect(written.find((l) => l.startsWith('MODEL'))).toMatch(/^MODEL +.*ENGINE +LAYOUT +.*AT ONCE \(128K\)$/)
    expect(written.some((l) => /^\* R1 671B +/.test(l))).toBe(true)
    // The command, broken between arguments with " \": joined back it is the command piped output prints.
    const piped = await runCli([...PLAN, '--json'])
    const command = shellLine(JSON.parse(piped.stdout).result.plan.command)
    const start = written.findIndex((l) => l.startsWith('Command: '))
    const end = written.findIndex((l, i) => i >= start && !l.endsWith(' \\'))
    const joined = written.slice(start, end + 1).map((l) => l.replace(/ \\$/, '').trim()).join(' ').replace(/^Command: /, '')
    expect(joined).toBe(command)
  })

  it.each([[['profiles', 'list']], [['profiles', 'show', 'r1']], [['profiles', 'show', 'h200']], [['detect', '--from-file', 'test/fixtures/nvidia-smi/a40-x10.driver550.table.txt']]])('%s at 80 columns: no line wider than the pane (a URL longer than the line stays whole)', async (args) => {
    const pane = term.start(args, {height: 200, width: 80})
    expect(await term.exited(pane)).toBe(0)
    const written = term.written(pane)
    expect(written.length).toBeGreaterThan(3)
    const wide = written.filter((l) => l.length > 80 && !/^ *(- )?\S+$/.test(l))
    expect(wide, wide.join('\n')).toEqual([])
  })

  it('errors and warnings wrap on a terminal too: nothing fits on a P100 (exit 3), --gpu-memory 80GB\'s notice', async () => {
    const pane = term.start(['plan', '--gpu', 'P100'], {height: 100, width: 80})
    expect(await term.exited(pane)).toBe(3)
    const written = term.written(pane)
    expect(written.filter((l) => l.length > 80)).toEqual([])
    const error = written.findIndex((l) => l.startsWith('Error: nothing fits as asked'))
    expect(error).toBeGreaterThan(0)
    expect(written[error + 1]).toMatch(/^ {2}\S/)
    expect(written).toContain('Code: R1_DOES_NOT_FIT')
    const warned = term.start(['plan', '--gpu-memory', '80GB', '--compute-capability', '9.0', '--count', '2', '--model', 'qwen-7b'], {height: 100, width: 80})
    expect(await term.exited(warned)).toBe(0)
    const lines = term.written(warned)
    expect(lines.filter((l) => l.length > 80)).toEqual([])
    expect(lines[0]).toMatch(/^Warning: --gpu-memory 80GB reads as 74\.5 GiB/)
  })

  it('a disaggregated plan (13 × 8 H100) at 80 columns: no line wider, every node\'s command and the router\'s broken with " \\"', async () => {
    const pane = term.start(['plan', '--gpu', 'H100', '--count', '8', '--nodes', '13', '--model', 'deepseek-r1', '--input-tokens', '2000', '--output-tokens', '2000'], {height: 100, width: 80})
    expect(await term.exited(pane)).toBe(0)
    const written = term.written(pane)
    expect(written.filter((l) => l.length > 80)).toEqual([])
    expect(written.some((l) => l.startsWith('Recommended: disaggregated DeepSeek-R1 671B'))).toBe(true)
    expect(written.filter((l) => /^ {2}(\S+=\S+ )*python3( .*)? \\$/.test(l)).length).toBe(14)
  })

  it('the README\'s first command prints the answer in at most 20 lines at 120 columns', async () => {
    const args = readmeFirstCommand()
    expect(args).toEqual(expect.arrayContaining(['plan']))
    const pane = term.start(args, {height: 60, width: 120})
    expect(await term.exited(pane)).toBe(0)
    const rows = term.rows(pane)
    expect(rows.length, rows.join('\n')).toBeLessThanOrEqual(20)
    expect(rows[1]).toMatch(/^Recommended: /)
    expect(rows.some((l) => l.startsWith('Command: '))).toBe(true)
    expect(rows.at(-1)).toMatch(/^\d+ more candidates, \d+ that do not fit: --all$/)
  })
})

describe('r1 plan piped', () => {
  it('nothing cut: the command is one whole line, the table keeps its header row, no cell ends in "…"', async () => {
    const r = await runCli(PLAN)
    expect(r.exitCode).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    const json = JSON.parse((await runCli([...PLAN, '--json'])).stdout).result
    expect(lines[lines.indexOf('Command:') + 1]).toBe(shellLine(json.plan.command))
    expect(lines).toContain(['MODEL', 'CHECKPOINT', 'ENGINE', 'LAYOUT', 'WEIGHTS/GPU', 'KV/GPU', 'KV TOKENS', 'AT ONCE (128K)'].join('\t'))
    expect(r.stdout).not.toContain('…')
    expect(r.stdout).not.toContain(' \\\n')
    const all = await runCli([...PLAN, '--all'])
    const header = all.stdout.split('\n').find((l) => l.startsWith('MODEL\t'))!
    expect(header.split('\t')).toContain('WHY NOT')
    expect(all.stdout).not.toContain('…')
  })
})
