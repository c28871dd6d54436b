/**
 * Jetson boards: /proc/device-tree/model (NUL-terminated), /proc/device-tree/compatible (NUL-separated),
 * /etc/nv_tegra_release and tegrastats lines. Orin → ampere 8.7, Xavier → volta 7.2, TX2 → pascal 6.2,
 * Nano/TX1 → maxwell 5.3, Thor → blackwell 11.0. Memory is the host's RAM (unified).
 */
import {emptyGpu, type RawGpu} from './raw.js'

export interface JetsonBoard {
  name: string
  profileId: string | null
  computeCapability: string | null
  l4tRelease: string | null
  /** Why the board is not known for sure, when it is not. */
  problem: string | null
}

export interface JetsonTexts {
  model: string | null
  compatible?: string | null
  tegraRelease: string | null
  tegrastats?: string | null
}

const FAMILY: Array<{test: RegExp; name: string; cc: string; profileId: string | null}> = [
  {cc: '11.0', name: 'Jetson AGX Thor', profileId: 'jetson-agx-thor', test: /\bThor\b/i},
  {cc: '8.7', name: 'Jetson AGX Orin', profileId: null, test: /\bAGX Orin\b/i},
  {cc: '8.7', name: 'Jetson Orin NX', profileId: 'jetson-orin-nx-16gb', test: /\bOrin NX\b/i},
  {cc: '8.7', name: 'Jetson Orin Nano', profileId: null, test: /\bOrin Nano\b/i},
  {cc: '8.7', name: 'Jetson Orin', profileId: null, test: /\bOrin\b/i},
  {cc: '7.2', name: 'Jetson AGX Xavier', profileId: 'jetson-agx-xavier', test: /\bXavier\b/i},
  {cc: '6.2', name: 'Jetson TX2', profileId: 'jetson-tx2', test: /\bTX2\b/i},
  {cc: '5.3', name: 'Jetson Nano', profileId: 'jetson-nano', test: /\b(Nano|TX1)\b/i},
]

/** Module part numbers (p3701-0005 …) and SoC ids in /proc/device-tree/compatible. */
const MODULES: Record<string, {name: string; profileId: string; cc: string}> = {
  'p3701-0000': {cc: '8.7', name: 'Jetson AGX Orin 32GB', profileId: 'jetson-agx-orin-32gb'},
  'p3701-0004': {cc: '8.7', name: 'Jetson AGX Orin 32GB', profileId: 'jetson-agx-orin-32gb'},
  'p3701-0005': {cc: '8.7', name: 'Jetson AGX Orin 64GB', profileId: 'jetson-agx-orin-64gb'},
  'p3767-0000': {cc: '8.7', name: 'Jetson Orin NX 16GB', profileId: 'jetson-orin-nx-16gb'},
  'p3767-0001': {cc: '8.7', name: 'Jetson Orin NX 8GB', profileId: 'jetson-orin-nx-16gb'},
  'p3767-0003': {cc: '8.7', name: 'Jetson Orin Nano 8GB', profileId: 'jetson-orin-nano-8gb'},
  'p3767-0004': {cc: '8.7', name: 'Jetson Orin Nano 4GB', profileId: 'jetson-orin-nano-8gb'},
  'p3767-0005': {cc: '8.7', name: 'Jetson Orin Nano 8GB', profileId: 'jetson-orin-nano-8gb'},
  'p3834-0008': {cc: '11.0', name: 'Jetson AGX Thor (T5000)', profileId: 'jetson-agx-thor'},
}
const SOCS: Record<string, {name: string; cc: string}> = {
  tegra186: {cc: '6.2', name: 'Jetson TX2 (tegra186)'},
  tegra194: {cc: '7.2', name: 'Jetson Xavier (tegra194)'},
  tegra210: {cc: '5.3', name: 'Jetson Nano/TX1 (tegra210)'},
  tegra234: {cc: '8.7', name: 'Jetson Orin (tegra234)'},
  tegra264: {cc: '11.0', name: 'Jetson Thor (tegra264)'},
}

/** Which L4T majors ship for one board family only: R36 (JetPack 6) is Orin only, R38 (JetPack 7.0) Thor only. */
const L4T_ONLY: Record<string, {name: string; cc: string}> = {
  '36': {cc: '8.7', name: 'Jetson Orin (L4T R36)'},
  '38': {cc: '11.0', name: 'Jetson Thor (L4T R38)'},
}

export function cleanDeviceTree(text: string): string {
  return text.replace(/\0/g, ' ').replace(/\s+/g, ' ').trim()
}

export function parseTegraRelease(text: string): string | null {
  const m = /#\s*R(\d+)\s*\(release\),\s*REVISION:\s*([\d.]+)/.exec(text)
  return m ? `R${m[1]}.${m[2]}` : null
}

export function looksLikeJetson(text: string): boolean {
  if (text.length > 16_384 || /^\s*[[{<]/.test(text)) return false
  return (
    /#\s*R\d+\s*\(release\),\s*REVISION:/.test(text) ||
    /^(NVIDIA )?Jetson\b/m.test(text) ||
    /nvidia,(tegra\d+|p\d{4}-\d{4})/.test(text) ||
    (/\bRAM \d+\/\d+MB\b/.test(text) && /\bGR3D_FREQ\b/.test(text))
  )
}

/** The board from whatever texts there are; the most specific wins (module number, model, SoC, L4T, tegrastats). */
export function identifyJetson(texts: JetsonTexts): JetsonBoard {
  const model = texts.model ? cleanDeviceTree(texts.model) : ''
  const compatible = texts.compatible ?? ''
  const l4tRelease = texts.tegraRelease ? parseTegraRelease(texts.tegraRelease) : null
  const base = {l4tRelease, problem: null}
  for (const [part, board] of Object.entries(MODULES)) {
    if (compatible.includes(part) || model.includes(part)) return {...base, computeCapability: board.cc, name: board.name, profileId: board.profileId}
  }

  if (model) {
    for (const f of FAMILY) {
      if (f.test.test(model)) return {...base, computeCapability: f.cc, name: model, profileId: f.profileId}
    }
  }

  const soc = /nvidia,(tegra\d+)/.exec(`${compatible} ${model}`)
  if (soc && SOCS[soc[1]]) return {...base, computeCapability: SOCS[soc[1]].cc, name: SOCS[soc[1]].name, profileId: null}
  const stats = texts.tegrastats ? fromTegrastats(texts.tegrastats) : null
  if (stats) return {...base, ...stats}
  const major = l4tRelease ? /^R(\d+)/.exec(l4tRelease)?.[1] : undefined
  if (major && L4T_ONLY[major]) return {...base, computeCapability: L4T_ONLY[major].cc, name: L4T_ONLY[major].name, profileId: null}
  return {
    computeCapability: null,
    l4tRelease,
    name: model || (l4tRelease ? `Jetson (L4T ${l4tRelease})` : 'Jetson'),
    problem: l4tRelease
      ? `L4T ${l4tRelease} ships for more than one Jetson family; add /proc/device-tree/model to the capture`
      : 'the board is not recognised',
    profileId: null,
  }
}

/** tegrastats: Orin prints GR3D_FREQ with a bracketed GPC list; TX2 has Denver cores (BCPU/MCPU); Xavier a CV rail. */
function fromTegrastats(text: string): {computeCapability: string; name: string; profileId: string | null} | null {
  const ram = /\bRAM \d+\/(\d+)MB/.exec(text)
  const totalMB = ram ? Number(ram[1]) : 0
  if (/GR3D_FREQ \d+%@\[/.test(text)) {
    if (totalMB > 40_000) return {computeCapability: '8.7', name: 'Jetson AGX Orin 64GB', profileId: 'jetson-agx-orin-64gb'}
    if (totalMB > 20_000) return {computeCapability: '8.7', name: 'Jetson AGX Orin 32GB', profileId: 'jetson-agx-orin-32gb'}
    if (totalMB > 10_000) return {computeCapability: '8.7', name: 'Jetson Orin NX 16GB', profileId: 'jetson-orin-nx-16gb'}
    return {computeCapability: '8.7', name: `Jetson Orin (${totalMB} MB RAM)`, profileId: null}
  }

  if (/\bBCPU@|\bMTS fg\b/.test(text)) return {computeCapability: '6.2', name: 'Jetson TX2', profileId: 'jetson-tx2'}
  if (/\bCV \d+\/\d+/.test(text) || /\bCV\d@/.test(text)) return {computeCapability: '7.2', name: 'Jetson AGX Xavier', profileId: 'jetson-agx-xavier'}
  return null
}

/** Split a capture that may hold several Jetson texts (e.g. `cat model nv_tegra_release`). */
export function jetsonTextsFromCapture(text: string): JetsonTexts {
  const release = /#\s*R\d+\s*\(release\)[^\n]*/.exec(text)?.[0] ?? null
  const compatible = /(?:nvidia,[\w+-]+\0?)+/.exec(text)?.[0] ?? null
  const model = /^(?:NVIDIA )?Jetson[^\0\n]*/m.exec(text)?.[0] ?? null
  const tegrastats = /\bRAM \d+\/\d+MB[^\n]*/.exec(text)?.[0] ?? null
  return {compatible, model, tegraRelease: release, tegrastats}
}

export function jetsonGpu(board: JetsonBoard): RawGpu {
  return {
    ...emptyGpu(0),
    fixed: {computeCapability: board.computeCapability, profileId: board.profileId, unifiedMemory: true},
    memoryNotSupported: true,
    name: board.name,
  }
}
