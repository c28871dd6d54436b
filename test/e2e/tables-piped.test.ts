/**
 * Tables keep their header row when piped, as kubectl does, and `--no-headers` drops it (issue 13
 * item 6), in every command that prints a table: plan, detect, report, bench, eval, profiles list. The
 * recommended plan keeps its "*" marker piped, without headers, with --all and on a terminal.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {FIXTURES, runCli} from '../helpers/cli.js'
import {FAKE_SERVER_SCRIPT} from '../helpers/fake-openai-server.js'

let server: ChildProcess
let url: string

beforeAll(async () => {
  server = spawn(process.execPath, [FAKE_SERVER_SCRIPT, JSON.stringify({itlMs: 1, style: 'think-implicit', ttftMs: 2})], {stdio: ['ignore', 'pipe', 'inherit']})
  url = await new Promise<string>((resolve, reject) => {
    server.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).url))
    server.once('error', reject)
  })
})

afterAll(() => {
  server?.kill('SIGTERM')
})

/** Run piped with and without --no-headers: the header lines (split on tabs) and the rest must match. */
async function headersAndNot(args: string[], headers: string[][]): Promise<{plain: string; bare: string}> {
  const plain = await runCli(args)
  expect(plain.exitCode, plain.stderr).toBe(0)
  const lines = plain.stdout.split('\n')
  for (const h of headers) expect(lines, `${args.join(' ')}: header ${h.join(' ')}`).toContain(h.join('\t'))
  const bare = await runCli([...args, '--no-headers'])
  expect(bare.exitCode, bare.stderr).toBe(0)
  for (const h of headers) expect(bare.stdout.split('\n')).not.toContain(h.join('\t'))
  // Only the header rows differ.
  const withoutHeaders = lines.filter((l) => !headers.some((h) => l === h.join('\t')))
  return {bare: bare.stdout, plain: withoutHeaders.join('\n')}
}

describe('piped tables keep their header row; --no-headers drops it (e2e)', () => {
  it('bench: both metric tables', async () => {
    const args = ['bench', '--url', url, '--requests', '4', '--concurrency', '2', '--output-tokens', '4']
    const {bare} = await headersAndNot(args, [['THROUGHPUT', 'MEASURED'], ['LATENCY', 'MEAN', 'P50', 'P90', 'P99']])
    expect(bare).toMatch(/^output throughput\t[\d.]+ tok\/s$/m)
    expect(bare).toMatch(/^TTFT \(ms\)(\t[\d.]+){4}$/m)
  })

  it('eval: the per-problem table', async () => {
    const {bare, plain} = await headersAndNot(['eval', '--url', url, '--limit', '2', '--samples', '1'], [['PROBLEM', 'EXPECTED', 'CORRECT', 'ANSWERS']])
    const rows = (out: string) => out.trimEnd().split('\n').filter((l) => /^\S+\t\d+\t\d+\/1\t/.test(l))
    expect(rows(bare)).toHaveLength(2)
    // The same rows (the summary above them carries the run's duration).
    expect(rows(bare)).toEqual(rows(plain))
  })

  it('detect --from-file: the GPU table', async () => {
    const file = join(FIXTURES, 'nvidia-smi', 'a10-24gb.driver550.table.txt')
    const {bare, plain} = await headersAndNot(['detect', '--from-file', file, '--no-host'], [['GPU', 'NAME', 'ARCH', 'CC', 'MEMORY', 'MIG']])
    expect(bare).toMatch(/^0\tNVIDIA A10\tampere\t8\.6\t/m)
    expect(bare.trimEnd()).toBe(plain.trimEnd())
  })

  it('profiles list', async () => {
    const {bare} = await headersAndNot(['profiles', 'list', 'models'], [['KIND', 'ID', 'NAME', 'DETAIL']])
    expect(bare.trimEnd().split('\n')).toHaveLength(7)
  })

  it('report: the picks table and the fit matrix (one fleet entry, one context)', async () => {
    const args = ['report', '--fleet', '8xH200', '--context', '8k']
    const json = JSON.parse((await runCli([...args, '--json'])).stdout).result
    const {bare} = await headersAndNot(args, [
      ['FLEET', 'CTX', 'RECOMMENDED', 'ENGINE', 'LAYOUT', 'AT ONCE', 'CEILING tok/s', '$/M AT CEILING', '$/M MEASURED', 'WHY NOT'],
      ['FLEET', 'deepseek-r1', 'r1-distill-llama-70b', 'r1-distill-llama-8b', 'r1-distill-qwen-1.5b', 'r1-distill-qwen-14b', 'r1-distill-qwen-32b', 'r1-distill-qwen-7b'],
    ])
    expect(bare).toContain(`8xH200\t8K\t`)
    expect(bare).toContain(`\t${json.picks[0].layout}\t`)
  })

  it('plan: the header stays, and the recommended row keeps "*" piped, with --no-headers and with --all', async () => {
    const base = ['plan', '--gpu', 'H200', '--count', '8']
    const json = JSON.parse((await runCli([...base, '--json'])).stdout).result
    const {bare} = await headersAndNot(base, [['MODEL', 'CHECKPOINT', 'ENGINE', 'LAYOUT', 'WEIGHTS/GPU', 'KV/GPU', 'KV TOKENS', 'AT ONCE (128K)']])
    const marked = (out: string) => out.split('\n').filter((l) => l.startsWith('* '))
    expect(marked(bare)).toEqual([expect.stringMatching(new RegExp(`^\\* R1 671B\\t${json.plan.checkpointId}\\tsglang\\t${json.plan.layout.replace(/[()]/g, '\\$&')}\\t`))])
    const all = await runCli([...base, '--all', '--no-headers'])
    expect(marked(all.stdout)).toHaveLength(1)
    expect(marked(all.stdout)[0].split('\t').slice(1, 3)).toEqual([json.plan.checkpointId, 'sglang'])
    expect(all.stdout).not.toMatch(/^MODEL\t/m)
  })
})
