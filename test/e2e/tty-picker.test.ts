/**
 * The plan picker as a person meets it (issue 13 item 5): `r1 plan --gpu H200 --count 8 -i` in a
 * real terminal (a tmux pane on a private server). Entries are distinct, the recommendation is first
 * and marked, typing filters, Enter picks, Ctrl-C ends quietly with 130.
 */
import {afterAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {tmuxMissing, TmuxTerminal} from '../helpers/tmux.js'

const missing = tmuxMissing()
if (missing) console.warn(`tty-picker tests skipped: ${missing}`)

const PROMPT = '? Which plan? (type to filter)'
const ARGS = ['plan', '--gpu', 'H200', '--count', '8', '-i']

/** The entry rows of the list on screen: the lines under the prompt, up to the detail line. */
function entries(screen: string[]): string[] {
  const start = screen.findIndex((l) => l.startsWith('? Which plan?'))
  const out: string[] = []
  for (const line of screen.slice(start + 1)) {
    if (!/^(❯ | {2})\S/.test(line)) break
    out.push(line.slice(2))
  }

  return out
}

describe.skipIf(missing !== undefined)('r1 plan -i in a terminal (tmux)', () => {
  const term = new TmuxTerminal()
  afterAll(() => term.kill())

  it('lists distinct entries, the recommendation first and marked; typing filters; Enter picks it', async () => {
    const json = JSON.parse((await runCli(['plan', '--gpu', 'H200', '--count', '8', '--json'])).stdout).result
    const pane = term.start(ARGS, {height: 40, width: 160})
    const screen = await term.waitFor(pane, (s) => s.some((l) => l.startsWith(PROMPT)) && entries(s).length > 1, 'the picker')
    const list = entries(screen)
    expect(list.length).toBeGreaterThanOrEqual(12)
    expect(new Set(list).size).toBe(list.length)
    // First, highlighted and marked: the plan r1 recommends (the same as the JSON's).
    expect(screen.find((l) => l.startsWith('❯ '))).toBe(`❯ ${list[0]}`)
    expect(list[0]).toMatch(/^\* .*\(recommended\)$/)
    expect(list[0]).toContain(`(${json.plan.checkpointId}) on SGLang, ${json.plan.layout}`)
    expect(list.slice(1).filter((l) => l.includes('recommended'))).toEqual([])

    term.type(pane, 'qwen 7b awq sglang')
    const filtered = entries(await term.waitFor(pane, (s) => s.some((l) => l.startsWith(`${PROMPT} qwen 7b awq sglang`)) && entries(s).length === 1, 'the filtered list'))
    expect(filtered).toEqual([expect.stringMatching(/^DeepSeek-R1-Distill-Qwen-7B AWQ \(qwen-7b-awq\) on SGLang, TP1 DP8: \d+ at once$/)])

    term.keys(pane, 'Enter')
    expect(await term.exited(pane)).toBe(0)
    const out = term.written(pane).join('\n')
    expect(out).toMatch(/^Chosen: DeepSeek-R1-Distill-Qwen-7B AWQ on SGLang [\d.]+, TP1 DP8 on 8 GPUs: \d+ requests of 131,072 at once$/m)
    expect(out).toContain('--model-path casperhansen/deepseek-r1-distill-qwen-7b-awq')
    expect(out).toMatch(/^\* Distill-Qwen-7B +qwen-7b-awq +sglang/m)
  })

  it('at 80 columns every entry fits one row (no wrapped entries), still distinct, the recommendation first and marked', async () => {
    const pane = term.start(ARGS, {height: 30, width: 80})
    await term.waitFor(pane, (s) => entries(s).length > 1, 'the picker')
    const written = term.written(pane)
    expect(written.filter((l) => l.length > 80), written.join('\n')).toEqual([])
    const list = entries(term.screen(pane))
    expect(list.length).toBeGreaterThanOrEqual(12)
    expect(new Set(list).size).toBe(list.length)
    expect(list[0]).toMatch(/^\* R1 671B FP8 \(r1-0528-fp8\) on SGLang, .*\(recommended\)$/)
    term.keys(pane, 'C-c')
    expect(await term.exited(pane)).toBe(130)
  })

  it('Ctrl-C at the picker ends quietly with exit 130: no "Error", no stack', async () => {
    const pane = term.start(ARGS, {height: 40, width: 120})
    await term.waitFor(pane, (s) => entries(s).length > 1, 'the picker')
    term.type(pane, 'llama')
    await term.waitFor(pane, (s) => s.some((l) => l.startsWith(`${PROMPT} llama`)), 'the typed filter')
    term.keys(pane, 'C-c')
    expect(await term.exited(pane)).toBe(130)
    const out = term.written(pane).join('\n')
    expect(out).not.toMatch(/Error|error:|at .*\.js:\d+|R1_INTERRUPTED|stopped at the prompt/)
    expect(out).not.toContain('Command:')
  })
})
