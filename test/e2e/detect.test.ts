/**
 * `r1 detect` end to end: the real bin/run.js with a fake nvidia-smi first on PATH (a real executable that
 * answers the argv r1 sends and records it). Needs `npm run build` first.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {FIXTURES, makeBinDir, runCli} from '../helpers/cli.js'
import {installFakeNvidiaSmi} from '../helpers/fake-nvidia-smi.js'

const QUERY = ['--query-gpu=index,name,uuid,pci.bus_id,memory.total,memory.used,compute_cap,driver_version,mig.mode.current', '--format=csv,noheader,nounits']
const QUERY_NO_CC = ['--query-gpu=index,name,uuid,pci.bus_id,memory.total,memory.used,driver_version,mig.mode.current', '--format=csv,noheader,nounits']

describe('r1 detect (e2e, fake nvidia-smi)', () => {
  it('a current driver, 8×H200: exit 0, the JSON contract, the argv r1 sent', async () => {
    const binDir = makeBinDir()
    const fake = installFakeNvidiaSmi(binDir, {gpus: 'h200x8'})
    const r = await runCli(['detect', '--json'], {binDir})
    expect(r.exitCode).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.status).toBe(0)
    expect(json.result).toMatchObject({cudaVersion: '12.8', driverVersion: '570.133.20', interconnect: 'nvlink', source: 'nvidia-smi'})
    expect(json.result.gpus).toHaveLength(8)
    expect(json.result.gpus[0]).toEqual({
      architecture: 'hopper',
      computeCapability: '9.0',
      index: 0,
      memoryTotalMiB: 143771,
      memoryUsedMiB: 1,
      mig: null,
      name: 'NVIDIA H200',
      unifiedMemory: false,
      uuid: 'GPU-00000000-0000-0000-0000-000000000000',
    })
    // host facts from this machine: every key present, numbers where the machine has them
    expect(Object.keys(json.result.host).sort()).toEqual(['cpuCores', 'cpuModel', 'hfCacheFreeBytes', 'hfCachePath', 'os', 'ramAvailableBytes', 'ramTotalBytes', 'shmBytes'])
    expect(json.result.host.ramTotalBytes).toBeGreaterThan(0)
    expect(fake.calls()).toEqual([QUERY, [], ['topo', '-m']])
  })

  it('an old driver that rejects compute_cap: asked again without it; classified by name', async () => {
    const binDir = makeBinDir()
    const fake = installFakeNvidiaSmi(binDir, {driver: 'old', driverVersion: '470.57.02', gpus: 'rtx4090x1'})
    const r = await runCli(['detect', '--json', '--no-host'], {binDir})
    expect(r.exitCode).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.result.gpus[0]).toMatchObject({architecture: 'ada', computeCapability: '8.9', name: 'NVIDIA GeForce RTX 4090'})
    expect(json.result.host).toBeNull()
    expect(json.warnings[0]).toContain('does not report compute capability')
    expect(fake.calls().slice(0, 2)).toEqual([QUERY, QUERY_NO_CC])
  })

  it('MIG on: instances listed with profile and memory; a warning', async () => {
    const binDir = makeBinDir()
    const table = readFileSync(join(FIXTURES, 'nvidia-smi', 'h100-80gb-mig.table.txt'), 'utf8')
    const fake = installFakeNvidiaSmi(binDir, {answers: {plain: {stdout: table}}, gpus: {count: 1, profile: 'h100-sxm'}, mig: ['3g.40gb', '2g.20gb', '1g.10gb', '1g.10gb']})
    const r = await runCli(['detect', '--json', '--no-host'], {binDir})
    expect(r.exitCode).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.result.gpus[0].mig.instances[0]).toEqual({memoryMiB: 40448, profile: '3g.40gb'})
    expect(json.result.gpus[0].mig.instances).toHaveLength(4)
    expect(json.warnings).toContain('GPU 0 (NVIDIA H100 80GB HBM3): MIG is on (4 instances); an engine sees one instance, not the card.')
    expect(fake.calls()).toEqual([QUERY, [], ['-L']])
  })

  it('for people: a table on stdout, the warning on stderr', async () => {
    const binDir = makeBinDir()
    installFakeNvidiaSmi(binDir, {gpus: 'rtx4090x1', memoryUsedMiB: 2048})
    const r = await runCli(['detect', '--no-host'], {binDir})
    expect(r.exitCode).toBe(0)
    expect(r.stdout.trim()).toBe('GPU\tNAME\tARCH\tCC\tMEMORY\tMIG\n0\tNVIDIA GeForce RTX 4090\tada\t8.9\t24.0 GiB (2.0 used)\t-')
    expect(r.stderr).toContain('Warning: GPU 0 (NVIDIA GeForce RTX 4090): 2048 MiB of 24564 MiB already used')
  })

  it('no devices: exit 4, R1_NO_GPU quoting nvidia-smi', async () => {
    const binDir = makeBinDir()
    installFakeNvidiaSmi(binDir, {failure: 'no-devices'})
    const r = await runCli(['detect', '--json'], {binDir})
    expect(r.exitCode).toBe(4)
    const json = JSON.parse(r.stdout)
    expect(json).toMatchObject({error: {code: 'R1_NO_GPU'}, status: 4})
    expect(json.error.message).toContain('No devices were found')
  })

  it('driver/library mismatch: exit 4, its words, no stack trace', async () => {
    const binDir = makeBinDir()
    installFakeNvidiaSmi(binDir, {failure: 'driver-mismatch'})
    const r = await runCli(['detect'], {binDir})
    expect(r.exitCode).toBe(4)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Failed to initialize NVML: Driver/library version mismatch')
    expect(r.stderr).toContain('Code: R1_NVIDIA_SMI_FAILED')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('no nvidia-smi at all (and not a Jetson): exit 4, R1_NO_NVIDIA_SMI with suggestions', async () => {
    const r = await runCli(['detect', '--json'], {binDir: makeBinDir(), pathOnlyBinDir: true})
    expect(r.exitCode).toBe(4)
    const json = JSON.parse(r.stdout)
    expect(json.error.code).toBe('R1_NO_NVIDIA_SMI')
    expect(json.error.suggestions).toHaveLength(3)
  })

  it('--from-file - reads stdin', async () => {
    const text = readFileSync(join(FIXTURES, 'nvidia-smi', 'tesla-t4.q.xml'), 'utf8')
    const r = await runCli(['detect', '--from-file', '-', '--json'], {binDir: makeBinDir(), input: text, pathOnlyBinDir: true})
    expect(r.exitCode).toBe(0)
    expect(JSON.parse(r.stdout).result.gpus[0]).toMatchObject({architecture: 'turing', memoryTotalMiB: 15360, name: 'Tesla T4'})
  })
})
