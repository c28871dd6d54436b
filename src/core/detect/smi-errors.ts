/** nvidia-smi's own failures, recognised by their words and turned into coded errors that quote them. */
import {R1Error} from '../errors.js'

export interface SmiFailure {
  kind: 'no-driver' | 'driver-mismatch' | 'no-devices' | 'invalid-field' | 'other'
  message: string
}

const PATTERNS: Array<{kind: SmiFailure['kind']; re: RegExp}> = [
  {kind: 'no-driver', re: /NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver[^\n]*/},
  {kind: 'driver-mismatch', re: /Failed to initialize NVML: Driver\/library version mismatch[^\n]*/},
  {kind: 'no-devices', re: /No devices were found[^\n]*/},
  {kind: 'invalid-field', re: /Field "[^"]+" is not a valid field to query\.?/},
  {kind: 'other', re: /Failed to initialize NVML[^\n]*/},
  {kind: 'other', re: /Unable to determine the device handle[^\n]*/},
]

/** The failure nvidia-smi printed, if the text is one (checked before any parser). */
export function recognizeSmiFailure(text: string): SmiFailure | null {
  for (const p of PATTERNS) {
    const m = p.re.exec(text)
    if (m) return {kind: p.kind, message: m[0].trim()}
  }

  return null
}

export function smiFailureError(failure: SmiFailure, where: string): R1Error {
  const quoted = `nvidia-smi says: "${failure.message}"`
  switch (failure.kind) {
    case 'no-driver':
      return new R1Error('R1_NVIDIA_SMI_FAILED', `${where}: the NVIDIA driver is not loaded. ${quoted}`, {
        data: {nvidiaSmi: failure.message},
        suggestions: ['Install or reload the NVIDIA driver (and reboot if it was just installed).', 'Plan for another machine with `r1 detect --from-file CAPTURE` or `r1 plan --gpu NAME`.'],
      })
    case 'driver-mismatch':
      return new R1Error('R1_NVIDIA_SMI_FAILED', `${where}: the driver and its user-space library differ in version. ${quoted}`, {
        data: {nvidiaSmi: failure.message},
        suggestions: ['Reboot (a driver update replaced the library but the old kernel module is still loaded).', 'Compare `cat /proc/driver/nvidia/version` with the installed driver package.'],
      })
    case 'no-devices':
      return new R1Error('R1_NO_GPU', `${where}: no NVIDIA GPU found. ${quoted}`, {
        data: {nvidiaSmi: failure.message},
        suggestions: ['Check the GPU is passed to this machine or container (`--gpus all`, the device plugin).', 'Plan without a GPU here: `r1 plan --gpu NAME`.'],
      })
    default:
      return new R1Error('R1_NVIDIA_SMI_FAILED', `${where}: ${quoted}`, {
        data: {nvidiaSmi: failure.message},
        suggestions: ['Run `nvidia-smi` yourself to see the full message.', 'Plan with `r1 plan --gpu NAME` meanwhile.'],
      })
  }
}
