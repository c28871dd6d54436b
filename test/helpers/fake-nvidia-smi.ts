/**
 * A fake `nvidia-smi` for e2e tests: a real executable (writeFakeBin) that answers the argv r1 sends from a
 * JSON map written beside it, and records every argv it got. Reusable: installFakeNvidiaSmi(binDir, scenario).
 *
 *   const fake = installFakeNvidiaSmi(binDir, {gpus: 'h200x8'})
 *   await runCli(['detect', '--json'], {binDir})
 *   fake.calls() // [['--query-gpu=index,name,...', '--format=csv,noheader,nounits'], [], ['topo', '-m']]
 */
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {FIXTURES, ROOT, writeFakeBin} from './cli.js'

/** Which answer an argv gets. */
export type FakeKey = 'query' | 'query-no-cc' | 'plain' | 'topo' | 'list' | 'other'

export interface FakeAnswer {
  stdout?: string
  stderr?: string
  exitCode?: number
}

export interface FakeScenario {
  /** N identical GPUs from a catalog row: 'h200x8', 'h100x8', 'rtx4090x1', or {profile: 'b200', count: 4}. */
  gpus?: 'h200x8' | 'h100x8' | 'rtx4090x1' | 'rtx4090x8' | {profile: string; count: number}
  /** memory.used of every GPU (default 1 MiB). */
  memoryUsedMiB?: number
  driverVersion?: string
  cudaVersion?: string
  /** 'old': a driver older than R510 that rejects compute_cap (exit 2), then answers without it. */
  driver?: 'current' | 'old'
  /** MIG on for every GPU, with these instance profiles (as `nvidia-smi -L` prints them). */
  mig?: string[]
  /** nvidia-smi fails on every call with this capture's words and exit code. */
  failure?: 'no-driver' | 'driver-mismatch' | 'no-devices'
  /** Answers that replace the synthesized ones. */
  answers?: Partial<Record<FakeKey, FakeAnswer>>
}

export interface FakeNvidiaSmi {
  path: string
  /** Every argv the fake was called with, in order. */
  calls(): string[][]
}

const NAMED: Record<string, {profile: string; count: number}> = {
  h100x8: {count: 8, profile: 'h100-sxm'},
  h200x8: {count: 8, profile: 'h200-sxm'},
  rtx4090x1: {count: 1, profile: 'rtx-4090'},
  rtx4090x8: {count: 8, profile: 'rtx-4090'},
}

interface CatalogRow {
  smiNames: string[]
  memoryMiB: number | null
  computeCapability: string
  nvlink: unknown
}

function catalogRow(id: string): CatalogRow {
  return JSON.parse(readFileSync(join(ROOT, 'profiles', 'gpus', `${id}.json`), 'utf8')) as CatalogRow
}

function uuid(i: number): string {
  return `GPU-00000000-0000-0000-0000-${String(i).padStart(12, '0')}`
}

function busId(i: number): string {
  return `00000000:${(0x18 + i * 0x10).toString(16).toUpperCase().padStart(2, '0')}:00.0`
}

/** The answers a machine with these GPUs gives to the four commands r1 runs. */
export function synthesize(scenario: FakeScenario): Record<FakeKey, FakeAnswer> {
  const spec = typeof scenario.gpus === 'string' ? NAMED[scenario.gpus] : (scenario.gpus ?? NAMED.h200x8)
  const row = catalogRow(spec.profile)
  const name = row.smiNames[0]
  const total = row.memoryMiB === null ? '[N/A]' : String(row.memoryMiB)
  const used = row.memoryMiB === null ? '[N/A]' : String(scenario.memoryUsedMiB ?? 1)
  const driver = scenario.driverVersion ?? '570.133.20'
  const cuda = scenario.cudaVersion ?? '12.8'
  const mig = scenario.mig ? 'Enabled' : row.memoryMiB === null ? '[N/A]' : 'Disabled'
  const idx = [...Array(spec.count).keys()]
  const query = idx.map((i) => [i, name, uuid(i), busId(i), total, used, row.computeCapability, driver, mig].join(', ')).join('\n')
  const queryNoCc = idx.map((i) => [i, name, uuid(i), busId(i), total, used, driver, mig].join(', ')).join('\n')
  const pad = (s: string, n: number) => s.padEnd(n)
  const lines = [
    '+-----------------------------------------------------------------------------------------+',
    `| NVIDIA-SMI ${pad(driver, 22)} Driver Version: ${pad(driver, 14)} CUDA Version: ${pad(cuda, 9)}|`,
    '|-----------------------------------------+------------------------+----------------------+',
    '| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |',
    '| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |',
    '|                                         |                        |               MIG M. |',
    '|=========================================+========================+======================|',
  ]
  for (const i of idx) {
    const mem = row.memoryMiB === null ? pad('Not Supported', 22) : `${`${used}MiB`.padStart(9)} / ${`${total}MiB`.padStart(9)} `
    lines.push(
      `| ${String(i).padStart(3)}  ${pad(name, 26)} On  |   ${busId(i)} Off |                    0 |`,
      `| N/A   30C    P0             70W /  700W | ${pad(mem, 22)} |      0%      Default |`,
      `|                                         |                        | ${(scenario.mig ? 'Enabled' : 'Disabled').padStart(20)} |`,
      '+-----------------------------------------+------------------------+----------------------+',
    )
  }

  const link = row.nvlink ? 'NV18' : 'SYS'
  const topo = [
    `\t${idx.map((i) => `GPU${i}`).join('\t')}\tCPU Affinity\tNUMA Affinity`,
    ...idx.map((i) => `GPU${i}\t${idx.map((j) => (i === j ? ' X ' : link)).join('\t')}\t0-63\t0`),
  ].join('\n')
  const list = idx
    .map((i) => [`GPU ${i}: ${name} (UUID: ${uuid(i)})`, ...(scenario.mig ?? []).map((p, d) => `  MIG ${p.padEnd(12)}Device ${String(d).padStart(2)}: (UUID: MIG-${i}-${d})`)].join('\n'))
    .join('\n')
  const answers: Record<FakeKey, FakeAnswer> = {
    list: {stdout: `${list}\n`},
    other: {exitCode: 0, stdout: ''},
    plain: {stdout: `${lines.join('\n')}\n`},
    query: {stdout: `${query}\n`},
    'query-no-cc': {stdout: `${queryNoCc}\n`},
    topo: {stdout: `${topo}\n`},
  }
  if (scenario.driver === 'old') {
    answers.query = {exitCode: 2, stderr: readFileSync(join(FIXTURES, 'nvidia-smi', 'invalid-field-compute_cap.err.txt'), 'utf8')}
  }

  if (scenario.failure) {
    const file = {'driver-mismatch': 'driver-library-mismatch.old.err.txt', 'no-devices': null, 'no-driver': 'no-driver.err.txt'}[scenario.failure]
    const text = file ? readFileSync(join(FIXTURES, 'nvidia-smi', file), 'utf8') : 'No devices were found\n'
    const fail: FakeAnswer = {exitCode: scenario.failure === 'no-devices' ? 6 : 9, stdout: text}
    for (const k of Object.keys(answers) as FakeKey[]) answers[k] = fail
  }

  return {...answers, ...scenario.answers}
}

const SCRIPT = `
const {appendFileSync, readFileSync} = require('node:fs')
const {join} = require('node:path')
const here = __dirname
const argv = process.argv.slice(2)
appendFileSync(join(here, 'nvidia-smi.calls'), JSON.stringify(argv) + '\\n')
const map = JSON.parse(readFileSync(join(here, 'nvidia-smi.json'), 'utf8'))
let key = 'other'
if (argv.length === 0) key = 'plain'
else if (argv[0].startsWith('--query-gpu=')) key = argv[0].includes('compute_cap') ? 'query' : 'query-no-cc'
else if (argv[0] === 'topo') key = 'topo'
else if (argv[0] === '-L') key = 'list'
const a = map[key] || {}
if (a.stdout) process.stdout.write(a.stdout)
if (a.stderr) process.stderr.write(a.stderr)
process.exitCode = a.exitCode || 0
`

/** Put a fake nvidia-smi into binDir (put binDir first on PATH). */
export function installFakeNvidiaSmi(binDir: string, scenario: FakeScenario = {}): FakeNvidiaSmi {
  writeFileSync(join(binDir, 'nvidia-smi.json'), JSON.stringify(synthesize(scenario)))
  writeFileSync(join(binDir, 'nvidia-smi.calls'), '')
  // CommonJS inside an ESM package: the script has no extension, so Node reads it as CommonJS.
  const path = writeFakeBin(binDir, 'nvidia-smi', SCRIPT)
  return {
    calls: () => {
      const log = join(binDir, 'nvidia-smi.calls')
      if (!existsSync(log)) return []
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[])
    },
    path,
  }
}
