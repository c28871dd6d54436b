/**
 * Fakes for the `r1 serve --role` end-to-end tests: `python3` (SGLang server and sglang_router), `vllm` and
 * `vllm-router` from test/fixtures/fake-engines/pd.cjs, and the fake nvidia-smi with 8 H100s, first on PATH.
 * Each fake process records itself in a folder of its own (see pd.cjs).
 */
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {FIXTURES, makeBinDir, writeFakeBin} from './cli.js'
import {installFakeNvidiaSmi} from './fake-nvidia-smi.js'

export const FAKE_PD = join(FIXTURES, 'fake-engines', 'pd.cjs')

export function installPdFakes(): string {
  const dir = makeBinDir()
  for (const name of ['python3', 'vllm', 'vllm-router']) writeFakeBin(dir, name, `require(${JSON.stringify(FAKE_PD)}).main(${JSON.stringify(name)})\n`)
  installFakeNvidiaSmi(dir, {gpus: 'h100x8'})
  return dir
}

export interface PdRecord {
  kind: 'sglang' | 'sglang-router' | 'vllm' | 'vllm-router'
  argv: string[]
  envNames: string[]
  apiKey: string | null
  pid: number
  workerPid?: number
  leader?: boolean
  port: number | null
  role?: string | null
  decode?: string[]
  prefill?: {url: string; bootstrap: string | null}[]
}

export function makeRecordDir(): string {
  return mkdtempSync(join(tmpdir(), 'r1-pd-record-'))
}

/** What the fakes recorded so far, in no particular order. */
export function records(dir: string): PdRecord[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as PdRecord)
}
