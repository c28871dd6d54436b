import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {runCli, ROOT} from '../helpers/cli.js'

function profilesDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'r1-profiles-'))
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), {recursive: true})
    writeFileSync(join(dir, path), typeof data === 'string' ? data : JSON.stringify(data))
  }

  return dir
}

const h200 = JSON.parse(readFileSync(join(ROOT, 'profiles/gpus/h200-sxm.json'), 'utf8'))
const qwen = JSON.parse(readFileSync(join(ROOT, 'profiles/models/r1-distill-qwen-7b.json'), 'utf8'))

describe('r1 profiles', () => {
  it('list models shows every model with its checkpoints and sizes', async () => {
    const {stdout} = await runCommand(['profiles', 'list', 'models', '--json'], {root: ROOT})
    const rows = JSON.parse(stdout).result.profiles
    expect(rows.map((r: {id: string}) => r.id).sort()).toEqual([
      'deepseek-r1',
      'r1-distill-llama-70b',
      'r1-distill-llama-8b',
      'r1-distill-qwen-1.5b',
      'r1-distill-qwen-14b',
      'r1-distill-qwen-32b',
      'r1-distill-qwen-7b',
    ])
    const r1 = rows.find((r: {id: string}) => r.id === 'deepseek-r1')
    expect(r1.detail).toBe('r1; fp8 640.7 GiB, fp8 640.7 GiB, int8 640.7 GiB, awq 326.9 GiB, fp4 359.5 GiB, bf16 1275.9 GiB')
  })

  it('list engines shows both engines with their default version', async () => {
    const {stdout} = await runCommand(['profiles', 'list', 'engines', '--json'], {root: ROOT})
    expect(JSON.parse(stdout).result.profiles).toEqual([
      {detail: 'default version 0.5.14, compute capability 8.0+', id: 'sglang', kind: 'engines', name: 'SGLang'},
      {detail: 'default version 0.20.1, compute capability 7.5+', id: 'vllm', kind: 'engines', name: 'vLLM'},
    ])
  })

  it('show finds a model by alias, checkpoint alias or repository id', async () => {
    for (const id of ['r1', 'r1-0528', 'deepseek-ai/DeepSeek-R1']) {
      const {stdout} = await runCommand(['profiles', 'show', id, '--json'], {root: ROOT})
      const json = JSON.parse(stdout)
      expect(json.result.kind).toBe('models')
      expect(json.result.profile.id).toBe('deepseek-r1')
    }
  })

  it('show for people: a readable summary with public sources, never raw JSON or files r1 does not ship', async () => {
    for (const id of ['r1', 'qwen-7b', 'h200', 'h100-pcie', 'sglang', 'vllm']) {
      const {stdout} = await runCommand(['profiles', 'show', id], {root: ROOT})
      expect(stdout.trimStart().startsWith('{')).toBe(false)
      expect(stdout).not.toMatch(/"id":|engines\.md|gpus\.md|memory\.md|models\.json|shared\/reference/)
      expect(stdout).toContain(`--json`)
    }

    const {stdout} = await runCommand(['profiles', 'show', 'qwen-7b'], {root: ROOT})
    expect(stdout).toContain('AIME 2024 55.5, MATH-500 92.8')
    expect(stdout).toContain('https://arxiv.org/abs/2501.12948')
    expect(stdout).toMatch(/qwen-7b-awq\s+AWQ/)
  })

  it('a valid user GPU and model from --profiles are listed beside the built-ins', async () => {
    const dir = profilesDir({
      'gpus/my-gpu.yaml': stringify({...h200, aliases: ['mine'], displayName: 'My GPU 48GB', id: 'my-gpu', memoryGB: 48}),
      'models/my-model.json': {...qwen, aliases: ['mq'], displayName: 'My Qwen', id: 'my-qwen'},
    })
    const {stdout} = await runCommand(['profiles', 'list', '--profiles', dir, '--json'], {root: ROOT})
    const ids = JSON.parse(stdout).result.profiles.map((r: {id: string}) => r.id)
    expect(ids).toContain('my-gpu')
    expect(ids).toContain('my-qwen')
    expect(ids).toContain('deepseek-r1')
  })

  it('a bad user profile fails with exit 2, R1_BAD_PROFILE, the file path and the field path; nothing loads half-way', async () => {
    const dir = profilesDir({
      'gpus/good.json': {...h200, aliases: [], id: 'good-gpu'},
      'models/broken.json': {...qwen, checkpoints: [{...qwen.checkpoints[0], diskBytes: 'big'}], id: 'broken'},
    })
    const r = await runCli(['profiles', 'list', '--profiles', dir, '--json'])
    expect(r.exitCode).toBe(2)
    const json = JSON.parse(r.stdout)
    expect(json.status).toBe(2)
    expect(json.error.code).toBe('R1_BAD_PROFILE')
    expect(json.error.message).toContain(join(dir, 'models', 'broken.json'))
    expect(json.error.message).toContain('checkpoints.0.diskBytes')
    expect(json).not.toHaveProperty('result')
  })

  it('an unknown field is refused too (.strict())', async () => {
    const dir = profilesDir({'engines/vllm.json': {...JSON.parse(readFileSync(join(ROOT, 'profiles/engines/vllm.json'), 'utf8')), gpuUtil: 0.5}})
    const r = await runCli(['profiles', 'list', '--profiles', dir, '--json'])
    expect(r.exitCode).toBe(2)
    expect(JSON.parse(r.stdout).error.message).toMatch(/vllm\.json: \(top level\): Unrecognized key/)
  })
})
