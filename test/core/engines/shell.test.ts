import {spawnSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'

import {envRef, shellLine, shellQuote, substituteEnvRefs} from '../../../src/core/engines/shell.js'

const HOSTILE = [
  '',
  'plain',
  'two words',
  "it's",
  '"double"',
  '$HOME',
  '${HF_TOKEN}',
  '`id`',
  '$(id)',
  'line\nbreak',
  'tab\there',
  'back\\slash',
  ';rm -rf /;',
  '*',
  '~',
  '--flag=a b',
  '{"method":"mtp","num_speculative_tokens":1}',
  "'",
  "''",
  '!bang',
  '#hash',
  'ünïcødé',
]

/** What a real POSIX shell makes of the line: one NUL-terminated word per argument. */
function throughShell(line: string): string[] {
  const result = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], {encoding: 'utf8', env: {PATH: '/usr/bin:/bin'}})
  expect(result.status).toBe(0)
  return result.stdout.split('\0').slice(0, -1)
}

describe('shellQuote', () => {
  it('gives every hostile word back unchanged through /bin/sh', () => {
    expect(throughShell(shellQuote(HOSTILE))).toEqual(HOSTILE)
  })

  it('leaves plain words bare and single-quotes the rest', () => {
    expect(shellQuote(['vllm', 'serve', 'deepseek-ai/DeepSeek-R1', '--port', '8000'])).toBe('vllm serve deepseek-ai/DeepSeek-R1 --port 8000')
    expect(shellQuote(["it's", '', 'a b'])).toBe(`'it'\\''s' '' 'a b'`)
  })
})

describe('shellLine', () => {
  it('quotes env values, keeps secret references live and never holds a secret value', () => {
    const line = shellLine({
      argv: ['python3', '-m', 'sglang.launch_server', '--api-key', envRef('R1_API_KEY'), '--model-path', 'a b$c'],
      env: {SGLANG_ENABLE_SPEC_V2: '1', WEIRD: "x'y $z"},
      passEnv: ['R1_API_KEY', 'HF_TOKEN'],
    })
    expect(line).toBe(`SGLANG_ENABLE_SPEC_V2=1 WEIRD='x'\\''y $z' python3 -m sglang.launch_server --api-key "\${R1_API_KEY}" --model-path 'a b$c'`)
    const result = spawnSync('/bin/sh', ['-c', line.replace('python3 -m sglang.launch_server', `sh -c 'printf "%s\\0" "$WEIRD" "$@"' x`)], {
      encoding: 'utf8',
      env: {PATH: '/usr/bin:/bin', R1_API_KEY: 'sk-secret value'},
    })
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(["x'y $z", '--api-key', 'sk-secret value', '--model-path', 'a b$c'])
  })

  it('does not expand a ${NAME} that is not a declared secret', () => {
    const line = shellLine({argv: ['echo', '${HOME}', envRef('KEY')], env: {}, passEnv: ['KEY']})
    expect(line).toBe(`echo '\${HOME}' "\${KEY}"`)
  })
})

describe('substituteEnvRefs', () => {
  it('fills only the named references, at launch', () => {
    expect(substituteEnvRefs(['--api-key', '${R1_API_KEY}', '${OTHER}', 'x${R1_API_KEY}y'], ['R1_API_KEY'], {OTHER: 'no', R1_API_KEY: 's3'})).toEqual([
      '--api-key',
      's3',
      '${OTHER}',
      'xs3y',
    ])
    expect(substituteEnvRefs(['${R1_API_KEY}'], ['R1_API_KEY'], {})).toEqual(['${R1_API_KEY}'])
  })
})
