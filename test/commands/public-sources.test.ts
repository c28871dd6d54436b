/**
 * Nothing internal in user text (issue 13 item 10): every command's --help, `profiles show` of every
 * profile (summary and --json) and every string in the profile files cite public sources, never the
 * project's research notes (engines.md, memory.md, gpus.md, models.md, shared/…, "§" sections).
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

const INTERNAL = /engines\.md|memory\.md|gpus\.md|models\.md|models\.json|memory-by-version|pd-disaggregation|shared\/|§|\[S\d+[a-z]?\]/

/** Every line of `text` that names something internal. */
function internal(text: string): string[] {
  return text.split('\n').filter((l) => INTERNAL.test(l))
}

function strings(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]]
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`))
  return []
}

const PROFILE_FILES = ['engines', 'gpus', 'models'].flatMap((kind) =>
  readdirSync(join(ROOT, 'profiles', kind))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join('profiles', kind, f)),
)

describe('no internal references in what users read', () => {
  it('the pattern catches what the old texts held', () => {
    for (const old of ['sgl-project/sglang docs/basic_usage/deepseek_v3.md (engines.md [S1])', 'shared/reference/memory.md §2', 'NVIDIA GH200 datasheet; 97871 MiB observed (gpus.md)', 'the help cites engines.md §6'])
      expect(internal(old), old).toHaveLength(1)
  })

  it('every string of every profile file (sources included)', () => {
    expect(PROFILE_FILES.length).toBeGreaterThan(70)
    const found = PROFILE_FILES.flatMap((file) => strings(JSON.parse(readFileSync(join(ROOT, file), 'utf8'))).filter(([, s]) => INTERNAL.test(s)).map(([path, s]) => `${file}${path}: ${s}`))
    expect(found).toEqual([])
  })

  it('profiles show of every profile: the summary and --json', async () => {
    const {stdout} = await runCommand(['profiles', 'list', '--json'], {root: ROOT})
    const ids: string[] = JSON.parse(stdout).result.profiles.map((p: {id: string}) => p.id)
    expect(ids.length).toBe(PROFILE_FILES.length)
    const found: string[] = []
    let cited = 0
    for (const id of ids) {
      const summary = await runCommand(['profiles', 'show', id], {root: ROOT})
      expect(summary.error, id).toBeUndefined()
      found.push(...internal(summary.stdout).map((l) => `${id}: ${l}`))
      if (/^ {2}sources:$/m.test(summary.stdout)) cited++
      const json = await runCommand(['profiles', 'show', id, '--json'], {root: ROOT})
      found.push(...internal(json.stdout).map((l) => `${id} --json: ${l.trim()}`))
    }

    expect(found).toEqual([])
    expect(cited).toBeGreaterThan(50)
    const r1 = await runCommand(['profiles', 'show', 'r1'], {root: ROOT})
    expect(r1.stdout).toContain('https://huggingface.co/deepseek-ai/DeepSeek-R1/blob/main/config.json')
  })

  it('every command\'s --help (the real bin/run.js)', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const commands = Object.keys(manifest.commands).map((id) => id.split(':'))
    expect(commands.length).toBeGreaterThanOrEqual(10)
    const found: string[] = []
    for (const words of [[], ...commands]) {
      const r = await runCli([...words, '--help'])
      expect(r.exitCode, words.join(' ')).toBe(0)
      expect(r.stdout.length).toBeGreaterThan(100)
      found.push(...internal(r.stdout + r.stderr).map((l) => `r1 ${words.join(' ')} --help: ${l.trim()}`))
    }

    expect(found).toEqual([])
  })
})
