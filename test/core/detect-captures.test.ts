/**
 * Every real capture of shared/fixtures/nvidia-smi (copied verbatim to test/fixtures/nvidia-smi) parsed and
 * checked field by field against its manifest entry.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {detectFromCapture} from '../../src/core/detect/capture.js'
import {isR1Error} from '../../src/core/errors.js'
import {FIXTURES} from '../helpers/cli.js'
import {gpuCatalog} from '../helpers/gpu-catalog.js'

const DIR = join(FIXTURES, 'nvidia-smi')

interface ManifestGpu {
  name: string
  expected_architecture: string
  expected_compute_capability: string
  memory_total_mib: string | null
  count?: number
}
interface ManifestEntry {
  file: string
  kind: string
  command: string
  gpus?: ManifestGpu[]
  driver_version: string | null
  cuda_version: string | null
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as ManifestEntry[]
const catalog = gpuCatalog()

/** "Ada Lovelace" → ada, "Ampere (Jetson Orin)" → ampere, "Blackwell (GB10)" → blackwell. */
function archId(text: string): string {
  return text.toLowerCase().startsWith('ada') ? 'ada' : text.toLowerCase().split(/\s+/)[0]
}

/**
 * Where r1 deliberately says less than the manifest: the manifest's answer comes from outside the capture
 * (an issue title, another file of the same host), and r1 does not guess.
 */
const NOT_IN_CAPTURE: Record<string, string> = {
  'geforce-truncated-name-rtx3070.driver470.table-partial.txt': 'name cut to "NVIDIA GeForce ...", no compute capability',
  'gb10-dgx-spark.query-memory.csv': 'memory-only CSV: neither name nor compute capability',
  'jetson-agx-orin.r39.nv_tegra_release.txt': 'L4T R39 alone does not tell Orin from Thor',
  'jetson-orin-nano-8gb.nv_tegra_release.txt': 'L4T R35 alone does not tell Orin from Xavier',
}

const ERRORS: Record<string, {code: string; quote: string}> = {
  'driver-library-mismatch.old.err.txt': {code: 'R1_NVIDIA_SMI_FAILED', quote: 'Driver/library version mismatch'},
  'invalid-field-compute_cap.err.txt': {code: 'R1_NVIDIA_SMI_FAILED', quote: 'Field "compute_cap" is not a valid field to query.'},
  'no-driver.err.txt': {code: 'R1_NVIDIA_SMI_FAILED', quote: "couldn't communicate with the NVIDIA driver"},
}

function mib(text: string | null): number | null | 'unified' {
  if (text === null) return null
  if (/Not Supported|N\/A/.test(text)) return 'unified'
  return Number(/^(\d+)/.exec(text)![1])
}

describe('every shared nvidia-smi capture parses to what its manifest records', () => {
  it('has all 66 captures copied verbatim', () => {
    expect(manifest).toHaveLength(66)
    for (const e of manifest) expect(readFileSync(join(DIR, e.file)).length, e.file).toBe((e as unknown as {bytes: number}).bytes)
  })

  for (const entry of manifest) {
    it(entry.file, () => {
      const text = readFileSync(join(DIR, entry.file), 'utf8')
      const error = ERRORS[entry.file]
      if (error) {
        let thrown: unknown
        try {
          detectFromCapture(text, catalog)
        } catch (error_) {
          thrown = error_
        }

        expect(isR1Error(thrown)).toBe(true)
        expect((thrown as {code: string}).code).toBe(error.code)
        expect((thrown as Error).message).toContain(error.quote)
        return
      }

      const {result, warnings} = detectFromCapture(text, catalog)
      expect(result.source).toBe('file')
      expect(result.host).toBeNull()
      // Driver and CUDA, where the capture prints them.
      // (a headerless CSV of unknown field order cannot say which number is the driver)
      if (entry.driver_version && /^\d+(\.\d+)+$/.test(entry.driver_version) && text.includes(entry.driver_version) && !entry.file.includes('noheader')) {
        expect(result.driverVersion).toBe(entry.driver_version)
      }

      if (entry.cuda_version && /^\d+\.\d+$/.test(entry.cuda_version) && /CUDA (UMD )?Version/i.test(text)) {
        expect(result.cudaVersion).toBe(entry.cuda_version)
      } else if (entry.cuda_version && !/^\d/.test(entry.cuda_version)) {
        expect(result.cudaVersion).toBeNull() // "N/A", "Not Found"
      }

      const expected = (entry.gpus ?? []).flatMap((g) => Array.from({length: g.count ?? 1}, () => g))
      if (entry.kind === 'version' || entry.file === 'proc-driver-nvidia-version.txt' || entry.file.startsWith('vgpu-host')) {
        expect(result.gpus).toEqual([])
        return
      }

      expect(result.gpus).toHaveLength(expected.length)
      result.gpus.forEach((g, i) => {
        const e = expected[i]
        const where = `${entry.file} GPU ${i}`
        if (NOT_IN_CAPTURE[entry.file]) {
          expect(g.architecture, where).toBe('unknown')
          expect(g.computeCapability, where).toBeNull()
          expect(warnings.some((w) => w.includes('architecture unknown') || w.includes('Jetson board')), where).toBe(true)
        } else {
          expect(g.architecture, where).toBe(archId(e.expected_architecture))
          expect(g.computeCapability, where).toBe(e.expected_compute_capability)
        }

        const printed = e.name.replace(/ \((truncated|RTX|32768).*$/, '')
        if (entry.kind !== 'jetson' && text.includes(printed)) expect(g.name, where).toBe(printed)

        const m = mib(e.memory_total_mib)
        if (m === 'unified') {
          expect(g.memoryTotalMiB, where).toBeNull()
          expect(g.unifiedMemory, where).toBe(true)
        } else {
          expect(g.memoryTotalMiB, where).toBe(m)
        }

        if (entry.kind === 'jetson') expect(g.unifiedMemory, where).toBe(true)
        expect(g.index, where).toBe(i)
      })
    })
  }
})

describe('details the manifest notes', () => {
  const parse = (file: string) => detectFromCapture(readFileSync(join(DIR, file), 'utf8'), catalog)

  it('MIG from -q -x: four 1g.20gb instances of 19968 MiB', () => {
    const g = parse('a100-sxm4-80gb-mig.q.xml').result.gpus[0]
    expect(g.mig).toEqual({instances: Array.from({length: 4}, () => ({memoryMiB: 19968, profile: '1g.20gb'}))})
    expect(g.uuid).toBe('GPU-513536b6-7d19-9063-b049-1e69664bb298')
    expect(g.memoryUsedMiB).toBe(50)
  })

  it('MIG from the table: the MIG devices table gives each instance memory', () => {
    const {result, warnings} = parse('h100-80gb-mig.table.txt')
    expect(result.gpus[0].mig?.instances).toEqual([
      {memoryMiB: 40448, profile: '3g.40gb'},
      {memoryMiB: 20096, profile: '2g.20gb'},
      {memoryMiB: 9984, profile: '1g.10gb'},
      {memoryMiB: 9984, profile: '1g.10gb'},
    ])
    expect(warnings).toContain('GPU 0 (NVIDIA H100 80GB HBM3): MIG is on (4 instances); an engine sees one instance, not the card.')
  })

  it('MIG from -L: profiles per GPU, only GPU 0 in MIG mode', () => {
    const {gpus} = parse('a100-sxm4-80gb-x4-mig.list.txt').result
    expect(gpus[0].mig?.instances.map((i) => i.profile)).toEqual(['1g.20gb', '1g.20gb', '1g.20gb', '1g.20gb'])
    expect(gpus.slice(1).map((g) => g.mig)).toEqual([null, null, null])
    expect(gpus[3].uuid).toBe('GPU-69ec2344-ebac-b028-f88f-452abb3d7f11')
  })

  it('R610: driver from "KMD Version", CUDA from "CUDA UMD Version"', () => {
    expect(parse('rtx-3090.driver610.table.txt').result).toMatchObject({cudaVersion: '13.3', driverVersion: '610.57.04'})
    expect(parse('driver-610.version.txt').result).toMatchObject({cudaVersion: '13.3', driverVersion: '610.43.02'})
    expect(parse('h200-141gb.driver610.q-head.txt').result).toMatchObject({cudaVersion: '13.3', driverVersion: '610.43.02'})
  })

  it('memory already used by other processes is a warning', () => {
    const {result, warnings} = parse('rtx-3090.driver610.table.txt')
    expect(result.gpus[0].memoryUsedMiB).toBe(20304)
    expect(warnings.some((w) => w.includes('20304 MiB of 24576 MiB already used'))).toBe(true)
  })

  it('an architecture no engine supports is a warning', () => {
    expect(parse('gtx-1050-ti.driver535.table.txt').warnings).toContain(
      'GPU 0 (NVIDIA GeForce GTX 1050 Ti): pascal (compute capability 6.1) is not supported by vLLM or SGLang (both need 7.0 or newer).',
    )
  })

  it('the WSL banner: driver is the Windows host driver, not the nvidia-smi build', () => {
    expect(parse('rtx-3070.wsl.driver530.table.txt').result.driverVersion).toBe('531.68')
  })

  it('a redacted driver version does not crash: null', () => {
    expect(parse('jetson-agx-thor.table-redacted-driver.txt').result).toMatchObject({cudaVersion: '13.0', driverVersion: null})
  })

  it('UUIDs and used memory from the query CSV with units', () => {
    const g = parse('h100-sxm5-80gb.query-all-fields.csv').result.gpus[0]
    expect(g).toMatchObject({memoryTotalMiB: 81559, memoryUsedMiB: 0, mig: null})
  })

  it('a model and nv_tegra_release together (cat model nv_tegra_release) name the board', () => {
    const model = readFileSync(join(DIR, 'jetson-agx-orin.device-tree-model.txt'), 'utf8')
    const release = readFileSync(join(DIR, 'jetson-agx-orin.r39.nv_tegra_release.txt'), 'utf8')
    const {result} = detectFromCapture(`${model}\0\n${release}`, catalog)
    expect(result.gpus[0]).toMatchObject({architecture: 'ampere', computeCapability: '8.7', name: 'NVIDIA Jetson AGX Orin Developer Kit', unifiedMemory: true})
  })

  it('a file in no known format is R1_UNRECOGNIZED_CAPTURE naming the formats', () => {
    let thrown: unknown
    try {
      detectFromCapture('{"hello": "world"}\n', catalog)
    } catch (error) {
      thrown = error
    }

    expect((thrown as {code: string}).code).toBe('R1_UNRECOGNIZED_CAPTURE')
    expect((thrown as {suggestions: string[]}).suggestions[0]).toContain('nvidia-smi -q -x (XML)')
  })
})
