/**
 * The shipped engine-interface data (src/core/engines/data/engine-cli.json) is what scripts/derive-engine-cli.mjs
 * derives from ../shared/engine-cli: regenerated here and compared byte for byte, so new release files in shared/
 * make this test fail until the data is derived again.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {engineInterface, knownReleases} from '../../../src/core/engines/interface.js'
import {ROOT} from '../../helpers/cli.js'
import {SHARED} from './release-matrix.js'

const DATA = join(ROOT, 'src', 'core', 'engines', 'data', 'engine-cli.json')
const SCRIPT = join(ROOT, 'scripts', 'derive-engine-cli.mjs')
const SOURCE = join(SHARED, 'engine-cli')
const missing = existsSync(join(SOURCE, 'index.json')) ? null : `no ${SOURCE} (shared/ is not beside the repository)`

describe('the shipped engine data', () => {
  it('is compact: well under a megabyte (the shared release files are ~9 MB)', () => {
    expect(statSync(DATA).size).toBeLessThan(400 * 1024)
  })

  it('holds every vLLM release 0.7.3-0.21.0 and every SGLang release 0.4.3-0.5.18, in PEP 440 order', () => {
    const vllm = knownReleases('vllm')
    const sglang = knownReleases('sglang')
    expect([vllm.length, vllm[0], vllm.at(-1)]).toEqual([36, '0.7.3', '0.21.0'])
    expect([sglang.length, sglang[0], sglang.at(-1)]).toEqual([74, '0.4.3', '0.5.18'])
    expect(sglang.slice(sglang.indexOf('0.4.10.post2'), sglang.indexOf('0.5.1') + 1)).toEqual(['0.4.10.post2', '0.5.0rc0', '0.5.0rc1', '0.5.0rc2', '0.5.1'])
  })

  it('keeps what the parser checks: aliases, negations, nargs, types, deprecations, raises-on-use, tags and commits', () => {
    const v = engineInterface('vllm', '0.11.2')
    expect(v.option('-dp')?.flags).toEqual(['--data-parallel-size', '-dp'])
    expect(v.byFlag.get('--no-enable-expert-parallel')).toMatchObject({negated: true})
    expect(v.option('--served-model-name')?.nargs).toBe('+')
    expect(v.option('--max-model-len')?.type).toBe('human_int')
    expect(v.option('--cuda-graph-sizes')?.deprecated).toMatch(/deprecated/)
    expect(v.parser.model_option).toBe('moved_to_positional')
    expect([v.tag, v.commit]).toEqual(['v0.11.2', '275de34170654274616082721348b7edd9741d32'])
    expect(engineInterface('sglang', '0.5.3').option('--enable-ep-moe')?.errorsOnUse).toBeTruthy()
    expect(engineInterface('sglang', '0.5.10').option('--context-length')?.type).toBe('human_int')
    expect(engineInterface('sglang', '0.5.9').option('--context-length')?.type).toBe('int')
  })
})

describe.skipIf(missing !== null)(`the derivation from shared/engine-cli${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('reproduces the shipped file exactly (run `node scripts/derive-engine-cli.mjs` when shared/ gains releases)', () => {
    const run = spawnSync(process.execPath, [SCRIPT, SOURCE, '--check'], {encoding: 'utf8'})
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^engine-cli data is current \(\d+ bytes/)
  })

  it('fails when the shared folder has a release the shipped data lacks (or lacks one it has)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1-engine-cli-'))
    symlinkSync(join(SOURCE, 'index.json'), join(dir, 'index.json'))
    symlinkSync(join(SOURCE, 'sglang'), join(dir, 'sglang'))
    mkdirSync(join(dir, 'vllm'))
    for (const file of readdirSync(join(SOURCE, 'vllm')).filter((f) => f !== '0.21.0.json')) symlinkSync(join(SOURCE, 'vllm', file), join(dir, 'vllm', file))
    const run = spawnSync(process.execPath, [SCRIPT, dir, '--check'], {encoding: 'utf8'})
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('engine-cli.json is stale')
    expect(JSON.parse(readFileSync(DATA, 'utf8')).engines.vllm.releases.at(-1).version).toBe('0.21.0')
  })
})
