import type {Architecture} from '../constants.js'

/** Architecture id from a CUDA compute capability ("9.0" → hopper). Unknown majors/minors are `unknown`, never a guess. */
export function architectureFromComputeCapability(cc: string): Architecture {
  const m = /^(\d+)\.(\d+)$/.exec(cc.trim())
  if (!m) return 'unknown'
  const major = Number(m[1])
  const minor = Number(m[2])
  switch (major) {
    case 3:
      return 'kepler'
    case 5:
      return 'maxwell'
    case 6:
      return 'pascal'
    case 7:
      if (minor === 0 || minor === 2) return 'volta'
      if (minor === 5) return 'turing'
      return 'unknown'
    case 8:
      if (minor === 0 || minor === 6 || minor === 7) return 'ampere'
      if (minor === 9) return 'ada'
      return 'unknown'
    case 9:
      return minor === 0 ? 'hopper' : 'unknown'
    case 10:
    case 12:
      return 'blackwell'
    case 11:
      return minor === 0 ? 'blackwell' : 'unknown'
    default:
      return 'unknown'
  }
}

/** "Product Architecture" as nvidia-smi -q prints it ("Ada Lovelace", "Hopper") → our id. */
export function architectureFromProductName(text: string): Architecture {
  const word = text.trim().toLowerCase()
  const table: Record<string, Architecture> = {
    ada: 'ada',
    'ada lovelace': 'ada',
    ampere: 'ampere',
    blackwell: 'blackwell',
    hopper: 'hopper',
    kepler: 'kepler',
    maxwell: 'maxwell',
    pascal: 'pascal',
    turing: 'turing',
    volta: 'volta',
  }
  return table[word] ?? 'unknown'
}

/** Architectures no supported engine runs on (vLLM and SGLang need compute capability 7.0 or newer). */
export function engineSupportsComputeCapability(cc: string): boolean {
  const m = /^(\d+)\.(\d+)$/.exec(cc)
  if (!m) return false
  return Number(m[1]) >= 7
}
