/**
 * Captures that are nonsense, hostile or in another encoding (issue 14, defects 8, 9 and 10), through the real
 * bin/run.js: 0 GPUs is the same error as live detection with none (exit 4); duplicate indices and impossible
 * memory are refused with their reason; UTF-16 (PowerShell's `>`) and UTF-8 with a BOM are read; escape sequences
 * in GPU names never reach the terminal; a capture of 60,000 rows is refused for its size with the limit.
 */
import {mkdtempSync, readFileSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {busyTable} from '../helpers/busy-capture.js'
import {FIXTURES, runCli} from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'r1-captures-'))
const fixture = (name: string) => readFileSync(join(FIXTURES, 'nvidia-smi', name), 'utf8')
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const row = (i: number, name = 'NVIDIA H100 80GB HBM3', total = '81559', used = '1') => `${i}, ${name}, GPU-${String(i).padStart(8, '0')}, 00000000:${(16 + i).toString(16)}:00.0, ${total}, ${used}, 9.0, 570.86.15, Disabled`

describe('captures that are not a real machine', () => {
  it('0 GPUs: exit 4, R1_NO_GPU, as live detection with none', async () => {
    const r = await runCli(['detect', '--from-file', file('none.txt', 'No devices were found\n'), '--json'])
    expect(r.exitCode, r.stderr).toBe(4)
    const xml = fixture('tesla-t4.q.xml').replace(/<gpu id=[\s\S]*<\/gpu>/, '').replace(/<attached_gpus>\d+<\/attached_gpus>/, '<attached_gpus>0</attached_gpus>')
    const x = await runCli(['detect', '--from-file', file('none.xml', xml)])
    expect(x.exitCode, x.stderr).toBe(4)
    expect(x.stderr).toContain('R1_NO_GPU')
  })

  it('duplicate indices and impossible memory are refused with their reason (exit 2)', async () => {
    const dup = await runCli(['detect', '--from-file', file('dup.csv', `${row(0)}\n${row(0)}\n`)])
    expect(dup.exitCode).toBe(2)
    expect(dup.stderr).toContain('GPU index 0 appears twice')
    const huge = await runCli(['detect', '--from-file', file('huge.csv', `${row(0, undefined, '100000000000000000000')}\n`)])
    expect(huge.exitCode).toBe(2)
    expect(huge.stderr).toMatch(/memory.total 100000000000000000000 MiB \(a GPU has 0 to \d+ MiB\)/)
  })

  it('909 GPUs, 796 of them busy: one warning line naming how many and which, not one per GPU', async () => {
    const r = await runCli(['detect', '--from-file', file('busy909.txt', busyTable(909, (i) => (i % 8 === 6 ? 1 : 20_304)))])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(910) // the header and every GPU
    const busy = r.stderr.split('\n').filter((l) => l.includes('already used by other processes'))
    expect(busy).toHaveLength(1)
    expect(busy[0]).toContain('GPUs 0-5, 7-13, 15-21, ')
    expect(busy[0]).toContain('(796 of 909, NVIDIA H100 80GB HBM3): 20304 MiB each already used by other processes')
    expect(r.stderr.length).toBeLessThan(600) // one line per GPU was 118,507 bytes
  })

  it('60,000 rows: refused for its size with the limit, at once', async () => {
    const rows = Array.from({length: 60_000}, (_, i) => row(i)).join('\n')
    const r = await runCli(['detect', '--from-file', file('60k.csv', `${rows}\n`)])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('it lists 60000 GPUs (one machine has at most 1024)')
  })

  it('a 50 MB capture is refused at the 16 MiB input limit, before it is read (file and stdin)', async () => {
    const big = file('50mb.csv', '')
    truncateSync(big, 50 * 2 ** 20)
    const r = await runCli(['detect', '--from-file', big])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('is 50 MiB: r1 reads input files up to 16 MiB')
    const lines = `${row(0)}\n`.repeat(Math.ceil((50 * 2 ** 20) / (row(0).length + 1)))
    // r1 stops reading stdin at the limit and exits: the rest of the pipe is refused (EPIPE; runCli ignores it).
    const piped = await runCli(['detect', '--from-file', '-'], {input: lines})
    expect(piped.exitCode).toBe(2)
    expect(piped.stderr).toMatch(/stdin is \d+ MiB: r1 reads input files up to 16 MiB/)
  })
})

describe('encodings and untrusted text', () => {
  it('UTF-16 with a BOM (PowerShell) and UTF-8 with a BOM read like UTF-8', async () => {
    const text = fixture('h100-sxm5-80gb.query-all-fields.csv')
    const plain = await runCli(['detect', '--from-file', file('plain.csv', text), '--json'])
    expect(plain.exitCode, plain.stderr).toBe(0)
    const gpus = (JSON.parse(plain.stdout) as {result: {gpus: unknown[]}}).result.gpus
    for (const [name, bytes] of [
      ['utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ] as const) {
      const r = await runCli(['detect', '--from-file', file(name, bytes), '--json'])
      expect(r.exitCode, r.stderr).toBe(0)
      expect((JSON.parse(r.stdout) as {result: {gpus: unknown[]}}).result.gpus).toEqual(gpus)
    }
  })

  it('escape sequences in a GPU name never reach the terminal raw', async () => {
    const r = await runCli(['detect', '--from-file', file('esc.csv', `${row(0, 'NVIDIA H100\u001b]0;owned\u0007\u001b[2J')}\n`)])
    expect(r.stdout + r.stderr).not.toContain('\u001b')
    expect(r.stdout + r.stderr).not.toContain('\u0007')
  })
})
