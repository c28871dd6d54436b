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

/**
 * Board families from the device-tree model string (/proc/device-tree/model, /sys/firmware/devicetree/base/model),
 * most specific first. The strings come in many forms: developer kits and bare modules, with and without the word
 * "Jetson" ("NVIDIA Orin Nano Developer Kit"), L4T code names ("quill", "lanai", "Jetson-AGX"), and dts names with the
 * carrier and module part numbers ("p3509-0000+p3767-0000", handled by MODULES). Sources: the mainline and L4T device
 * trees (arch/arm64/boot/dts/nvidia/tegra*-p*.dts `model = ...`), NVIDIA's jetson-gpio board tables
 * (compats_tx2: quill, storm, lightning), Adafruit PlatformDetect (L4T 32.2's "Jetson-AGX"), jetson-stats.
 */
const FAMILY: Array<{test: RegExp; name: string; cc: string; profileId: string | null}> = [
  {cc: '11.0', name: 'Jetson AGX Thor', profileId: 'jetson-agx-thor', test: /\bThor\b/i},
  {cc: '8.7', name: 'Jetson AGX Orin', profileId: null, test: /\bAGX[ -]Orin\b/i},
  {cc: '8.7', name: 'IGX Orin', profileId: null, test: /\bIGX[ -]Orin\b/i},
  {cc: '8.7', name: 'Jetson Orin NX', profileId: 'jetson-orin-nx-16gb', test: /\bOrin[ -]NX\b/i},
  {cc: '8.7', name: 'Jetson Orin Nano Super', profileId: 'jetson-orin-nano-super', test: /\bOrin[ -]Nano\b.*\bSuper\b/i},
  {cc: '8.7', name: 'Jetson Orin Nano', profileId: null, test: /\bOrin[ -]Nano\b/i},
  {cc: '8.7', name: 'Jetson Orin', profileId: null, test: /\bOrin\b/i},
  {cc: '7.2', name: 'Jetson Xavier NX', profileId: null, test: /\bXavier[ -]NX\b/i},
  {cc: '7.2', name: 'Jetson AGX Xavier', profileId: 'jetson-agx-xavier', test: /\bAGX[ -]Xavier\b|^Jetson-AGX\b|\bjetson-xavier\b|\bgalen\b/i},
  {cc: '7.2', name: 'Jetson Xavier', profileId: 'jetson-agx-xavier', test: /\bXavier\b/i},
  {cc: '6.2', name: 'Jetson TX2 NX', profileId: null, test: /\bTX2[ -]NX\b|^lanai\b/i},
  {cc: '6.2', name: 'Jetson TX2', profileId: 'jetson-tx2', test: /\bTX2i?\b|^(quill|storm|lightning)\b|\bTegra186\b/i},
  {cc: '5.3', name: 'Jetson TX1', profileId: null, test: /\bTX1\b|\bjetson[_-]tx1\b|\bjetson-cv\b/i},
  {cc: '5.3', name: 'Jetson Nano 2GB', profileId: null, test: /\bNano 2GB\b/i},
  {cc: '5.3', name: 'Jetson Nano', profileId: 'jetson-nano', test: /\bNano\b|\bjetson[_-]nano\b|^porg\b/i},
  {cc: '3.2', name: 'Jetson TK1', profileId: null, test: /\bTK1\b|\bjetson[_-]tk1\b/i},
]

/** A line that is a Jetson device-tree model, whichever form it takes (see FAMILY). */
const MODEL_LINE = /^(?:(?:NVIDIA )?(?:Jetson|Orin|Xavier|IGX|Tegra\d+)\b|(?:quill|storm|lightning|lanai|porg)(?:[-_ ][\w-]*)?\0*$|jetson[_-]\w+\0*$|p\d{4}-\d{4}(?:\+p\d{4}-\d{4})?(?:-\w+)?\0*$)[^\0\n]*/im

/**
 * Module part numbers (p3701-0005 …) in /proc/device-tree/compatible, the model or the dts name, and the board ids of
 * the developer kits that carry one module only. Carrier boards (p3509, p3737, p3768, p3449, p4071) are left out on
 * purpose: "p3509-0000+p3767-0000" is an Orin NX on a Xavier NX carrier. Sources: NVIDIA's EEPROM layout pages
 * (board ids 3668, 3448, 2888, 3310, 3489, 3636, 2180 and their SKUs), jetson-gpio's compatible lists
 * (p3509-0000+p3767-0000 … p3768-0000+p3767-0005-super), the Thor fixture (p4071-0000+p3834-0008).
 * The "-super" entries come first: includes() would otherwise match the plain part number inside them.
 */
const MODULES: Record<string, {name: string; profileId: string | null; cc: string}> = {
  'p3767-0003-super': {cc: '8.7', name: 'Jetson Orin Nano Super 8GB', profileId: 'jetson-orin-nano-super'},
  'p3767-0004-super': {cc: '8.7', name: 'Jetson Orin Nano Super 4GB', profileId: null},
  'p3767-0005-super': {cc: '8.7', name: 'Jetson Orin Nano Super 8GB', profileId: 'jetson-orin-nano-super'},
  'p3767-0000-super': {cc: '8.7', name: 'Jetson Orin NX 16GB (Super)', profileId: 'jetson-orin-nx-16gb'},
  'p3767-0001-super': {cc: '8.7', name: 'Jetson Orin NX 8GB (Super)', profileId: null},
  'p3701-0000': {cc: '8.7', name: 'Jetson AGX Orin 32GB', profileId: 'jetson-agx-orin-32gb'},
  'p3701-0004': {cc: '8.7', name: 'Jetson AGX Orin 32GB', profileId: 'jetson-agx-orin-32gb'},
  'p3701-0005': {cc: '8.7', name: 'Jetson AGX Orin 64GB', profileId: 'jetson-agx-orin-64gb'},
  'p3701-0008': {cc: '8.7', name: 'Jetson AGX Orin Industrial 64GB', profileId: 'jetson-agx-orin-64gb'},
  'p3767-0000': {cc: '8.7', name: 'Jetson Orin NX 16GB', profileId: 'jetson-orin-nx-16gb'},
  'p3767-0001': {cc: '8.7', name: 'Jetson Orin NX 8GB', profileId: 'jetson-orin-nx-16gb'},
  'p3767-0003': {cc: '8.7', name: 'Jetson Orin Nano 8GB', profileId: 'jetson-orin-nano-8gb'},
  'p3767-0004': {cc: '8.7', name: 'Jetson Orin Nano 4GB', profileId: 'jetson-orin-nano-8gb'},
  'p3767-0005': {cc: '8.7', name: 'Jetson Orin Nano 8GB', profileId: 'jetson-orin-nano-8gb'},
  'p3834-0008': {cc: '11.0', name: 'Jetson AGX Thor (T5000)', profileId: 'jetson-agx-thor'},
  'p3668-0000': {cc: '7.2', name: 'Jetson Xavier NX (developer kit module)', profileId: null},
  'p3668-0001': {cc: '7.2', name: 'Jetson Xavier NX', profileId: null},
  'p3668-0003': {cc: '7.2', name: 'Jetson Xavier NX 16GB', profileId: null},
  'p2888-0001': {cc: '7.2', name: 'Jetson AGX Xavier 16GB', profileId: null},
  'p2888-0004': {cc: '7.2', name: 'Jetson AGX Xavier 32GB', profileId: 'jetson-agx-xavier'},
  'p2888-0005': {cc: '7.2', name: 'Jetson AGX Xavier 64GB', profileId: null},
  'p2888-0006': {cc: '7.2', name: 'Jetson AGX Xavier 8GB', profileId: null},
  'p2888-0008': {cc: '7.2', name: 'Jetson AGX Xavier Industrial 32GB', profileId: 'jetson-agx-xavier'},
  'p2972-0000': {cc: '7.2', name: 'Jetson AGX Xavier Developer Kit', profileId: 'jetson-agx-xavier'},
  'p3636-0001': {cc: '6.2', name: 'Jetson TX2 NX', profileId: null},
  'p3310-1000': {cc: '6.2', name: 'Jetson TX2', profileId: 'jetson-tx2'},
  'p3489-0000': {cc: '6.2', name: 'Jetson TX2i', profileId: null},
  'p3489-0888': {cc: '6.2', name: 'Jetson TX2 4GB', profileId: null},
  'p2771-0000': {cc: '6.2', name: 'Jetson TX2 Developer Kit', profileId: 'jetson-tx2'},
  'p2180-1000': {cc: '5.3', name: 'Jetson TX1', profileId: null},
  'p2371-2180': {cc: '5.3', name: 'Jetson TX1 Developer Kit', profileId: null},
  'p3448-0000': {cc: '5.3', name: 'Jetson Nano 4GB (developer kit module)', profileId: 'jetson-nano'},
  'p3448-0002': {cc: '5.3', name: 'Jetson Nano 4GB', profileId: 'jetson-nano'},
  'p3448-0003': {cc: '5.3', name: 'Jetson Nano 2GB', profileId: null},
  'p3450-0000': {cc: '5.3', name: 'Jetson Nano Developer Kit', profileId: 'jetson-nano'},
  'p3450-0002': {cc: '5.3', name: 'Jetson Nano 4GB', profileId: 'jetson-nano'},
}
const SOCS: Record<string, {name: string; cc: string}> = {
  tegra124: {cc: '3.2', name: 'Jetson TK1 (tegra124)'},
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

/** True when `model` is a Jetson device-tree model string in any of its forms (live detection asks this). */
export function isJetsonModel(model: string): boolean {
  const m = cleanDeviceTree(model)
  return MODEL_LINE.test(m) || FAMILY.some((f) => f.test.test(m) && /nvidia|jetson|tegra|^[a-z]+(?:[-_][\w-]*)?$/i.test(m))
}

export function looksLikeJetson(text: string): boolean {
  if (text.length > 16_384 || /^\s*[[{<]/.test(text)) return false
  return (
    /#\s*R\d+\s*\(release\),\s*REVISION:/.test(text) ||
    MODEL_LINE.test(text) ||
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
      if (f.test.test(model)) return {...base, computeCapability: f.cc, name: /^(?:NVIDIA )?(?:Jetson|Orin|Xavier|IGX) /i.test(model) ? model : `${f.name} (${model})`, profileId: f.profileId}
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
  const model = MODEL_LINE.exec(text)?.[0] ?? null
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
