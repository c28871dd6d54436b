/** `r1 detect` through oclif (runCommand): the JSON envelope against the result schema, people's output, errors. */
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import {DetectResult} from '../../src/core/detect/detect.schema.js'
import {FIXTURES, ROOT} from '../helpers/cli.js'

const capture = (f: string) => join(FIXTURES, 'nvidia-smi', f)

describe('r1 detect (command)', () => {
  it('--from-file --json: the envelope holds a DetectResult; warnings in the envelope', async () => {
    const {stdout} = await runCommand(['detect', '--from-file', capture('rtx-3090.driver610.table.txt'), '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(0)
    const result = DetectResult.parse(json.result)
    expect(result).toMatchObject({cudaVersion: '13.3', driverVersion: '610.57.04', host: null, interconnect: null, source: 'file'})
    expect(result.gpus[0]).toMatchObject({architecture: 'ampere', computeCapability: '8.6', memoryTotalMiB: 24576, memoryUsedMiB: 20304})
    expect(json.warnings).toHaveLength(1)
    expect(json.warnings[0]).toContain('already used by other processes')
  })

  it('for people: one row per GPU on stdout under a header that stays when piped, warnings on stderr', async () => {
    const {stderr, stdout} = await runCommand(['detect', '--from-file', capture('a40-x10.driver550.table.txt')], {root: ROOT})
    const rows = stdout.trim().split('\n')
    expect(rows).toHaveLength(11)
    expect(rows[0].split('\t')).toEqual(['GPU', 'NAME', 'ARCH', 'CC', 'MEMORY', 'MIG'])
    expect(rows[10].split('\t')).toEqual(['9', 'NVIDIA A40', 'ampere', '8.6', '45.0 GiB', '-'])
    expect(stderr).toBe('')
    const bare = await runCommand(['detect', '--from-file', capture('a40-x10.driver550.table.txt'), '--no-headers'], {root: ROOT})
    expect(bare.stdout.trim().split('\n')).toHaveLength(10)
  })

  it('an unknown format: exit 2, R1_UNRECOGNIZED_CAPTURE, no stack', async () => {
    const {error, stdout} = await runCommand(['detect', '--from-file', join(ROOT, 'package.json'), '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(2)
    expect(json.error.code).toBe('R1_UNRECOGNIZED_CAPTURE')
    expect(json.error.suggestions[0]).toContain('nvidia-smi -L')
    expect(error?.stack ?? '').not.toContain('capture.ts')
  })

  it('an nvidia-smi failure saved to a file: exit 4 quoting nvidia-smi', async () => {
    const {stdout} = await runCommand(['detect', '--from-file', capture('no-driver.err.txt'), '--json'], {root: ROOT})
    const json = JSON.parse(stdout)
    expect(json.status).toBe(4)
    expect(json.error.code).toBe('R1_NVIDIA_SMI_FAILED')
    expect(json.error.message).toContain("couldn't communicate with the NVIDIA driver")
  })

  it('a missing file: exit 2, R1_FILE_NOT_FOUND', async () => {
    const {stdout} = await runCommand(['detect', '--from-file', '/nonexistent/capture.txt', '--json'], {root: ROOT})
    expect(JSON.parse(stdout)).toMatchObject({error: {code: 'R1_FILE_NOT_FOUND'}, status: 2})
  })
})
