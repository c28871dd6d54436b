import {Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {noHeadersFlag, profilesFlag} from '../src/cli/flags.js'
import {renderDetect} from '../src/cli/render/detect.js'
import {terminalWidth} from '../src/cli/style.js'
import {cliContext} from '../src/cli/run-context.js'
import type {DetectResult} from '../src/core/detect/detect.schema.js'
import {defaultDetectDeps, detect} from '../src/services/detect.js'

export default class Detect extends R1Command {
  static override summary = 'Show the NVIDIA GPUs of this machine, or of a saved nvidia-smi capture.'
  static override description = `Live: asks nvidia-smi (compute capability, memory, MIG, NVLink) and reads the host (CPU, RAM, disk for Hugging Face weights, /dev/shm). Jetson boards without nvidia-smi are read from the device tree.

With --from-file, reads a capture from another machine: nvidia-smi's table, -q, -q -x, -L, --query-gpu CSV, or the Jetson files.

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> detect',
    '<%= config.bin %> detect --json',
    'nvidia-smi -q -x > gpus.xml  # on the other machine\n<%= config.bin %> detect --from-file gpus.xml',
    'ssh gpu-box nvidia-smi | <%= config.bin %> detect --from-file -',
  ]

  static override flags = {
    'from-file': Flags.string({char: 'f', description: 'Read a saved capture instead of this machine (`-` for stdin).', helpValue: 'PATH'}),
    'no-host': Flags.boolean({description: 'Skip the host facts (CPU, RAM, disk, /dev/shm).'}),
    'no-headers': noHeadersFlag,
    profiles: profilesFlag,
  }

  async run(): Promise<DetectResult> {
    const {flags} = await this.parse(Detect)
    const ctx = cliContext(flags.verbose)
    const deps = defaultDetectDeps({catalog: (await ctx.loadCatalog(flags.profiles)).gpus, env: ctx.env, runner: ctx.runner})
    const {result, warnings} = await detect(deps, {fromFile: flags['from-file'], includeHost: !flags['no-host']})
    this.addWarnings(warnings)
    if (!this.jsonEnabled()) this.log(renderDetect(result, {colour: this.out, headers: !flags['no-headers'], tty: Boolean(process.stdout.isTTY), width: terminalWidth()}))
    return result
  }
}
