/** The detect service with fake dependencies: a runner that answers only the argv it expects (others throw). */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {HostFacts} from '../../src/core/detect/detect.schema.js'
import type {CaptureResult, Runner} from '../../src/io/exec.js'
import {detect, type DetectDeps} from '../../src/services/detect.js'
import {FIXTURES} from '../helpers/cli.js'
import {synthesize, type FakeAnswer, type FakeScenario} from '../helpers/fake-nvidia-smi.js'
import {gpuCatalog} from '../helpers/gpu-catalog.js'

const catalog = gpuCatalog()
const QUERY = ['--query-gpu=index,name,uuid,pci.bus_id,memory.total,memory.used,compute_cap,driver_version,mig.mode.current', '--format=csv,noheader,nounits']
const QUERY_NO_CC = ['--query-gpu=index,name,uuid,pci.bus_id,memory.total,memory.used,driver_version,mig.mode.current', '--format=csv,noheader,nounits']
const HOST: HostFacts = {cpuCores: 64, cpuModel: 'AMD EPYC 9654', hfCacheFreeBytes: 5e12, hfCachePath: '/data/hf', os: 'Ubuntu 22.04', ramAvailableBytes: 1.8e12, ramTotalBytes: 2e12, shmBytes: 1e12}

function result(a: FakeAnswer): CaptureResult {
  return {exitCode: a.exitCode ?? 0, notFound: false, stderr: a.stderr ?? '', stdout: a.stdout ?? '', timedOut: false}
}

/** A runner that answers exactly these argv lists, in any order, and throws on anything else. */
function fakeRunner(expected: Array<[string[], CaptureResult]>): Runner & {calls: string[][]} {
  const calls: string[][] = []
  return {
    async capture(command, args) {
      calls.push([...args])
      if (command !== 'nvidia-smi') throw new Error(`unexpected command ${command}`)
      const hit = expected.find(([argv]) => JSON.stringify(argv) === JSON.stringify(args))
      if (!hit) throw new Error(`unexpected call: nvidia-smi ${args.join(' ')}`)
      return hit[1]
    },
    calls,
    spawn() {
      throw new Error('detect never spawns')
    },
  }
}

function deps(runner: Runner, over: Partial<DetectDeps> = {}): DetectDeps {
  return {
    catalog,
    env: {},
    async hostFacts() {
      return HOST
    },
    async readFile() {
      throw new Error('unexpected readFile')
    },
    async readJetson() {
      return {model: null, tegraRelease: null}
    },
    async readStdin() {
      throw new Error('unexpected readStdin')
    },
    runner,
    ...over,
  }
}

function machine(scenario: FakeScenario, keys: Array<'query' | 'query-no-cc' | 'plain' | 'topo' | 'list'>) {
  const a = synthesize(scenario)
  const argv = {list: ['-L'], plain: [], query: QUERY, 'query-no-cc': QUERY_NO_CC, topo: ['topo', '-m']}
  return fakeRunner(keys.map((k) => [argv[k], result(a[k])]))
}

describe('detect (live)', () => {
  it('8×H200 over NVLink: the query, the banner for CUDA, the topology; host facts', async () => {
    const runner = machine({gpus: 'h200x8'}, ['query', 'plain', 'topo'])
    const {result: r, warnings} = await detect(deps(runner))
    expect(runner.calls).toEqual([QUERY, [], ['topo', '-m']])
    expect(r).toMatchObject({cudaVersion: '12.8', driverVersion: '570.133.20', host: HOST, interconnect: 'nvlink', source: 'nvidia-smi'})
    expect(r.gpus).toHaveLength(8)
    expect(r.gpus[7]).toEqual({
      architecture: 'hopper',
      computeCapability: '9.0',
      index: 7,
      memoryTotalMiB: 143771,
      memoryUsedMiB: 1,
      mig: null,
      name: 'NVIDIA H200',
      unifiedMemory: false,
      uuid: 'GPU-00000000-0000-0000-0000-000000000007',
    })
    expect(warnings).toEqual([])
  })

  it('one RTX 4090: no topology call, interconnect null; includeHost false skips the host', async () => {
    const runner = machine({gpus: 'rtx4090x1', memoryUsedMiB: 3000}, ['query', 'plain'])
    const {result: r, warnings} = await detect(deps(runner), {includeHost: false})
    expect(runner.calls).toEqual([QUERY, []])
    expect(r).toMatchObject({host: null, interconnect: null})
    expect(r.gpus[0]).toMatchObject({architecture: 'ada', computeCapability: '8.9', memoryUsedMiB: 3000})
    expect(warnings).toEqual([
      'GPU 0 (NVIDIA GeForce RTX 4090): 3000 MiB of 24564 MiB already used by other processes: r1 plan sizes engines to the 21564 MiB that are free (a smaller KV cache); vLLM 0.9.1 or newer started with its default --gpu-memory-utilization 0.9 will not start while less than 90% is free.',
    ])
  })

  it('an old driver that rejects compute_cap: asked again without it, classified by name', async () => {
    const runner = machine({driver: 'old', driverVersion: '470.57.02', gpus: {count: 2, profile: 'a100-sxm4-80gb'}}, ['query', 'query-no-cc', 'plain', 'topo'])
    const {result: r, warnings} = await detect(deps(runner))
    expect(runner.calls.slice(0, 2)).toEqual([QUERY, QUERY_NO_CC])
    expect(r.gpus.map((g) => [g.architecture, g.computeCapability])).toEqual([['ampere', '8.0'], ['ampere', '8.0']])
    expect(r.driverVersion).toBe('470.57.02')
    expect(warnings[0]).toContain('does not report compute capability')
  })

  it('a driver older than R450 also rejects mig.mode.current: both fields dropped, one at a time', async () => {
    const noMig = ['--query-gpu=index,name,uuid,pci.bus_id,memory.total,memory.used,driver_version', '--format=csv,noheader,nounits']
    const invalid = (f: string): CaptureResult => ({exitCode: 2, notFound: false, stderr: `Field "${f}" is not a valid field to query.\n`, stdout: '', timedOut: false})
    const banner = readFileSync(join(FIXTURES, 'nvidia-smi', 'titan-v.driver515.table.txt'), 'utf8')
    const runner = fakeRunner([
      [QUERY, invalid('compute_cap')],
      [QUERY_NO_CC, invalid('mig.mode.current')],
      [noMig, result({stdout: '0, Tesla P100-PCIE-16GB, GPU-ec315101-2c81-1317-1df0-43cfb01564c1, 00000000:03:00.0, 16280, 0, 418.67\n'})],
      [[], result({stdout: banner})],
    ])
    const {result: r, warnings} = await detect(deps(runner), {includeHost: false})
    expect(runner.calls.slice(0, 3)).toEqual([QUERY, QUERY_NO_CC, noMig])
    expect(r.gpus[0]).toMatchObject({architecture: 'pascal', computeCapability: '6.0', memoryTotalMiB: 16280, mig: null, name: 'Tesla P100-PCIE-16GB'})
    expect(r.driverVersion).toBe('418.67')
    expect(warnings.slice(0, 2)).toEqual([
      'This driver does not report compute capability (older than R510); GPUs are classified by name.',
      'This driver does not know the query field mig.mode.current; it is left out.',
    ])
  })

  it('MIG: instances from -L, their memory from the MIG devices table', async () => {
    const table = readFileSync(join(FIXTURES, 'nvidia-smi', 'h100-80gb-mig.table.txt'), 'utf8')
    const runner = machine(
      {answers: {plain: {stdout: table}}, gpus: {count: 1, profile: 'h100-sxm'}, mig: ['3g.40gb', '2g.20gb', '1g.10gb', '1g.10gb']},
      ['query', 'plain', 'list'],
    )
    const {result: r, warnings} = await detect(deps(runner))
    expect(runner.calls).toEqual([QUERY, [], ['-L']])
    expect(r.cudaVersion).toBe('13.1')
    expect(r.gpus[0].mig).toEqual({
      instances: [
        {memoryMiB: 40448, profile: '3g.40gb'},
        {memoryMiB: 20096, profile: '2g.20gb'},
        {memoryMiB: 9984, profile: '1g.10gb'},
        {memoryMiB: 9984, profile: '1g.10gb'},
      ],
    })
    expect(warnings).toContain('GPU 0 (NVIDIA H100 80GB HBM3): MIG is on (4 instances); an engine sees one instance, not the card.')
  })

  it('no devices: R1_NO_GPU quoting nvidia-smi', async () => {
    const runner = machine({failure: 'no-devices'}, ['query'])
    await expect(detect(deps(runner))).rejects.toMatchObject({code: 'R1_NO_GPU', message: expect.stringContaining('No devices were found')})
  })

  it('driver/library mismatch: R1_NVIDIA_SMI_FAILED quoting nvidia-smi', async () => {
    const runner = machine({failure: 'driver-mismatch'}, ['query'])
    await expect(detect(deps(runner))).rejects.toMatchObject({code: 'R1_NVIDIA_SMI_FAILED', message: expect.stringContaining('Driver/library version mismatch')})
  })

  it('no nvidia-smi and no Jetson: R1_NO_NVIDIA_SMI with the three suggestions', async () => {
    const runner = fakeRunner([[QUERY, {exitCode: null, notFound: true, stderr: '', stdout: '', timedOut: false}]])
    const error = await detect(deps(runner)).catch((error_: unknown) => error_)
    expect(error).toMatchObject({code: 'R1_NO_NVIDIA_SMI'})
    const s = (error as {suggestions: string[]}).suggestions.join('\n')
    expect(s).toContain('Install the NVIDIA driver')
    expect(s).toContain('--from-file')
    expect(s).toContain('r1 plan --gpu')
  })

  it('a Jetson without nvidia-smi: the board from the device tree, unified memory', async () => {
    const runner = fakeRunner([[QUERY, {exitCode: null, notFound: true, stderr: '', stdout: '', timedOut: false}]])
    const model = readFileSync(join(FIXTURES, 'nvidia-smi', 'jetson-agx-orin.device-tree-model.txt'), 'utf8')
    const release = readFileSync(join(FIXTURES, 'nvidia-smi', 'jetson-agx-orin.r39.nv_tegra_release.txt'), 'utf8')
    const {result: r} = await detect(deps(runner, {readJetson: async () => ({model: `${model}\0`, tegraRelease: release})}))
    expect(r).toMatchObject({cudaVersion: null, driverVersion: null, host: HOST, interconnect: null, source: 'jetson'})
    expect(r.gpus[0]).toMatchObject({architecture: 'ampere', computeCapability: '8.7', memoryTotalMiB: null, name: 'NVIDIA Jetson AGX Orin Developer Kit', unifiedMemory: true})
  })
})

describe('detect (live, Jetson device-tree models without the word Jetson)', () => {
  it.each([
    ['NVIDIA Orin Nano Developer Kit\0', '8.7'],
    ['quill\0', '6.2'],
    ['Jetson-AGX\0', '7.2'],
  ])('%j alone (no nv_tegra_release, no nvidia-smi) is recognised', async (model, cc) => {
    const runner = fakeRunner([[QUERY, {exitCode: null, notFound: true, stderr: '', stdout: '', timedOut: false}]])
    const {result: r} = await detect(deps(runner, {readJetson: async () => ({model, tegraRelease: null})}), {includeHost: false})
    expect(r.source).toBe('jetson')
    expect(r.gpus[0]).toMatchObject({computeCapability: cc, unifiedMemory: true})
  })
})

describe('detect (live, Jetson whose nvidia-smi fails)', () => {
  it('falls back to the device tree, quoting nvidia-smi in a warning', async () => {
    const runner = fakeRunner([[QUERY, {exitCode: 255, notFound: false, stderr: '', stdout: 'Unable to determine the device handle for GPU0000:00:00.0: Unknown Error\n', timedOut: false}]])
    const compatible = readFileSync(join(FIXTURES, 'nvidia-smi', 'jetson-agx-thor.device-tree-compatible.as-printed.txt'), 'utf8')
    const {result: r, warnings} = await detect(deps(runner, {readJetson: async () => ({compatible, model: null, tegraRelease: null})}), {includeHost: false})
    expect(r.source).toBe('jetson')
    expect(r.gpus[0]).toMatchObject({architecture: 'blackwell', computeCapability: '11.0', name: 'Jetson AGX Thor (T5000)', unifiedMemory: true})
    expect(warnings[0]).toContain('Unable to determine the device handle')
  })
})

describe('detect --from-file', () => {
  it('reads the file, never the runner; host is null', async () => {
    const text = readFileSync(join(FIXTURES, 'nvidia-smi', 'l4-24gb.table.txt'), 'utf8')
    const {result: r} = await detect(deps(fakeRunner([]), {readFile: async (p) => (p === 'l4.txt' ? text : '')}), {fromFile: 'l4.txt'})
    expect(r).toMatchObject({cudaVersion: '12.4', driverVersion: '550.90.07', host: null, source: 'file'})
    expect(r.gpus[0]).toMatchObject({architecture: 'ada', memoryTotalMiB: 23034, name: 'NVIDIA L4'})
  })

  it('`-` reads stdin; empty stdin is R1_UNRECOGNIZED_CAPTURE', async () => {
    const list = readFileSync(join(FIXTURES, 'nvidia-smi', 'titan-v_rtx-5880-ada.list.txt'), 'utf8')
    const {result: r} = await detect(deps(fakeRunner([]), {readStdin: async () => list}), {fromFile: '-'})
    expect(r.gpus.map((g) => g.architecture)).toEqual(['volta', 'ada'])
    await expect(detect(deps(fakeRunner([]), {readStdin: async () => ''}), {fromFile: '-'})).rejects.toMatchObject({code: 'R1_UNRECOGNIZED_CAPTURE'})
  })
})
